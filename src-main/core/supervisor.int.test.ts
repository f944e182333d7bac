import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Supervisor, type SupervisorState } from './supervisor';

const dir = mkdtempSync(join(tmpdir(), 'lathe-supervisor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function child(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

async function waitFor(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Supervisor (real child processes)', () => {
  it('carries messages both ways', async () => {
    const got: unknown[] = [];
    const s = new Supervisor<{ n: number }, { echo: number }>({
      name: 'echo child',
      entry: child('echo.js', "process.on('message', (m) => process.send({ echo: m.n * 2 }));"),
      onMessage: (m) => void got.push(m),
    });
    expect(s.send({ n: 21 })).toBe(true);
    await waitFor(() => got.length > 0);
    expect(got).toEqual([{ echo: 42 }]);
    await s.dispose();
    expect(s.process).toBeNull();
  });

  it('restarts a crashing child 5 times in a row, then stops with a clear message', async () => {
    const states: Array<{ state: SupervisorState; restarts: number; message: string | null }> = [];
    let exits = 0;
    const s = new Supervisor<never, never>({
      name: 'crasher',
      entry: child('crash.js', 'process.exit(7);'),
      onMessage: () => undefined,
      onExit: () => void exits++,
      onState: (state, restarts, message) => void states.push({ state, restarts, message }),
    });
    await waitFor(() => s.state === 'failed');
    expect(exits).toBe(6);
    expect(states.filter((x) => x.state === 'restarting').map((x) => x.restarts)).toEqual([1, 2, 3, 4, 5]);
    const last = states[states.length - 1]!;
    expect(last.state).toBe('failed');
    expect(last.message).toMatch(/crasher exited with status 7 and crashed 6 times in a row/);
    expect(s.send(undefined as never)).toBe(false);
    // The user can ask for another try.
    s.retry();
    expect(s.state).toBe('running');
    await waitFor(() => s.state === 'failed');
    await s.dispose();
  });

  it('does not count a crash after a long healthy run as "in a row"', async () => {
    const states: SupervisorState[] = [];
    const s = new Supervisor<never, never>({
      name: 'slow crasher',
      entry: child('slow.js', 'setTimeout(() => process.exit(1), 150);'),
      stableAfterMs: 100,
      maxRestarts: 1,
      onMessage: () => undefined,
      onState: (state) => void states.push(state),
    });
    await waitFor(() => states.filter((x) => x === 'restarting').length >= 3);
    expect(states).not.toContain('failed');
    await s.dispose();
  });
});
