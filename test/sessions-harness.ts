/**
 * Shared by the session integration tests: a SessionService over the real pty host (built by vitest's global
 * setup), the real driver and Debian's /usr/bin/python3, recording every event it emits.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Events, RunInfo, RunOutput } from '../src-main/common/contract';
import { EventHub } from '../src-main/core/event-hub';
import { resourcesDir } from '../src-main/core/resources';
import { SessionService } from '../src-main/core/sessions/session-service';
import { PTY_HOST } from './children';

export const SYSTEM_PYTHON = '/usr/bin/python3';

export function hasModules(python: string, modules: string[]): boolean {
  try {
    execFileSync(python, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

export const systemReady = existsSync(SYSTEM_PYTHON) && hasModules(SYSTEM_PYTHON, ['IPython', 'numpy', 'torch']);
if (!systemReady) {
  console.warn(`[skip] ${SYSTEM_PYTHON} with IPython, numpy and torch is missing: run scripts/setup-system.sh`);
}

export interface Harness {
  service: SessionService;
  hub: EventHub;
  events: Array<{ event: keyof Events; payload: unknown }>;
  dir: string;
}

export function harness(): Harness {
  const hub = new EventHub();
  const events: Harness['events'] = [];
  hub.subscribe((event, payload) => void events.push({ event, payload }));
  const dir = mkdtempSync(join(tmpdir(), 'lathe-sessions-'));
  const python = join(resourcesDir(), 'python');
  const service = new SessionService({
    hub,
    ptyHostEntry: PTY_HOST,
    driver: join(python, 'lathe_driver.py'),
    pythonPath: python,
    projectRoot: () => dir,
    defaultPython: async () => SYSTEM_PYTHON,
  });
  return { service, hub, events, dir };
}

export async function startSession(h: Harness, python = SYSTEM_PYTHON): Promise<string> {
  const started = await h.service.start({ python });
  if (!started.ok) throw new Error(started.message);
  const ready = await h.service.whenReady(started.value.id);
  if (!ready.ok) throw new Error(ready.message);
  return started.value.id;
}

export async function run(h: Harness, id: string, code: string): Promise<{ info: RunInfo; outputs: readonly RunOutput[]; stdout: string; stderr: string }> {
  const execution = h.service.execute(id, code, { capture: true, origin: 'api' });
  if (!execution.ok) throw new Error(execution.message);
  const info = await execution.value.done;
  const outputs = execution.value.outputs;
  const stream = (name: string) =>
    outputs
      .filter((o): o is Extract<RunOutput, { type: 'stream' }> => o.type === 'stream' && o.name === name)
      .map((o) => o.text)
      .join('');
  return { info, outputs, stdout: stream('stdout'), stderr: stream('stderr') };
}

export function resultText(outputs: readonly RunOutput[]): string | undefined {
  const r = outputs.find((o) => o.type === 'execute_result');
  return r && r.type === 'execute_result' ? String(r.data['text/plain']) : undefined;
}

/** Everything the terminal has shown since `from` (an index into the events). */
export function terminalText(h: Harness, id: string, from = 0): string {
  return h.events
    .slice(from)
    .filter((e) => e.event === 'sessions.data' && (e.payload as Events['sessions.data']).id === id)
    .map((e) => (e.payload as Events['sessions.data']).data)
    .join('');
}

// eslint-disable-next-line no-control-regex
export const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

export async function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

