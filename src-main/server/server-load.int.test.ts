/**
 * Server mode under load, on loopback: 50 WebSocket clients with the token, each calling workspace methods in a
 * loop for 30 s (LATHE_LOAD_SECONDS changes it): list the root and its own folder, read a shared file, write its
 * own file and read it back, find files, and read the settings and the project's state. Every write lands in a
 * watched folder, so every client also receives a stream of change events. No call may fail, no answer may be
 * wrong, no socket may error or close. Latencies are printed, not asserted (a benchmark is not a timed test):
 * `[server-load] 50 clients, 30 s, N calls, errors 0, p50 X ms, p95 Y ms, p99 Z ms, max W ms`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MethodName } from '../common/contract';
import type { Result } from '../common/result';
import { createWorkbench, type Workbench } from '../core/workbench';
import { ONNX_RUNNER, PTY_HOST } from '../../test/children';
import { startServer, type RunningServer } from './server';
import { connectClient, type TestClient } from './test-client';

const CLIENTS = 50;
const SECONDS = Number(process.env.LATHE_LOAD_SECONDS ?? 30);
/** A call with no answer by then counts as an error (and ends that client's loop). */
const CALL_DEADLINE_MS = 60_000;
const README = '# load\n\nThe shared file every client reads.\n';

let workbench: Workbench;
let server: RunningServer;
let project: string;
let userDir: string;
let staticDir: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'lathe-load-project-'));
  userDir = await mkdtemp(join(tmpdir(), 'lathe-load-user-'));
  staticDir = await mkdtemp(join(tmpdir(), 'lathe-load-static-'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Lathe</title>');
  await writeFile(join(project, 'README.md'), README);
  await mkdir(join(project, 'load'));
  await mkdir(join(project, 'src', 'models'), { recursive: true });
  for (let i = 0; i < 40; i++) await writeFile(join(project, 'src', 'models', `model_${i}.py`), `# model ${i}\n`);
  workbench = await createWorkbench({ host: 'server', version: '0.0.0-test', userDir, folder: project, ptyHostEntry: PTY_HOST, onnxRunnerEntry: ONNX_RUNNER });
  server = await startServer({ workbench, staticDir, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await workbench?.dispose();
  for (const dir of [project, userDir, staticDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

interface Tally {
  calls: number;
  readonly latenciesMs: number[];
  readonly byMethod: Map<MethodName, number[]>;
  readonly errors: string[];
  events: number;
}

/** One call, timed; a failure, a wrong answer or no answer in time is recorded as an error. */
async function timedCall<T>(tally: Tally, who: string, method: MethodName, call: () => Promise<Result<T>>, check: (value: T) => string | null = () => null): Promise<T | null> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CALL_DEADLINE_MS)));
  const result = await Promise.race([call(), timeout]);
  clearTimeout(timer);
  tally.calls++;
  if (result === 'timeout') {
    tally.errors.push(`${who} ${method}: no answer in ${CALL_DEADLINE_MS} ms`);
    return null;
  }
  const elapsed = performance.now() - start;
  tally.latenciesMs.push(elapsed);
  tally.byMethod.set(method, [...(tally.byMethod.get(method) ?? []), elapsed]);
  if (!result.ok) {
    tally.errors.push(`${who} ${method}: ${result.code} ${result.message}`);
    return null;
  }
  const wrong = check(result.value);
  if (wrong !== null) {
    tally.errors.push(`${who} ${method}: ${wrong}`);
    return null;
  }
  return result.value;
}

async function clientLoop(client: TestClient, index: number, until: number, tally: Tally): Promise<void> {
  const who = `client ${index}`;
  const own = `load/client-${String(index).padStart(2, '0')}.txt`;
  let version: string | null = null;
  for (let round = 1; Date.now() < until && tally.errors.length === 0; round++) {
    await timedCall(tally, who, 'workspace.list', () => client.call('workspace.list', { path: '' }), (v) =>
      ['load', 'src', 'README.md'].every((name) => v.entries.some((e) => e.name === name)) ? null : `the root lists ${v.entries.map((e) => e.name).join(', ')}`,
    );
    await timedCall(tally, who, 'workspace.read', () => client.call('workspace.read', { path: 'README.md' }), (v) =>
      v.kind === 'text' && v.text === README ? null : 'README.md read back different',
    );
    const text = `${who}, round ${round}\n`;
    const written = await timedCall(tally, who, 'workspace.write', () =>
      client.call('workspace.write', { path: own, text, encoding: 'utf8', bom: false, eol: '\n', expectedVersion: version }),
    );
    if (written === null) return;
    version = written.version;
    await timedCall(tally, who, 'workspace.read', () => client.call('workspace.read', { path: own }), (v) =>
      v.kind === 'text' && v.text === text && v.version === version ? null : `${own} read back different from what was written`,
    );
    await timedCall(tally, who, 'workspace.list', () => client.call('workspace.list', { path: 'load' }), (v) =>
      v.entries.some((e) => e.name === own.slice('load/'.length)) ? null : `${own} is not listed`,
    );
    await timedCall(tally, who, 'workspace.findFiles', () => client.call('workspace.findFiles', { query: `model_${round % 40}`, limit: 20 }), (v) =>
      v.matches.some((m) => m.path === `src/models/model_${round % 40}.py`) ? null : `model_${round % 40}.py not found`,
    );
    await timedCall(tally, who, 'workspace.current', () => client.call('workspace.current', {}), (v) => (v !== null ? null : 'no project open'));
    await timedCall(tally, who, 'settings.get', () => client.call('settings.get', {}));
    await timedCall(tally, who, 'workspace.getState', () => client.call('workspace.getState', {}));
    // Change events for the watched folder arrive all along; count them and let them go.
    tally.events += client.events.length;
    client.forgetEvents();
  }
}

const percentile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;

it(
  `serves ${CLIENTS} clients calling workspace methods for ${SECONDS} s without an error`,
  async () => {
    expect(Number.isFinite(SECONDS) && SECONDS > 0, `LATHE_LOAD_SECONDS must be a positive number (got ${process.env.LATHE_LOAD_SECONDS})`).toBe(true);
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connectClient(server.port, `?token=${server.token}`)));
    const tally: Tally = { calls: 0, latenciesMs: [], byMethod: new Map(), errors: [], events: 0 };
    const started = performance.now();
    const until = Date.now() + SECONDS * 1000;
    await Promise.all(clients.map((client, i) => clientLoop(client, i, until, tally)));
    const elapsedS = (performance.now() - started) / 1000;
    for (const [i, client] of clients.entries()) for (const problem of client.problems) tally.errors.push(`client ${i}: ${problem}`);
    for (const client of clients) client.close();

    const sorted = [...tally.latenciesMs].sort((a, b) => a - b);
    const ms = (v: number): string => v.toFixed(1);
    console.log(
      `[server-load] ${CLIENTS} clients, ${SECONDS} s, ${tally.calls} calls, errors ${tally.errors.length}, ` +
        `p50 ${ms(percentile(sorted, 0.5))} ms, p95 ${ms(percentile(sorted, 0.95))} ms, p99 ${ms(percentile(sorted, 0.99))} ms, max ${ms(sorted.at(-1) ?? NaN)} ms ` +
        `(${Math.round(tally.calls / elapsedS)} calls/s over ${elapsedS.toFixed(1)} s; ${tally.events} change events delivered)`,
    );
    const perMethod = [...tally.byMethod].map(([method, latencies]) => {
      const s = [...latencies].sort((a, b) => a - b);
      return `  ${method.padEnd(20)} ${String(s.length).padStart(7)} calls, p50 ${ms(percentile(s, 0.5))} ms, p95 ${ms(percentile(s, 0.95))} ms, p99 ${ms(percentile(s, 0.99))} ms`;
    });
    console.log(perMethod.join('\n'));
    expect(tally.errors.slice(0, 20), tally.errors.slice(0, 20).join('\n')).toEqual([]);
    expect(tally.calls).toBeGreaterThan(CLIENTS * 9);
  },
  SECONDS * 1000 + 180_000,
);
