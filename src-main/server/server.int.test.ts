/**
 * The server host over real sockets: admission (token, Origin, Host), and every workspace and settings
 * call through the WebSocket against a real project folder.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../common/result';
import { createWorkbench, type Workbench } from '../core/workbench';
import { ONNX_RUNNER, PTY_HOST } from '../../test/children';
import { startServer, type RunningServer } from './server';
import { missing } from '../../test/skip';
import { connectClient, httpGet, type HttpAnswer, type TestClient as Client } from './test-client';

let workbench: Workbench;
let server: RunningServer;
let project: string;
let userDir: string;
let outside: string;

const get = (path: string, headers: Record<string, string> = {}): Promise<HttpAnswer> => httpGet(server.port, path, headers);
const connect = (query: string, headers: Record<string, string> = {}): Promise<Client> => connectClient(server.port, query, headers);

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'lathe-int-project-'));
  userDir = await mkdtemp(join(tmpdir(), 'lathe-int-user-'));
  outside = await mkdtemp(join(tmpdir(), 'lathe-int-outside-'));
  await writeFile(join(outside, 'secret.txt'), 'secret');
  await mkdir(join(project, 'src'));
  await writeFile(join(project, 'src', 'train.py'), 'print("hi")\n');
  await writeFile(join(project, 'README.md'), '# hi\n');
  await symlink(join(outside, 'secret.txt'), join(project, 'escape.txt'));
  const staticDir = await mkdtemp(join(tmpdir(), 'lathe-int-static-'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Lathe</title>');
  workbench = await createWorkbench({ host: 'server', version: '0.0.0-test', userDir, ptyHostEntry: PTY_HOST, onnxRunnerEntry: ONNX_RUNNER });
  server = await startServer({ workbench, staticDir, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await workbench?.dispose();
  for (const dir of [project, userDir, outside]) await rm(dir, { recursive: true, force: true });
});

describe('admission over HTTP', () => {
  it('binds to 127.0.0.1 and prints a URL with the token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[\\w-]{20,}$`));
  });

  it('refuses a missing token and a wrong token with 401', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get('/index.html', { Cookie: `lathe_token_${server.port}=wrong` })).status).toBe(401);
  });

  it('trades the token for an HttpOnly cookie, then serves the renderer', async () => {
    const first = await get(`/?token=${server.token}`);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await get('/', { Cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Lathe</title>');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('refuses a foreign Origin and a foreign Host even with the token', async () => {
    expect((await get(`/?token=${server.token}`, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(`/?token=${server.token}`, { Host: `evil.example:${server.port}` })).status).toBe(403);
  });

  it('does not serve files outside the renderer folder', async () => {
    const r = await get(`/..%2f..%2f..%2fetc%2fpasswd`, { Cookie: `lathe_token_${server.port}=${server.token}` });
    expect(r.status).toBe(404);
  });
});

describe('admission over the WebSocket', () => {
  it('closes a socket without a token, or with a wrong one (401)', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401');
    await expect(connect('?token=wrong')).rejects.toThrow('HTTP 401');
  });

  it('refuses a foreign Origin (403) even with the right token', async () => {
    await expect(connect(`?token=${server.token}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('accepts the token by query or by the cookie, with the same Origin', async () => {
    const a = await connect(`?token=${server.token}`, { Origin: `http://127.0.0.1:${server.port}` });
    const b = await connect('', { Cookie: `lathe_token_${server.port}=${server.token}`, Origin: `http://localhost:${server.port}` });
    expect((await a.value('app.info', {})).host).toBe('server');
    expect((await b.value('app.info', {})).name).toBe('Lathe');
    a.close();
    b.close();
  });
});

describe('the contract over the socket', () => {
  let c: Client;
  let other: Client;
  beforeAll(async () => {
    c = await connect(`?token=${server.token}`);
    other = await connect(`?token=${server.token}`);
  });
  afterAll(() => {
    c.close();
    other.close();
  });

  it('answers unknown methods and bad arguments with Result failures, not crashes', async () => {
    expect(await c.raw('workspace.format', {})).toMatchObject({ ok: false, code: 'UNKNOWN_METHOD' });
    expect(await c.raw('workspace.read', { path: 42 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await c.call('workspace.list', { path: '' })).toMatchObject({ ok: false, code: 'NO_PROJECT' });
    expect(await c.call('app.pickFolder', {})).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
  });

  it('opens a folder, tells every client, and lists it in recent projects', async () => {
    expect(await c.call('workspace.open', { root: join(project, 'nope') })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const info = await c.value('workspace.open', { root: project });
    expect(info.name).toBe(project.split('/').pop());
    await other.waitFor('workspace.opened', (p) => (p as { root?: string } | null)?.root === info.root);
    expect((await other.value('workspace.current', {}))?.root).toBe(info.root);
    expect((await c.value('workspace.recent', {}))[0]?.root).toBe(info.root);
  });

  it('lists, reads, writes, creates, renames, deletes and finds files', async () => {
    const root = await c.value('workspace.list', { path: '' });
    expect(root.entries.map((e) => e.name)).toEqual(['src', 'escape.txt', 'README.md']);

    const file = await c.value('workspace.read', { path: 'src/train.py' });
    expect(file).toMatchObject({ kind: 'text', text: 'print("hi")\n', encoding: 'utf8', readOnly: false });

    const written = await c.value('workspace.write', { path: 'src/train.py', text: 'print("bye")\n', encoding: 'utf8', bom: false, eol: '\n', expectedVersion: file.version });
    expect(await readFile(join(project, 'src', 'train.py'), 'utf8')).toBe('print("bye")\n');
    expect(written.version).not.toBe(file.version);

    const stale = await c.call('workspace.write', { path: 'src/train.py', text: 'x', encoding: 'utf8', bom: false, eol: '\n', expectedVersion: file.version });
    expect(stale).toMatchObject({ ok: false, code: 'CONFLICT' });

    await c.value('workspace.create', { path: 'src/data', kind: 'directory' });
    await c.value('workspace.create', { path: 'src/data/load.py', kind: 'file' });
    expect(await c.call('workspace.create', { path: 'src/data/load.py', kind: 'file' })).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' });
    await c.value('workspace.rename', { from: 'src/data/load.py', to: 'src/data/loader.py' });
    expect((await c.value('workspace.list', { path: 'src/data' })).entries.map((e) => e.name)).toEqual(['loader.py']);

    const found = await c.value('workspace.findFiles', { query: 'loadr', limit: 10 });
    expect(found.matches[0]?.path).toBe('src/data/loader.py');

    await c.value('workspace.delete', { path: 'src/data' });
    expect(await c.call('workspace.read', { path: 'src/data/loader.py' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('refuses every path outside the project with OUTSIDE_PROJECT', async () => {
    const attempts: Promise<Result<unknown>>[] = [
      c.call('workspace.read', { path: '../x' }),
      c.call('workspace.read', { path: '/etc/passwd' }),
      c.call('workspace.read', { path: 'escape.txt' }),
      c.call('workspace.list', { path: '..' }),
      c.call('workspace.write', { path: '../evil.txt', text: 'x', encoding: 'utf8', bom: false, eol: '\n', expectedVersion: null }),
      c.call('workspace.create', { path: '../evil', kind: 'directory' }),
      c.call('workspace.rename', { from: 'README.md', to: '../README.md' }),
      c.call('workspace.delete', { path: '../' + outside.split('/').pop() }),
    ];
    for (const r of await Promise.all(attempts)) expect(r).toMatchObject({ ok: false, code: 'OUTSIDE_PROJECT' });
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('reports outside changes to listed folders as events', async () => {
    await c.value('workspace.list', { path: 'src' });
    await writeFile(join(project, 'src', 'new_from_python.py'), 'x = 1\n');
    await c.waitFor('workspace.changed', (p) => (p as { dirs: string[] }).dirs.includes('src'));
  });

  it('keeps tabs and layout per project', async () => {
    const state = {
      tabs: [{ path: 'README.md' }],
      activeTab: 'README.md',
      expanded: ['src'],
      layout: { sidebarWidth: 300, panelHeight: 180, sidebarVisible: true, panelVisible: true },
    };
    await c.value('workspace.setState', { state });
    await new Promise((r) => setTimeout(r, 400));
    expect(await other.value('workspace.getState', {})).toEqual(state);
  });

  it('reads, validates and writes settings, and broadcasts changes', async () => {
    const snapshot = await c.value('settings.get', {});
    expect(snapshot.settings['workbench.theme']).toBe('system');
    await c.value('settings.update', { patch: { 'workbench.theme': 'dark' } });
    await other.waitFor('settings.changed', (p) => (p as { settings: Record<string, unknown> }).settings['workbench.theme'] === 'dark');
    const file = await c.value('settings.readFile', { file: 'settings' });
    const saved = await c.value('settings.writeFile', { file: 'settings', text: '{ "editor.fontSize": "huge" }', expectedVersion: file.version });
    expect(saved.problems.join('\n')).toMatch(/editor\.fontSize/);
    expect(await readFile(join(userDir, 'settings.json'), 'utf8')).toBe('{ "editor.fontSize": "huge" }');
    expect((await c.value('settings.get', {})).settings['editor.fontSize']).toBe(13);
  });

  it.skipIf(missing(!existsSync('/usr/bin/python3') && '/usr/bin/python3 is not installed (scripts/setup-system.sh installs it): the sessions-over-the-socket test is skipped'))('runs Python sessions: interpreters, start, execute, events to every client, attach, stop', async () => {
    const found = await c.value('interpreters.list', {});
    expect(found.some((i) => i.path === '/usr/bin/python3' && i.problem === null)).toBe(true);
    expect((await c.value('interpreters.select', { path: '/usr/bin/python3' })).version).toMatch(/^3\./);
    expect(await c.value('interpreters.selected', {})).toBe('/usr/bin/python3');
    expect(await c.call('interpreters.select', { path: join(project, 'README.md') })).toMatchObject({ ok: false, code: 'PYTHON_NOT_FOUND' });

    const session = await c.value('sessions.start', {});
    expect(session.python).toBe('/usr/bin/python3');
    expect(session.cwd).toBe(await realpath(project));
    await other.waitFor('sessions.changed', (p) => (p as { id: string; state: string }).id === session.id && (p as { state: string }).state === 'idle', 30_000);
    const { runId } = await c.value('sessions.execute', { id: session.id, code: 'import os\nprint(os.getcwd())\n6 * 7', capture: true });
    const done = (await other.waitFor('sessions.run', (p) => (p as { runId: string; state: string }).runId === runId && (p as { state: string }).state === 'done', 10_000)) as { status: string };
    expect(done.status).toBe('ok');
    const outputs = other.events
      .filter((e) => e.event === 'sessions.output' && (e.payload as { runId: string }).runId === runId)
      .flatMap((e) => (e.payload as { outputs: Array<{ type: string; text?: string; data?: Record<string, unknown> }> }).outputs);
    // Stream text may come in several batches.
    const stdout = outputs.filter((o) => o.type === 'stream').map((o) => o.text).join('');
    expect(stdout).toBe(`${await realpath(project)}\n`);
    expect(outputs.find((o) => o.type === 'execute_result')?.data?.['text/plain']).toBe('42');
    const attached = await other.value('sessions.attach', { id: session.id });
    expect(attached.scrollback).toContain('42');
    expect(attached.seq).toBeGreaterThanOrEqual(attached.scrollback.length);
    expect(await other.call('sessions.ack', { viewerId: attached.viewerId, seq: attached.seq })).toMatchObject({ ok: true });
    expect((await c.value('sessions.history', { id: session.id })).map((r) => r.runId)).toContain(runId);
    await c.value('sessions.stop', { id: session.id });
    await other.waitFor('sessions.removed', (p) => (p as { id: string }).id === session.id);
    expect(await c.call('sessions.execute', { id: session.id, code: '1' })).toMatchObject({ ok: false, code: 'SESSION_NOT_FOUND' });
  }, 60_000);

  it('closes the folder for every client', async () => {
    await c.value('workspace.close', {});
    await other.waitFor('workspace.opened', (p) => p === null);
    expect(await other.value('workspace.current', {})).toBeNull();
  });
});
