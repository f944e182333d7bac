// One closing line for the whole suite, from vitest's and Playwright's JSON reports:
// "tests: N passed, N failed, N skipped", with the split per runner above it.
import { readFileSync } from 'node:fs';

const read = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};

const vitest = read('.test-reports/vitest.json');
const playwright = read('.test-reports/playwright.json');
const parts = [];
if (vitest) parts.push({ name: 'vitest (unit + integration)', passed: vitest.numPassedTests, failed: vitest.numFailedTests, skipped: vitest.numPendingTests + vitest.numTodoTests });
if (playwright) {
  const s = playwright.stats;
  parts.push({ name: 'playwright (e2e)', passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped });
}
for (const p of parts) console.log(`  ${p.name}: ${p.passed} passed, ${p.failed} failed, ${p.skipped} skipped`);
const sum = (k) => parts.reduce((a, p) => a + p[k], 0);
console.log(`tests: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
