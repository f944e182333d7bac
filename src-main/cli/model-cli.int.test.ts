/**
 * `lathe run` and `lathe bench` in-process, through the real onnx runner, on a real model.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkFile } from '../common/onnx/benchmark-record';
import { modelCommand, type ModelCliIo } from './model-cli';
import { ONNX_RUNNER } from '../../test/children';
import { hasTorch, onnxFixtures } from '../../test/onnx-fixtures';
import { missing } from '../../test/skip';

const skip = missing(hasTorch ? null : '/usr/bin/python3 with torch and onnx is missing (scripts/setup-system.sh installs them): no ONNX fixtures');

function io(cwd: string): ModelCliIo & { out: string; err: string } {
  const o = { out: '', err: '', cwd, stdout: (t: string) => void (o.out += t), stderr: (t: string) => void (o.err += t) };
  return o;
}

describe.skipIf(skip)('lathe run / lathe bench', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lathe-cli-models-'));
    copyFileSync(join(onnxFixtures(), 'small_cnn.onnx'), join(dir, 'small_cnn.onnx'));
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bench prints the figures and writes the same record the app writes', async () => {
    const o = io(dir);
    const code = await modelCommand('bench', ['small_cnn.onnx', '--ep', 'cpu', '--warmup', '3', '--runs', '20', '--json'], ONNX_RUNNER, o);
    expect(code, o.err).toBe(0);
    const printed = JSON.parse(o.out) as BenchmarkFile;
    expect(printed.record.source).toBe('cli');
    expect(printed.record.figures.runs).toBe(20);
    expect(JSON.parse(readFileSync(join(dir, printed.file), 'utf8'))).toEqual(printed.record);

    const text = io(dir);
    expect(await modelCommand('bench', ['small_cnn.onnx', '--runs', '10', '--warmup', '0'], ONNX_RUNNER, text)).toBe(0);
    expect(text.out).toMatch(/p50 [\d.]+ {2}p90 [\d.]+ {2}p95 [\d.]+ {2}p99 [\d.]+ {2}p999 [\d.]+ ms/);
    expect(text.out).toMatch(/session create\s+[\d.]+ ms/);
    expect(text.out).toMatch(/record\s+\.lathe\/benchmarks\//);
  }, 120_000);

  it('run prints outputs, top-5 and the EP per node', async () => {
    const o = io(dir);
    expect(await modelCommand('run', ['small_cnn.onnx', '--seed', '3'], ONNX_RUNNER, o)).toBe(0);
    expect(o.out).toMatch(/EPs: cpu/);
    expect(o.out).toMatch(/nodes per EP \(after onnxruntime's fusions\): cpu \d+/);
    expect(o.out).toMatch(/top-5: #\d+/);
  }, 60_000);

  it('profile prints op types and the slowest nodes, and saves (and copies) the trace', async () => {
    const o = io(dir);
    expect(await modelCommand('profile', ['small_cnn.onnx', '--runs', '5', '--warmup', '1', '-o', 'trace.json'], ONNX_RUNNER, o), o.err).toBe(0);
    expect(o.out).toMatch(/optimisation disabled · 5 profiled run\(s\)/);
    expect(o.out).toMatch(/^Conv\s+\d+\s+10\s/m);
    expect(o.out).toMatch(/slowest nodes/);
    const copy = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')) as { lathe: { runs: number }; traceEvents: unknown[] };
    expect(copy.lathe.runs).toBe(5);
    expect(copy.traceEvents.length).toBeGreaterThan(0);
  }, 60_000);

  it('bad arguments exit 2 with a message; a broken model exits 1', async () => {
    const o = io(dir);
    expect(await modelCommand('bench', ['small_cnn.onnx', '--ep', 'gpu'], ONNX_RUNNER, o)).toBe(2);
    expect(o.err).toMatch(/unknown EP "gpu"/);
    const p = io(dir);
    expect(await modelCommand('run', ['small_cnn.onnx', '--input', 'nope=zeros'], ONNX_RUNNER, p)).toBe(2);
    expect(p.err).toMatch(/no input "nope"/);
    const f = io(dir);
    expect(await modelCommand('run', ['missing.onnx'], ONNX_RUNNER, f)).toBe(1);
    const strict = io(dir);
    expect(await modelCommand('run', ['small_cnn.onnx', '--ep', 'cuda', '--fail-fast'], ONNX_RUNNER, strict)).toBe(1);
    expect(strict.err).toMatch(/cuda/i);
  }, 60_000);
});
