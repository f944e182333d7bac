import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findGitDir, readGitBranch, readHeadBranch } from './git';

let base: string;

beforeEach(async () => {
  base = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'lathe-git-')));
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

// Run git isolated from the caller's repository (GIT_DIR & co. set by hooks) and from user config.
const gitEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    'git',
    ['-c', 'init.defaultBranch=main', '-c', 'user.name=Lathe', '-c', 'user.email=lathe@example.invalid', '-c', 'commit.gpgsign=false', ...args],
    { cwd, stdio: 'pipe', env: gitEnv },
  );

async function writeHead(dir: string, content: string): Promise<void> {
  await fs.mkdir(join(dir, '.git'), { recursive: true });
  await fs.writeFile(join(dir, '.git', 'HEAD'), content);
}

describe('git', () => {
  it('reads the branch of a real repository, also from a subfolder', async () => {
    git(base, 'init');
    expect(await readGitBranch(base)).toBe('main');
    git(base, 'checkout', '-b', 'feature/fast-io');
    await fs.mkdir(join(base, 'pkg', 'sub'), { recursive: true });
    expect(await readGitBranch(join(base, 'pkg', 'sub'))).toBe('feature/fast-io');
    expect(await findGitDir(join(base, 'pkg'))).toBe(join(base, '.git'));
  });

  it('shows a detached HEAD as its short commit', async () => {
    git(base, 'init');
    await fs.writeFile(join(base, 'a.txt'), 'a');
    git(base, 'add', 'a.txt');
    git(base, 'commit', '-m', 'first');
    const sha = git(base, 'rev-parse', 'HEAD').toString().trim();
    git(base, 'checkout', '--detach');
    expect(await readGitBranch(base)).toBe(sha.slice(0, 7));
  });

  it('reads a hand-written HEAD', async () => {
    await writeHead(base, 'ref: refs/heads/dev\n');
    expect(await readGitBranch(base)).toBe('dev');
    await writeHead(base, '0123456789abcdef0123456789abcdef01234567\n');
    expect(await readGitBranch(base)).toBe('0123456');
    await writeHead(base, 'ref: refs/remotes/origin/main\n');
    expect(await readGitBranch(base)).toBe('refs/remotes/origin/main');
    await writeHead(base, 'garbage');
    expect(await readGitBranch(base)).toBeNull();
  });

  it('follows a .git file (worktrees, submodules)', async () => {
    const real = join(base, 'elsewhere', 'worktrees', 'wt');
    await fs.mkdir(real, { recursive: true });
    await fs.writeFile(join(real, 'HEAD'), 'ref: refs/heads/wt-branch\n');
    const project = join(base, 'project');
    await fs.mkdir(project);
    await fs.writeFile(join(project, '.git'), 'gitdir: ../elsewhere/worktrees/wt\n');
    expect(await findGitDir(project)).toBe(real);
    expect(await readGitBranch(project)).toBe('wt-branch');
  });

  it('returns null outside a repository', async () => {
    // The temp folder's ancestors are not expected to be a repository.
    expect(await findGitDir(base)).toBeNull();
    expect(await readGitBranch(base)).toBeNull();
    expect(await readHeadBranch(join(base, 'missing'))).toBeNull();
  });
});
