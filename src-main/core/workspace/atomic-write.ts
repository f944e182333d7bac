import { randomBytes } from 'node:crypto';
import { promises as fs, constants as fsc } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replace `target` with `data` so that, whatever happens (crash, SIGKILL, full disk), the file on disk
 * is either the old content or the new one, never a torn mix:
 * write a temp file in the same folder, fsync it, rename it over the target, fsync the folder.
 * The target's permission bits are kept. A symlinked target is written through (its link stays).
 */
export async function atomicWrite(target: string, data: Uint8Array | string): Promise<void> {
  let real = target;
  try {
    real = await fs.realpath(target);
  } catch {
    // New file: write at the given path.
  }
  const dir = dirname(real);
  const tmp = join(dir, `.lathe-tmp-${basename(real)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  let mode: number | undefined;
  try {
    mode = (await fs.stat(real)).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  const handle = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, mode ?? 0o666);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (mode !== undefined) await fs.chmod(tmp, mode);
    await fs.rename(tmp, real);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
}

/** `.lathe-tmp-<name>.<pid>.<8 hex>`: the temp file of a save by process `pid`. */
const TEMP_NAME = /^\.lathe-tmp-.+\.(\d+)\.[0-9a-f]{8}$/;
/** A temp file younger than this may belong to a save in progress on another machine (network folders). */
const STALE_AFTER_MS = 10 * 60_000;

/**
 * Remove the temp files that saves killed mid-way left in `dir` (SIGKILL, power loss): those whose process is
 * gone and that are older than ten minutes. Called with a folder's names when it is listed anyway, so it costs
 * no extra readdir. Returns how many it removed; failures are ignored (the next listing tries again).
 */
export async function sweepStaleTemps(dir: string, names: readonly string[], now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of names) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (pid === undefined || processAlive(Number(pid))) continue;
    const path = join(dir, name);
    try {
      const stat = await fs.lstat(path);
      if (!stat.isFile() || now - stat.mtimeMs < STALE_AFTER_MS) continue;
      await fs.rm(path);
      removed++;
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories can't be opened for fsync on Windows
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await handle.close();
  }
}
