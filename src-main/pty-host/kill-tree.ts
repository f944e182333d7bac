import { execFile } from 'node:child_process';

/** Every descendant of `root` (children, grandchildren…), from `ps`; empty when ps is unavailable. */
export function descendants(root: number): Promise<number[]> {
  return new Promise((resolve) => {
    execFile('ps', ['-A', '-o', 'pid=,ppid='], { timeout: 2000 }, (error, stdout) => {
      if (error) return resolve([]);
      const children = new Map<number, number[]>();
      for (const line of stdout.split('\n')) {
        const [pid, ppid] = line.trim().split(/\s+/).map(Number);
        if (!pid || ppid === undefined || Number.isNaN(ppid)) continue;
        const list = children.get(ppid) ?? [];
        list.push(pid);
        children.set(ppid, list);
      }
      const out: number[] = [];
      const stack = [root];
      while (stack.length) {
        for (const child of children.get(stack.pop()!) ?? []) {
          out.push(child);
          stack.push(child);
        }
      }
      resolve(out);
    });
  });
}

/**
 * SIGKILL a session's whole tree: its process group (the pty's session leader is the group leader), then
 * any descendant that left the group (e.g. a subprocess started with `start_new_session`).
 */
export async function killTree(pid: number): Promise<void> {
  const tree = await descendants(pid);
  signal(-pid, 'SIGKILL');
  signal(pid, 'SIGKILL');
  for (const child of tree) signal(child, 'SIGKILL');
}

/** Sends a signal, ignoring "no such process". */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}
