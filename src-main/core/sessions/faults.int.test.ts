/**
 * Interpreter faults and interrupts, counted (issue 8). Every fault runs 20 times in a session that sits
 * beside a bystander session, alternating IPython and plain Python; each must be detected and reported, leave
 * the bystander untouched, and restart cleanly. Every kind of busy code is interrupted 20 times. The counts
 * are printed at the end (`[faults]`, `[interrupts]`); LATHE_FAULT_REPS changes the repetitions.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events, RunInfo, RunOutput } from '../../common/contract';
import { harness, resultText, run, startSession, systemReady, SYSTEM_PYTHON, waitFor, type Harness } from '../../../test/sessions-harness';

const REPS = Number(process.env.LATHE_FAULT_REPS ?? 20);
const isRoot = process.getuid?.() === 0;
/** The fork bomb's processes run as this user where Lathe runs as root, which RLIMIT_NPROC does not limit. */
const NOBODY = 65534;

/** Live (not zombie) processes, from /proc: pid, process group, uid. */
function processes(): Array<{ pid: number; pgrp: number; uid: number }> {
  const out: Array<{ pid: number; pgrp: number; uid: number }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') continue;
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1]);
      out.push({ pid: Number(name), pgrp: Number(fields[2]), uid });
    } catch {
      // Gone while we looked.
    }
  }
  return out;
}

/**
 * A fork bomb held by RLIMIT_NPROC: the cell forks until the kernel refuses (BlockingIOError); every child
 * forks too, then parks. Root is exempt from RLIMIT_NPROC, so as root the cell first becomes `nobody`.
 */
function forkBomb(): string {
  const uid = isRoot ? NOBODY : process.getuid!();
  const already = processes().filter((p) => p.uid === uid).length;
  return [
    'import os, resource, time',
    `resource.setrlimit(resource.RLIMIT_NPROC, (${already + 40}, ${already + 40}))`,
    ...(isRoot ? [`os.setgid(${NOBODY})`, `os.setuid(${NOBODY})`] : []),
    'while True:',
    '    if os.fork() == 0:',
    '        try:',
    '            while True:',
    '                os.fork()',
    '        except OSError:',
    '            pass',
    '        time.sleep(60)',
    '        os._exit(0)',
  ].join('\n');
}

interface Fault {
  readonly name: string;
  readonly code: () => string;
  /** Checks the run and the session right after the fault. */
  readonly check: (info: RunInfo, outputs: readonly RunOutput[], h: Harness, id: string) => Promise<void>;
}

const crashed = (pattern: RegExp) => async (info: RunInfo, _outputs: readonly RunOutput[], h: Harness, id: string) => {
  expect(info.status).toBe('crashed');
  const dead = await waitFor(() => {
    const s = h.service.get(id);
    return s.ok && s.value.state === 'dead' && s.value;
  });
  expect(dead.exit?.message).toMatch(pattern);
};

const FAULTS: readonly Fault[] = [
  { name: 'os._exit(3)', code: () => 'import os; os._exit(3)', check: crashed(/exited with status 3/) },
  { name: 'a segfault', code: () => 'import ctypes; ctypes.string_at(0)', check: crashed(/SIGSEGV/) },
  {
    name: 'sys.exit() in a cell',
    code: () => 'import sys; sys.exit(5)',
    // As in Jupyter: reported as SystemExit, and the session (and its variables) carry on.
    check: async (info, _outputs, h, id) => {
      expect(info.status).toBe('error');
      expect(info.error).toEqual({ ename: 'SystemExit', evalue: '5' });
      expect(resultText((await run(h, id, 'before')).outputs)).toBe('1');
    },
  },
  {
    name: 'a fork bomb under RLIMIT_NPROC',
    code: forkBomb,
    check: async (info, _outputs, h, id) => {
      expect(info.status).toBe('error');
      expect(info.error?.ename).toBe('BlockingIOError');
      const s = h.service.get(id);
      expect(s.ok && s.value.state).toBe('idle');
    },
  },
  {
    name: 'a cell that closes stdout',
    code: () => 'import sys; sys.stdout.close()',
    check: async (info, outputs, h, id) => {
      expect(info.status).toBe('ok');
      const note = outputs.find((o) => o.type === 'stream' && o.name === 'stderr');
      expect(note?.type === 'stream' && note.text).toMatch(/closed .*sys\.stdout.*Lathe reopened/);
      expect((await run(h, id, 'print("still here")')).stdout).toBe('still here\n');
    },
  },
];

