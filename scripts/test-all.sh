#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, type-check (every project, Electron main and preload
# included), build, Electronegativity, unit + integration tests (vitest), end-to-end tests (Playwright in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

step "lint";            npx eslint . --max-warnings 0
step "type-check";      npm run --silent typecheck
step "build";           npx electron-vite build
# Doyensec's static Electron checker, installed on first use outside the lockfile (see the script for why);
# every finding must be fixed or justified in scripts/electronegativity-justified.json.
step "electronegativity";  node scripts/electronegativity.mjs --install
mkdir -p .test-reports
step "unit + integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=.test-reports/vitest.json
step "end-to-end tests (Playwright: web in Chromium; electron where a binary exists)"
npx playwright test
step "summary"
node scripts/summarize-tests.mjs
