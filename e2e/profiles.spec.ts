/**
 * Profiling: resnet18's per-op profile through the real onnx runner (table, graph heat map with the
 * selection shared, timeline, a second profile and the diff), and a notebook cell under cProfile.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { canImport, expect, shot, skipUnless, test } from './fixtures';
import { onnxFixtures, torchMissing } from '../test/onnx-fixtures';

async function openModel(page: Page, path: string): Promise<void> {
  await page.getByRole('button', { name: 'Refresh Explorer' }).click();
  await page.locator(`.tree-row[data-path="${path}"]`).click();
  await expect(page.getByTestId('model-view')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
}

async function profileOnce(page: Page, optimization: string): Promise<void> {
  await page.getByTestId('profile-optimization').selectOption(optimization);
  await page.getByTestId('profile-warmup').fill('2');
  await page.getByTestId('profile-runs').fill('5');
  await page.getByTestId('profile-start').click();
  await expect(page.getByTestId('profile-table')).toBeVisible({ timeout: 120_000 });
}

test('profile resnet18: sort by total, a Conv row selects its node in the graph; a second profile, then the diff', async ({ lathe }) => {
  skipUnless(torchMissing === null, torchMissing ?? '');
  test.setTimeout(240_000);
  const { page } = lathe;
  lathe.write('resnet18.onnx', readFileSync(join(onnxFixtures(), 'resnet18.onnx')));
  await openModel(page, 'resnet18.onnx');
  await page.getByTestId('profile-tab').click();

  await profileOnce(page, 'disabled');
  const table = page.getByTestId('profile-table');
  // Sort by total time, slowest first.
  await table.locator('th[data-sort="totalUs"] button').click();
  await expect(table).toHaveAttribute('data-sort', 'totalUs:desc');
  // resnet18's time is mostly its convolutions, but which node leads depends on this run's timing (a slow
  // MaxPool call once did): take the slowest Conv row.
  const first = table.locator('tbody tr[data-node][data-op="Conv"]').first();
  await expect(first).toContainText('Conv');
  // The profile's node names are the graph's ('disabled' optimisation): the heat map is on.
  const graph = page.getByTestId('profile-graph').getByTestId('graph-view');
  await expect(graph).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  const name = (await first.getAttribute('data-node'))!;
  await first.click();
  await expect(graph).toHaveAttribute('data-selected', name);
  await shot(page, 'profile-table-graph');

  await page.getByTestId('profile-view-timeline').click();
  await expect(page.getByTestId('profile-timeline').locator('canvas').first()).toBeVisible();
  await shot(page, 'profile-timeline');
  await page.getByTestId('profile-view-ops').click();

  // A second profile, with onnxruntime's optimisations on, then the diff of the two.
  await profileOnce(page, 'all');
  const history = page.getByTestId('profile-history');
  await expect(history.getByTestId('profile-tick')).toHaveCount(2, { timeout: 30_000 });
  for (const box of await history.getByTestId('profile-tick').all()) await box.check();
  await page.getByTestId('profile-diff-start').click();
  const verdict = page.getByTestId('profile-verdict');
  await expect(verdict).toBeVisible({ timeout: 30_000 });
  await expect(verdict).toContainText(/faster|slower|same/);
  await expect(page.getByTestId('profile-diff')).toContainText('Conv');
  await page.getByTestId('profile-diff').scrollIntoViewIfNeeded();
  await shot(page, 'profile-diff');
  // Both traces are files in the project, in Chrome's trace format.
  const files = readdirSync(lathe.path('.lathe/profiles')).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(2);
  for (const f of files) {
    const trace = JSON.parse(lathe.read(`.lathe/profiles/${f}`)) as { lathe: { runs: number }; traceEvents: unknown[] };
    expect(trace.lathe.runs).toBe(5);
    expect(trace.traceEvents.length).toBeGreaterThan(100);
  }
});

test('Profile cell runs a notebook cell under cProfile: the hot function leads the table, and a flame graph', async ({ lathe }) => {
  skipUnless(canImport('IPython'), '/usr/bin/python3 with IPython is not installed (scripts/setup-system.sh installs it)');
  test.setTimeout(180_000);
  const { page } = lathe;
  const nb = {
    cells: [{ cell_type: 'code', execution_count: null, id: 'c1', metadata: {}, outputs: [], source: ['def hot():\n', '    return sum(i * i for i in range(3_000_000))\n', '\n', 'def cold():\n', '    return 1\n', '\n', 'hot(); cold()'] }],
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  lathe.write('prof.ipynb', JSON.stringify(nb));
  await page.getByTestId('status-interpreter').click();
  const picker = page.getByRole('dialog', { name: 'Select Python interpreter' });
  const item = picker.locator('.quick-pick-item', { has: page.locator('.qp-detail', { hasText: /^\/usr\/bin\/python3$/ }) });
  await item.waitFor({ timeout: 60_000 });
  await item.click();
  await page.getByRole('button', { name: 'Refresh Explorer' }).click();
  await page.locator('.tree-row[data-path="prof.ipynb"]').click();
  await expect(page.getByTestId('notebook-editor')).toBeVisible();
  await page.getByTestId('notebook-cell').first().locator('.nb-prompt').click();
  await page.getByRole('button', { name: 'Profile' }).click();
  const table = page.getByTestId('pyprofile-table');
  await expect(table).toBeVisible({ timeout: 90_000 });
  await expect(table.locator('tbody tr').first()).toContainText(/hot|genexpr/);
  await expect(page.getByTestId('pyprofile-flame')).toBeVisible();
  await shot(page, 'pyprofile');
});