interface FaultTally {
  reps: number;
  detected: number;
  bystanderUntouched: number;
  restarted: number;
  leftoverProcesses: number;
  maxDetectMs: number;
}

describe.skipIf(!systemReady)('interpreter faults, counted', () => {
  let h: Harness;
  let plainPython: string;
  let bystander: string;
  let bystanderPid: number;
  let ticks = 0;
  const tallies = new Map<string, FaultTally>();

  beforeAll(async () => {
    h = harness();
    // The same Python without IPython: a venv with no site packages.
    execFileSync(SYSTEM_PYTHON, ['-m', 'venv', '--without-pip', join(h.dir, '.venv')], { timeout: 60_000 });
    plainPython = join(h.dir, '.venv', 'bin', 'python');
    bystander = await startSession(h);
    await run(h, bystander, 'ticks = 0');
    const info = h.service.get(bystander);
    bystanderPid = info.ok ? info.value.pid! : 0;
  }, 60_000);

  afterAll(async () => {
    const lines = [...tallies].map(
      ([name, t]) =>
        `  ${name}: ${t.detected}/${t.reps} detected (slowest ${t.maxDetectMs} ms), bystander untouched ${t.bystanderUntouched}/${t.reps}, ` +
        `restarted ${t.restarted}/${t.reps}, processes left after restart ${t.leftoverProcesses}`,
    );
    console.log(`[faults] ${REPS} repetitions each, IPython and plain Python alternating:\n${lines.join('\n')}`);
    await h.service.dispose();
    rmSync(h.dir, { recursive: true, force: true });
  });

  for (const fault of FAULTS) {
    it(`${fault.name}: detected and reported ${REPS} times, no other session affected, restart works`, async () => {
      const tally: FaultTally = { reps: REPS, detected: 0, bystanderUntouched: 0, restarted: 0, leftoverProcesses: 0, maxDetectMs: 0 };
      tallies.set(fault.name, tally);
      for (let rep = 0; rep < REPS; rep++) {
        const id = await startSession(h, rep % 2 === 0 ? SYSTEM_PYTHON : plainPython);
        await run(h, id, 'before = 1');
        const pid = (h.service.get(id) as { value: { pid: number } }).value.pid;
        const from = h.events.length;
        const t0 = Date.now();
        const execution = h.service.execute(id, fault.code(), { capture: true });
        if (!execution.ok) throw new Error(execution.message);
        const info = await execution.value.done;
        tally.maxDetectMs = Math.max(tally.maxDetectMs, Date.now() - t0);
        await fault.check(info, execution.value.outputs, h, id);
        tally.detected++;

        // The bystander: same process, still idle, its namespace intact, never reported dead.
        ticks++;
        expect(resultText((await run(h, bystander, 'ticks += 1; ticks')).outputs)).toBe(String(ticks));
        const b = h.service.get(bystander);
        const bystanderDied = h.events
          .slice(from)
          .some((e) => e.event === 'sessions.changed' && (e.payload as Events['sessions.changed']).id === bystander && (e.payload as Events['sessions.changed']).state === 'dead');
        if (b.ok && b.value.pid === bystanderPid && b.value.state === 'idle' && !bystanderDied) tally.bystanderUntouched++;

        const restarted = await h.service.restart(id);
        expect(restarted.ok).toBe(true);
        expect((await h.service.whenReady(id)).ok).toBe(true);
        expect(resultText((await run(h, id, '6 * 7')).outputs)).toBe('42');
        // Restart took the whole process tree (the fork bomb's children included) with it.
        const left = processes().filter((p) => p.pgrp === pid).length;
        tally.leftoverProcesses += left;
        if (left === 0) tally.restarted++;
        await h.service.stop(id);
      }
      expect(tally).toMatchObject({ detected: REPS, bystanderUntouched: REPS, restarted: REPS, leftoverProcesses: 0 });
    }, 60_000 + REPS * 8_000);
  }
});

interface InterruptKind {
  readonly name: string;
  readonly code: string;
  /** Wait until the code is where the interrupt must find it. */
  readonly ready: (h: Harness, from: number) => Promise<unknown>;
}

const sleepABit = () => new Promise((r) => setTimeout(r, 200));

