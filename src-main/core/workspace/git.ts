import { promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The git directory of the repository containing `root`: `root` or its nearest ancestor with a `.git`
 * (a project is often a subfolder of a repository). A `.git` file (`gitdir: ...`, used by worktrees and
 * submodules) is followed. Null outside a repository.
 */
export async function findGitDir(root: string): Promise<string | null> {
  for (let dir = root; ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    const found = await gitDirAt(dotGit);
    if (found) return found;
    if (dirname(dir) === dir) return null;
  }
}

/** The branch checked out in `gitDir`; the first 7 characters of the commit when detached; null if unreadable. */
export async function readHeadBranch(gitDir: string): Promise<string | null> {
  let head: string;
  try {
    head = (await fs.readFile(join(gitDir, 'HEAD'), 'utf8')).trim();
  } catch {
    return null;
  }
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (ref) return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(head) ? head.slice(0, 7) : null;
}

/** The current branch of the repository containing `root`, or null when there is none. */
export async function readGitBranch(root: string): Promise<string | null> {
  const gitDir = await findGitDir(root);
  return gitDir ? readHeadBranch(gitDir) : null;
}

async function gitDirAt(dotGit: string): Promise<string | null> {
  try {
    const stat = await fs.stat(dotGit);
    if (stat.isDirectory()) return dotGit;
    if (!stat.isFile()) return null;
    const pointer = /^gitdir:\s*(.+)$/m.exec(await fs.readFile(dotGit, 'utf8'))?.[1]?.trim();
    return pointer ? resolve(dirname(dotGit), pointer) : null;
  } catch {
    // Missing or unreadable: not a repository here.
    return null;
  }
}
