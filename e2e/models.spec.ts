/**
 * ONNX models in the app: resnet18 (exported by Debian's torch, scripts/make-onnx-fixtures.py) opened
 * from the explorer, inspected, drawn, run and benchmarked through the real onnx runner.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, shot, skipUnless, test } from './fixtures';
import { onnxFixtures, torchMissing } from '../test/onnx-fixtures';

function addModel(lathe: { write(rel: string, content: Buffer): void }, name: string, as = name): void {
  lathe.write(as, readFileSync(join(onnxFixtures(), name)));
}

async function openModel(page: Page, path: string): Promise<void> {
  await page.locator(`.tree-row[data-path="${path}"]`).click();
  await expect(page.locator(`.tab[data-path="${path}"]`)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('model-view')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
}

test('resnet18: summary, graph, a run with random input and its top-5, a 20-run benchmark with percentiles and histogram', async ({ lathe }) => {
  skipUnless(torchMissing === null, torchMissing ?? '');
  test.setTimeout(180_000);
  const { page } = lathe;
  addModel(lathe, 'resnet18.onnx');
  await page.getByRole('button', { name: 'Refresh Explorer' }).click().catch(() => undefined);
  await openModel(page, 'resnet18.onnx');

  // Summary: the inputs and outputs with their shapes (the symbolic batch named), opsets, producer.
  const summary = page.getByTestId('model-summary');
  await expect(summary).toContainText('pytorch');
  await expect(summary).toContainText('input');
  await expect(summary).toContainText('batch');
  await expect(summary).toContainText('224');
  await expect(summary).toContainText('Conv');
  await shot(page, 'model-summary');

  // Graph.
  await page.getByTestId('graph-tab').click();
  const graph = page.getByTestId('graph-view');
  await expect(graph).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await shot(page, 'model-graph');

  // The EP list says what each EP can do here.
  await page.getByTestId('run-tab').click();
  const cpu = page.getByTestId('ep-list').locator('[data-ep="cpu"]');
  await expect(cpu).toHaveAttribute('data-state', 'available', { timeout: 30_000 });
  await expect(page.getByTestId('ep-list').locator('[data-ep]')).toHaveCount(7);

  // Run with the default input (seeded random normal): top-5 with softmax.
  await page.getByTestId('model-run').click();
  const topk = page.getByTestId('topk');
  await expect(topk).toBeVisible({ timeout: 60_000 });
  await expect(topk.locator('[data-rank]')).toHaveCount(5);
  await expect(page.getByTestId('nodes-per-ep')).toContainText('cpu');
  await expect(page.getByTestId('output-stats')).toContainText(/mean/i);
  await shot(page, 'model-run');

  // Benchmark 20 runs.
  await page.getByTestId('bench-tab').click();
  await page.getByTestId('bench-runs').fill('20');
  await page.getByTestId('model-bench-start').click();
  const stats = page.getByTestId('model-bench-stats');
  await expect(stats).toBeVisible({ timeout: 120_000 });
  for (const p of ['p50', 'p90', 'p95', 'p99']) await expect(stats.locator(`[data-stat="${p}"]`)).toContainText(/\d/);
  await expect(page.getByTestId('model-histogram').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('model-runchart').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('bench-record')).toContainText('.lathe/benchmarks/');
  await shot(page, 'model-bench');
  // The record is a file in the project, with the 20 runs.
  const file = (await page.getByTestId('bench-record').textContent())!.trim();
  const record = JSON.parse(lathe.read(file)) as { figures: { runs: number; latenciesMs: number[] } };
  expect(record.figures.runs).toBe(20);
  expect(record.figures.latenciesMs).toHaveLength(20);

  // A second record, then the history compares the two side by side.
  await page.getByTestId('model-bench-start').click();
  const history = page.getByTestId('model-history');
  await expect(history.locator('tr[data-file]')).toHaveCount(2, { timeout: 120_000 });
  for (const box of await history.getByRole('checkbox', { name: /^Compare / }).all()) await box.check();
  const compare = page.getByTestId('model-compare');
  await expect(compare).toBeVisible();
  await expect(compare.locator('tr[data-row]').first()).toBeVisible();
  await expect(compare).toContainText('×');
  await compare.scrollIntoViewIfNeeded();
  await shot(page, 'model-history');

  if ((await page.locator('html').getAttribute('data-theme')) !== 'dark') await page.getByRole('button', { name: 'Toggle theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot(page, 'model-bench-dark');
});

test('a corrupt model says what is wrong and the app stays up', async ({ lathe }) => {
  skipUnless(torchMissing === null, torchMissing ?? '');
  const { page } = lathe;
  const bytes = readFileSync(join(onnxFixtures(), 'small_cnn.onnx'));
  lathe.write('broken.onnx', bytes.subarray(0, Math.floor(bytes.length / 3)));
  await page.getByRole('button', { name: 'Refresh Explorer' }).click().catch(() => undefined);
  await page.locator('.tree-row[data-path="broken.onnx"]').click();
  const invalid = page.getByTestId('model-invalid');
  await expect(invalid).toBeVisible({ timeout: 60_000 });
  await expect(invalid).toContainText(/truncated|cut short|ends in the middle/i);
  await shot(page, 'model-invalid');
  // Another model still opens.
  addModel(lathe, 'small_cnn.onnx');
  await page.getByRole('button', { name: 'Refresh Explorer' }).click().catch(() => undefined);
  await openModel(page, 'small_cnn.onnx');
});