const INTERRUPTS: readonly InterruptKind[] = [
  { name: 'while True: pass', code: 'while True: pass', ready: sleepABit },
  { name: 'time.sleep(100)', code: 'import time\ntime.sleep(100)', ready: sleepABit },
  {
    name: 'a numpy loop',
    code: 'import numpy as np\na = np.random.rand(200, 200)\nwhile True:\n    a = a @ a\n    a /= np.abs(a).max()',
    ready: sleepABit,
  },
  {
    name: 'input() waiting',
    code: 'answer = input("waiting? ")',
    ready: (h, from) => waitFor(() => h.events.slice(from).find((e) => e.event === 'sessions.inputRequest')),
  },
];

describe.skipIf(!systemReady)('interrupts, counted', () => {
  let h: Harness;
  let id: string;
  const lines: string[] = [];

  beforeAll(async () => {
    h = harness();
    id = await startSession(h);
  }, 60_000);

  afterAll(async () => {
    console.log(`[interrupts] ${REPS} repetitions each (IPython):\n${lines.join('\n')}`);
    await h.service.dispose();
    rmSync(h.dir, { recursive: true, force: true });
  });

  for (const kind of INTERRUPTS) {
    it(`${kind.name}: interrupted ${REPS}/${REPS} times within 1 s, variables kept`, async () => {
      const times: number[] = [];
      let interrupted = 0;
      for (let rep = 0; rep < REPS; rep++) {
        await run(h, id, `kept = ${rep}`);
        const from = h.events.length;
        const execution = h.service.execute(id, kind.code, { capture: true });
        if (!execution.ok) throw new Error(execution.message);
        await waitFor(() => {
          const s = h.service.get(id);
          return s.ok && s.value.currentRun === execution.value.runId;
        });
        await kind.ready(h, from);
        const sent = Date.now();
        h.service.interrupt(id);
        const info = await execution.value.done;
        times.push(Date.now() - sent);
        if (info.status === 'interrupted' && info.error?.ename === 'KeyboardInterrupt') interrupted++;
        // The traceback is the user's code only: not the driver's SIGINT handler, where it was raised.
        const error = execution.value.outputs.find((o) => o.type === 'error');
        expect(error?.type === 'error' && error.traceback.join('\n')).not.toMatch(/lathe_driver/);
        expect(resultText((await run(h, id, 'kept')).outputs)).toBe(String(rep));
      }
      const sorted = [...times].sort((a, b) => a - b);
      const within = times.filter((t) => t < 1000).length;
      lines.push(`  ${kind.name}: interrupted ${interrupted}/${REPS}, within 1 s ${within}/${REPS} (median ${sorted[sorted.length >> 1]} ms, slowest ${sorted[sorted.length - 1]} ms)`);
      expect(interrupted).toBe(REPS);
      expect(within).toBe(REPS);
    }, 60_000 + REPS * 3_000);
  }

  it(`code that SIGINT can't reach: the interrupt is marked pending (the UI offers Restart after 5 s), and restart works, ${Math.min(REPS, 5)} times`, async () => {
    const reps = Math.min(REPS, 5);
    let pending = 0;
    for (let rep = 0; rep < reps; rep++) {
      const sid = await startSession(h);
      await run(h, sid, 'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)');
      const execution = h.service.execute(sid, 'time.sleep(60)');
      if (!execution.ok) throw new Error(execution.message);
      await waitFor(() => {
        const s = h.service.get(sid);
        return s.ok && s.value.currentRun === execution.value.runId;
      });
      await sleepABit();
      h.service.interrupt(sid);
      await new Promise((r) => setTimeout(r, 1000));
      const s = h.service.get(sid);
      if (s.ok && s.value.state === 'busy' && (s.value.interruptedAt ?? 0) > 0) pending++;
      expect((await h.service.restart(sid)).ok).toBe(true);
      expect((await execution.value.done).status).toBe('aborted');
      expect((await h.service.whenReady(sid)).ok).toBe(true);
      expect(resultText((await run(h, sid, '1 + 1')).outputs)).toBe('2');
      await h.service.stop(sid);
    }
    lines.push(`  SIGINT ignored: still busy after 1 s with the interrupt pending ${pending}/${reps}, restarted ${reps}/${reps}`);
    expect(pending).toBe(reps);
  }, 120_000);
});
