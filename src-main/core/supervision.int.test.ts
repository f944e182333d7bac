/**
 * The two real supervised children under repeated SIGKILL (issue 8): the pty host (with a session streaming
 * output when it dies) and the onnx runner. Each is restarted five times in a row, the sixth crash leaves it
 * stopped with a clear message, the next operation says so in plain words, and the user's Restart brings it
 * back. (Kills in the middle of a model run are in model-service.int.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Events } from '../common/contract';
import { EventHub } from './event-hub';
import { ModelService } from './models/model-service';
import { ONNX_RUNNER } from '../../test/children';
import { harness, resultText, run, startSession, systemReady, waitFor, type Harness } from '../../test/sessions-harness';

type ChildState = Events['sessions.host'];

function states(events: ReadonlyArray<{ event: keyof Events; payload: unknown }>, name: 'sessions.host' | 'models.runner'): ChildState[] {
  return events.filter((e) => e.event === name).map((e) => e.payload as ChildState);
}

const report: string[] = [];
afterAll(() => console.log(`[supervisor]\n${report.join('\n')}`));

describe.skipIf(!systemReady)('the pty host under repeated crashes', () => {
  let h: Harness;
  afterAll(async () => {
    await h?.service.dispose();
    if (h) rmSync(h.dir, { recursive: true, force: true });
  });

  it('is killed mid-run and restarted 5 times in a row, stops at the 6th with a clear message, and Restart brings it back', async () => {
    h = harness();
    const id = await startSession(h);
    // Mid-work: a session streaming output when its host dies.
    const streaming = h.service.execute(id, 'import itertools\nfor i in itertools.count(): print(i)', { capture: true });
    if (!streaming.ok) throw new Error(streaming.message);
    await waitFor(() => h.events.some((e) => e.event === 'sessions.data' && (e.payload as Events['sessions.data']).data.includes('100')));
    let pids = 0;
    for (let crash = 1; crash <= 6; crash++) {
      const pid = await waitFor(() => h.service.hostProcess?.pid);
      process.kill(pid, 'SIGKILL');
      pids++;
      if (crash === 1) {
        const info = await streaming.value.done;
        expect(['crashed', 'aborted']).toContain(info.status);
        const dead = await waitFor(() => {
          const s = h.service.get(id);
          return s.ok && s.value.state === 'dead' && s.value;
        });
        expect(dead.exit?.message).toMatch(/pty host/);
      }
      if (crash < 6) await waitFor(() => h.service.hostProcess?.pid !== undefined && h.service.hostProcess.pid !== pid && h.service.hostProcess.pid);
    }
    const failed = await waitFor(() => states(h.events, 'sessions.host').find((s) => s.state === 'failed'));
    expect(states(h.events, 'sessions.host').filter((s) => s.state === 'restarting').map((s) => s.restarts)).toEqual([1, 2, 3, 4, 5]);
    expect(failed.message).toMatch(/The pty host was killed by SIGKILL and crashed 6 times in a row; Lathe stopped restarting it\./);
    expect(h.events.some((e) => e.event === 'app.message' && (e.payload as Events['app.message']).level === 'error')).toBe(true);

    // The next operation says why, in plain words; nothing is half-started.
    const refused = await h.service.start({});
    expect(refused).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    expect(!refused.ok && refused.message).toMatch(/crashed too often in a row.*Restart/);

    // The user's Restart.
    h.service.restartHost();
    await waitFor(() => states(h.events, 'sessions.host').at(-1)?.state === 'running');
    const again = await startSession(h);
    expect(resultText((await run(h, again, '6 * 7')).outputs)).toBe('42');
    report.push(`  pty host: ${pids} SIGKILLs in a row → restarted 5 times, then stopped ("${failed.message}"); Restart → a new session ran`);
  }, 120_000);
});

describe('the onnx runner under repeated crashes', () => {
  const hub = new EventHub();
  const events: Array<{ event: keyof Events; payload: unknown }> = [];
  hub.subscribe((event, payload) => void events.push({ event, payload }));
  const dir = mkdtempSync(join(tmpdir(), 'lathe-supervision-'));
  const models = new ModelService({ hub, runnerEntry: ONNX_RUNNER, projectRoot: () => dir });
  afterAll(async () => {
    await models.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is restarted 5 times in a row, stops at the 6th with a clear message, and Restart brings it back', async () => {
    expect((await models.eps()).ok).toBe(true);
    for (let crash = 1; crash <= 6; crash++) {
      const pid = await waitFor(() => models.runnerProcess?.pid);
      // Mid-work: a request in flight when it dies is answered, not left hanging.
      const inFlight = models.eps(true);
      process.kill(pid, 'SIGKILL');
      const answer = await inFlight;
      if (!answer.ok) expect(answer.code).toBe('RUNNER_DIED');
      if (crash < 6) await waitFor(() => models.runnerProcess?.pid !== undefined && models.runnerProcess.pid !== pid && models.runnerProcess.pid);
    }
    const failed = await waitFor(() => states(events, 'models.runner').find((s) => s.state === 'failed'));
    expect(states(events, 'models.runner').filter((s) => s.state === 'restarting').map((s) => s.restarts)).toEqual([1, 2, 3, 4, 5]);
    expect(failed.message).toMatch(/The onnx runner was killed by SIGKILL and crashed 6 times in a row; Lathe stopped restarting it\./);

    const refused = await models.eps(true);
    expect(refused).toMatchObject({ ok: false, code: 'RUNNER_DIED' });
    expect(!refused.ok && refused.message).toMatch(/crashed too often in a row.*Restart/);

    models.restartRunner();
    await waitFor(() => states(events, 'models.runner').at(-1)?.state === 'running');
    const eps = await models.eps(true);
    expect(eps.ok && eps.value.find((e) => e.name === 'cpu')?.state).toBe('available');
    report.push(`  onnx runner: 6 SIGKILLs in a row → restarted 5 times, then stopped ("${failed.message}"); Restart → EPs listed again`);
  }, 120_000);
});
