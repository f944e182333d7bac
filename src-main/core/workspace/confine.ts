import { promises as fs } from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { err, ok, type Result } from '../../common/result';
import { fsFailure, hasErrno } from './fs-errors';

export interface ProjectPath {
  /** Absolute path: the root joined with `rel` (symlinks in it are not resolved). */
  readonly abs: string;
  /** Normalised project-relative POSIX path: no leading './', no trailing '/', '' for the root. */
  readonly rel: string;
}

/**
 * - 'follow': the path itself may be a symlink; where it leads must be inside the project
 *   (reading, writing, listing go through the link).
 * - 'nofollow': only the folders leading to the path must resolve inside; a final symlink is acted on
 *   itself (renaming or deleting a link that points outside the project is harmless).
 */
export type LinkMode = 'follow' | 'nofollow';

const MAX_LINK_HOPS = 40;

/**
 * Turn a client-supplied project-relative path into an absolute one, refusing anything that would
 * reach outside `root` (an absolute realpath): absolute paths, `..` escapes, NUL bytes, and symlinks
 * (existing ones, dangling ones, and links among the ancestors of a path that does not exist yet).
 * The check and the later file operation are not atomic; it stops mistakes and hostile clients that
 * cannot also create symlinks concurrently, which is the threat here.
 */
export async function resolveInProject(root: string, rel: string, mode: LinkMode = 'follow'): Promise<Result<ProjectPath>> {
  const shown = JSON.stringify(rel);
  if (rel.includes('\0')) return err('OUTSIDE_PROJECT', `${shown} contains a NUL character and can't be a path in the project`);
  // Clients send POSIX paths; on Windows a backslash is a separator too, elsewhere it is a filename character.
  const slashed = process.platform === 'win32' ? rel.replaceAll('\\', '/') : rel;
  if (slashed.startsWith('/') || rel.startsWith('\\') || /^[A-Za-z]:/.test(rel)) {
    return err('OUTSIDE_PROJECT', `${shown} is outside the project (paths are relative to the project folder)`);
  }
  let normal = posix.normalize(slashed);
  if (normal === '..' || normal.startsWith('../')) return err('OUTSIDE_PROJECT', `${shown} is outside the project`);
  if (normal === '.' || normal === './') normal = '';
  normal = normal.replace(/\/+$/, '');

  const abs = normal === '' ? root : join(root, ...normal.split('/'));
  let real: string;
  try {
    real = mode === 'follow' || normal === '' ? await realpathNearest(abs, 0) : join(await realpathNearest(dirname(abs), 0), basename(abs));
  } catch (e) {
    return fsFailure(e, normal);
  }
  if (!isInside(root, real)) return err('OUTSIDE_PROJECT', `${shown} is outside the project (through a symbolic link)`);
  return ok({ abs, rel: normal });
}

export function isInside(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === '' || (!isAbsolute(r) && r !== '..' && !r.startsWith(`..${sep}`));
}

/**
 * Where `p` resolves to, or would once created: the realpath of the path, or of its nearest existing
 * ancestor joined with the rest. Dangling symlinks are followed by hand, since realpath fails on them
 * yet creating through them would land at their target.
 */
async function realpathNearest(p: string, hops: number): Promise<string> {
  try {
    return await fs.realpath(p);
  } catch (e) {
    if (!hasErrno(e, 'ENOENT', 'ENOTDIR')) throw e;
  }
  let target: string | null = null;
  try {
    target = await fs.readlink(p);
  } catch (e) {
    // Not a link (EINVAL; UNKNOWN on Windows) or not there at all.
    if (!hasErrno(e, 'ENOENT', 'ENOTDIR', 'EINVAL', 'UNKNOWN')) throw e;
  }
  const parent = dirname(p);
  if (target !== null) {
    if (hops >= MAX_LINK_HOPS) throw Object.assign(new Error(`too many symbolic links at ${p}`), { code: 'ELOOP' });
    return realpathNearest(resolve(await realpathNearest(parent, hops + 1), target), hops + 1);
  }
  if (parent === p) return p;
  return join(await realpathNearest(parent, hops), basename(p));
}
