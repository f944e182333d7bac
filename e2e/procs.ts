/**
 * The processes behind an e2e test, from /proc (Linux): the `lathe serve` the fixture started for a project,
 * its children (the pty host, the onnx runner, the session Pythons) and their memory.
 */
import { readdirSync, readFileSync } from 'node:fs';

export type Role = 'server' | 'pty-host' | 'onnx-runner' | 'python' | 'other';

export function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      out.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

export function rss(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The `lathe serve` process serving `dir` (the fixture started it). */
export function serverPid(dir: string): number {
  for (const pid of parents().keys()) {
    const cmd = cmdline(pid);
    if (cmd.includes('lathe.js serve') && cmd.includes(dir)) return pid;
  }
  throw new Error(`no lathe serve process for ${dir}`);
}

/** The server and all its descendants, each with its role. */
export function processTree(root: number): Map<number, Role> {
  const parentOf = parents();
  const out = new Map<number, Role>([[root, 'server']]);
  const queue = [root];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [child, parent] of parentOf) {
      if (parent !== p || out.has(child)) continue;
      const cmd = cmdline(child);
      out.set(
        child,
        cmd.includes('pty-host.js') ? 'pty-host' : cmd.includes('onnx-runner.js') ? 'onnx-runner' : cmd.includes('lathe_driver.py') ? 'python' : 'other',
      );
      queue.push(child);
    }
  }
  return out;
}

/** The session Pythons' pids (children of the pty host). */
export function sessionPythons(root: number): number[] {
  return [...processTree(root)].filter(([, role]) => role === 'python').map(([pid]) => pid);
}

