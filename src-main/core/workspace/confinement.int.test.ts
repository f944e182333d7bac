/**
 * Path confinement through every service method that takes a project path: the workspace
 * (list/read/write/create/rename from and to/delete, and findFiles' results), the notebook service
 * (open/save/create/autosave/discardRecovery) and the model service (inspect/initializer/run with the
 * model, an npy input and an image input/benchmark/profile/openProfile/saveOutput), on real temp folders.
 *
 * Each method × case runs on a fresh project next to an `outside/` folder holding `secret.txt`; after the
 * call the outside folder (names and bytes) and the base folder's entries must be exactly as before.
 * Escapes (`..`, absolute, drive and UNC paths, NUL, symlinks to a file, a folder, a dangling link, a
 * symlinked ancestor) must be refused with OUTSIDE_PROJECT; over-long names with a clear error. The
 * methods that act on a final symlink itself (delete, rename from/to) may succeed on the link.
 * Findings, not refusals (see the printed table):
 * - A hard link in the project to an outside file is the same inode: `read` shows the outside bytes
 *   (as it would any file in the project; nothing in a path tells them apart). `write` never changes the
 *   outside file: atomicWrite renames a new inode over the link, which breaks it.
 * - On POSIX a backslash is a filename character: `..\x` is a file named `..\x` inside the project.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newNotebook } from '../../common/notebook/ipynb';
import { DEFAULT_SESSION_CONFIG } from '../../common/onnx/ep';
import type { Result } from '../../common/result';
import type { InputSpec } from '../../common/tensor/tensor-types';
import { ONNX_RUNNER, PTY_HOST } from '../../../test/children';
import { EventHub } from '../event-hub';
import { ModelService } from '../models/model-service';
import { NotebookService } from '../notebooks/notebook-service';
import { resourcesDir } from '../resources';
import { SessionService } from '../sessions/session-service';
import { WorkspaceService } from './workspace-service';

const SECRET = 'secret\n';
const SECRET_VERSION = createHash('sha1').update(SECRET).digest('hex').slice(0, 16);

type Kind = 'escape' | 'link-final' | 'long' | 'hard' | 'backslash';
interface Case {
  readonly name: string;
  readonly kind: Kind;
  readonly path: (outside: string) => string;
}

const CASES: readonly Case[] = [
  { name: '../x', kind: 'escape', path: () => '../outside/secret.txt' },
  { name: '../x (new)', kind: 'escape', path: () => '../outside/new.txt' },
  { name: 'a/../../x', kind: 'escape', path: () => 'src/../../outside/secret.txt' },
  { name: '../project/… (inside, spelt with ..)', kind: 'escape', path: () => '../project/src/main.py' },
  { name: 'absolute outside', kind: 'escape', path: (o) => join(o, 'secret.txt') },
  { name: '/etc/passwd', kind: 'escape', path: () => '/etc/passwd' },
  { name: 'C:\\x', kind: 'escape', path: () => 'C:\\outside\\secret.txt' },
  { name: 'C:x', kind: 'escape', path: () => 'C:secret.txt' },
  { name: '\\\\server\\share', kind: 'escape', path: () => '\\\\server\\share\\x' },
  { name: 'NUL byte', kind: 'escape', path: () => 'src/a\0/../../../outside/secret.txt' },
  { name: 'symlink → file outside', kind: 'link-final', path: () => 'link-file' },
  { name: 'symlink → dir outside', kind: 'link-final', path: () => 'link-dir' },
  { name: 'dangling symlink → outside', kind: 'link-final', path: () => 'link-new' },
  { name: 'file under symlinked dir', kind: 'escape', path: () => 'link-dir/secret.txt' },
  { name: 'new file under symlinked dir', kind: 'escape', path: () => 'link-dir/new.txt' },
  { name: '300-char segment', kind: 'long', path: () => `src/${'n'.repeat(300)}` },
  { name: '5,000-char path', kind: 'long', path: () => 'abcdefghi/'.repeat(500).slice(0, -1) },
  { name: 'hard link → file outside', kind: 'hard', path: () => 'hard.txt' },
  { name: '..\\x (POSIX: a name)', kind: 'backslash', path: () => '..\\outside\\secret.txt' },
];

interface Env {
  readonly base: string;
  readonly root: string;
  readonly outside: string;
  readonly workspace: WorkspaceService;
  readonly notebooks: NotebookService;
}

type Call = (env: Env, path: string) => Promise<Result<unknown>>;

const image = { width: 8, height: 8, fit: 'stretch', layout: 'NCHW', order: 'RGB', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] } as const;
const npyInput = (path: string): InputSpec[] => [{ name: 'x', dims: [1], dtype: 'float32', source: { kind: 'npy', path } }];
const imageInput = (path: string): InputSpec[] => [{ name: 'x', dims: [1, 3, 8, 8], dtype: 'float32', source: { kind: 'image', path, preprocess: image } }];

let models: ModelService;
let currentRoot: string | null = null;
/** One session service (it spawns nothing until a session is started; none is here). */
let sessions: SessionService;

const METHODS: ReadonlyArray<readonly [string, Call]> = [
  ['ws.list', (e, p) => e.workspace.list(p)],
  ['ws.read', (e, p) => e.workspace.read(p)],
  ['ws.write(new)', (e, p) => e.workspace.write({ path: p, text: 'PWNED', encoding: 'utf8', bom: false, eol: '\n', expectedVersion: null })],
  ['ws.write(over)', (e, p) => e.workspace.write({ path: p, text: 'PWNED', encoding: 'utf8', bom: false, eol: '\n', expectedVersion: SECRET_VERSION })],
  ['ws.create(file)', (e, p) => e.workspace.create(p, 'file')],
  ['ws.create(dir)', (e, p) => e.workspace.create(p, 'directory')],
  ['ws.rename(from)', (e, p) => e.workspace.rename(p, 'moved.txt')],
  ['ws.rename(to)', (e, p) => e.workspace.rename('src/main.py', p)],
  ['ws.delete', (e, p) => e.workspace.delete(p)],
  ['nb.open', (e, p) => e.notebooks.open(p)],
  ['nb.save', (e, p) => e.notebooks.save(p, newNotebook(), SECRET_VERSION)],
  ['nb.create', (e, p) => e.notebooks.create(p)],
  ['nb.autosave', (e, p) => e.notebooks.autosave(p, newNotebook())],
  ['nb.discardRecovery', (e, p) => e.notebooks.discardRecovery(p)],
  ['models.inspect', (_e, p) => models.inspect(p)],
  ['models.initializer', (_e, p) => models.initializer(p, 'w')],
  ['models.run(model)', (_e, p) => models.run(p, DEFAULT_SESSION_CONFIG, [])],
  ['models.run(npy)', (_e, p) => models.run('m.onnx', DEFAULT_SESSION_CONFIG, npyInput(p))],
  ['models.run(image)', (_e, p) => models.run('m.onnx', DEFAULT_SESSION_CONFIG, imageInput(p))],
  ['models.benchmark', (_e, p) => models.benchmark(p, DEFAULT_SESSION_CONFIG, [], { warmup: 0, runs: 1, budgetMs: null })],
  ['models.profile', (_e, p) => models.profile(p, DEFAULT_SESSION_CONFIG, [], 0, 1)],
  ['models.openProfile', (_e, p) => models.openProfile(p)],
  ['models.saveOutput', (_e, p) => models.saveOutput('no-such-run', 'y', 'npy', p)],
];

/**
 * What is outside the project: every path under `base` except the project and `user/` (Lathe's own
 * settings folder, where autosave keeps recovery copies), with each file's hash.
 */
async function snapshot(base: string): Promise<string> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const d of (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = `${rel}/${d.name}`;
      if (r === '/project' || r === '/user') continue;
      if (d.isDirectory()) {
        out.push(`${r}/`);
        await walk(join(dir, d.name), r);
      } else if (d.isFile()) out.push(`${r} ${createHash('sha256').update(await fs.readFile(join(dir, d.name))).digest('hex')}`);
      else out.push(`${r} ?`);
    }
  };
  await walk(base, '');
  return out.join('\n');
}

async function makeEnv(): Promise<Env> {
  const base = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'lathe-conf-')));
  const root = join(base, 'project');
  const outside = join(base, 'outside');
  await fs.mkdir(join(root, 'src'), { recursive: true });
  await fs.mkdir(outside);
  await fs.writeFile(join(root, 'src', 'main.py'), 'print("hi")\n');
  await fs.writeFile(join(outside, 'secret.txt'), SECRET);
  await fs.symlink(join(outside, 'secret.txt'), join(root, 'link-file'));
  await fs.symlink(outside, join(root, 'link-dir'));
  await fs.symlink(join(outside, 'new.txt'), join(root, 'link-new'));
  await fs.link(join(outside, 'secret.txt'), join(root, 'hard.txt'));
  const hub = new EventHub();
  const workspace = new WorkspaceService({ hub, excludes: () => [] });
  const opened = await workspace.open(root);
  if (!opened.ok) throw new Error(opened.message);
  const notebooks = new NotebookService({ workspace, sessions, userDir: join(base, 'user'), pythonVersion: async () => null });
  currentRoot = root;
  return { base, root, outside, workspace, notebooks };
}

beforeAll(() => {
  const hub = new EventHub();
  sessions = new SessionService({
    hub,
    ptyHostEntry: PTY_HOST,
    driver: join(resourcesDir(), 'python', 'lathe_driver.py'),
    pythonPath: join(resourcesDir(), 'python'),
    projectRoot: () => currentRoot,
    defaultPython: async () => '/usr/bin/python3',
  });
  models = new ModelService({ hub, runnerEntry: ONNX_RUNNER, projectRoot: () => currentRoot });
});

afterAll(async () => {
  await models?.dispose();
  await sessions?.dispose();
});

const short = (s: string) => (s.length > 140 ? `${s.slice(0, 140)}…` : s);

it('every path-taking method refuses every way out of the project, and never touches outside files', async () => {
  const table: string[][] = [];
  const failures: string[] = [];
  let refused = 0;
  let allowed = 0;
  let touched = 0;
  for (const [method, call] of METHODS) {
    const row = [method];
    for (const c of CASES) {
      const env = await makeEnv();
      const before = await snapshot(env.base);
      const path = c.path(env.outside);
      // A method that throws fails the test here: every refusal is a Result.
      const r = await call(env, path);
      const after = await snapshot(env.base);
      const code = r.ok ? 'ok' : r.code;
      const message = r.ok ? '' : r.message;
      row.push(code);
      if (r.ok) allowed++;
      else refused++;
      const where = `${method} × ${c.name} → ${code}${message ? ` (${short(message)})` : ''}`;
      if (after !== before) {
        touched++;
        failures.push(`${where}: the outside changed:\n${before}\n---\n${after}`);
      }
      const nofollow = method === 'ws.delete' || method.startsWith('ws.rename');
      if (c.kind === 'escape' && code !== 'OUTSIDE_PROJECT') failures.push(`${where}: expected OUTSIDE_PROJECT`);
      if (c.kind === 'link-final' && !nofollow && code !== 'OUTSIDE_PROJECT') failures.push(`${where}: expected OUTSIDE_PROJECT`);
      if (c.kind === 'long' && !(code === 'OUTSIDE_PROJECT' || (code === 'INVALID_ARGUMENT' && /too long/i.test(message)))) {
        failures.push(`${where}: expected a clear "name too long" refusal`);
      }
      if (c.kind === 'hard' && method === 'ws.read') {
        // The finding: a hard link is the outside file's inode; reading it reads the outside bytes.
        expect(r.ok && (r.value as { text?: string }).text).toBe(SECRET);
      }
      if (c.kind === 'hard' && method === 'ws.write(over)') {
        expect(code).toBe('ok');
        // The write replaced the link with a new file: the outside file keeps its bytes and loses the link.
        expect(await fs.readFile(join(env.root, 'hard.txt'), 'utf8')).toBe('PWNED');
        expect((await fs.stat(join(env.outside, 'secret.txt'))).nlink).toBe(1);
      }
      if (c.kind === 'backslash' && r.ok && method === 'ws.write(new)') {
        expect(await fs.readFile(join(env.root, path), 'utf8')).toBe('PWNED');
      }
      await env.workspace.dispose();
      await fs.rm(env.base, { recursive: true, force: true });
    }
    table.push(row);
  }

  // findFiles takes a query, not a path: its results never lead outside (symlinked folders aren't walked).
  const env = await makeEnv();
  const found = await env.workspace.findFiles('secret', 100);
  if (!found.ok) throw new Error(found.message);
  const paths = found.value.matches.map((m) => JSON.stringify(m));
  expect(paths.join('\n')).not.toMatch(/link-dir|link-file|link-new/);
  await env.workspace.dispose();
  await fs.rm(env.base, { recursive: true, force: true });

  const widths = [Math.max(...METHODS.map(([m]) => m.length)), ...CASES.map((c) => Math.max(c.name.length, 16))];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(
    [
      `[confinement] ${METHODS.length} methods × ${CASES.length} cases = ${METHODS.length * CASES.length} calls: refused ${refused}, allowed ${allowed}, outside touched ${touched}; failures ${failures.length}`,
      line(['method', ...CASES.map((c) => c.name)]),
      ...table.map(line),
    ].join('\n'),
  );
  expect(touched).toBe(0);
  expect(failures, failures.join('\n\n')).toEqual([]);
}, 300_000);
