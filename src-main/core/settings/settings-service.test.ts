import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events, SettingsSnapshot, WorkspaceState } from '../../common/contract';
import { DEFAULT_SETTINGS } from '../../common/settings-schema';
import { EventHub } from '../event-hub';
import {
  RECENT_MAX,
  SettingsService,
  keybindingsTemplate,
  lineCol,
  parseJsonc,
  settingsTemplate,
  textVersion,
  workspaceStateId,
} from './settings-service';

let dir: string;
let hub: EventHub;
let service: SettingsService | null;
let changes: SettingsSnapshot[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lathe-settings-'));
  hub = new EventHub();
  changes = [];
  hub.subscribe((event, payload) => {
    if (event === 'settings.changed') changes.push(payload as Events['settings.changed']);
  });
  service = null;
});

afterEach(async () => {
  await service?.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function start(userDir = dir): Promise<SettingsService> {
  service = await SettingsService.create({ userDir, hub });
  return service;
}

function must<T>(r: { ok: true; value: T } | { ok: false; code: string; message: string }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.code}: ${r.message}`);
  return r.value;
}

async function waitFor(check: () => boolean, ms = 1000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const state = (n: number): WorkspaceState => ({
  tabs: [{ path: `src/file${n}.py` }],
  activeTab: `src/file${n}.py`,
  expanded: ['src'],
  layout: { sidebarWidth: 200 + n, panelHeight: 180, sidebarVisible: true, panelVisible: false },
});

describe('helpers', () => {
  it('lineCol is 1-based', () => {
    expect(lineCol('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineCol('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });

  it('parseJsonc reports syntax errors in words with line:col', () => {
    const r = parseJsonc('{\n  "a": 1\n  "b": 2\n}', 'settings.json');
    expect(r.syntax).toEqual(['settings.json:3:3: expected ","']);
    expect(parseJsonc('// nothing\n', 'x.json')).toEqual({ value: undefined, syntax: [] });
    expect(parseJsonc('\uFEFF{ "a": 1, }', 'x.json')).toEqual({ value: { a: 1 }, syntax: [] });
  });

  it('the templates are valid JSONC holding nothing, and list every setting', () => {
    expect(parseJsonc(settingsTemplate(), 's').syntax).toEqual([]);
    expect(parseJsonc(settingsTemplate(), 's').value).toEqual({});
    for (const key of Object.keys(DEFAULT_SETTINGS)) expect(settingsTemplate()).toContain(`"${key}"`);
    expect(parseJsonc(keybindingsTemplate(), 'k').value).toEqual([]);
  });

  it('versions are 16 hex, or new', () => {
    expect(textVersion('x')).toMatch(/^[0-9a-f]{16}$/);
    expect(textVersion(null)).toBe('new');
    expect(workspaceStateId('/a')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('SettingsService', () => {
  it('uses the defaults when the files are missing, and creates the user dir', async () => {
    const s = await start(join(dir, 'nested', 'user'));
    expect(s.snapshot()).toEqual({ settings: DEFAULT_SETTINGS, keybindings: [], problems: [] });
    expect(s.settings).toEqual(DEFAULT_SETTINGS);
    expect(await readdir(join(dir, 'nested', 'user'))).toEqual([]);
  });

  it('reads JSONC with comments and trailing commas', async () => {
    await writeFile(
      join(dir, 'settings.json'),
      '// mine\n{\n  /* block */ "editor.fontSize": 16, // big\n  "workbench.theme": "dark",\n}\n',
    );
    await writeFile(join(dir, 'keybindings.json'), '[\n  // save\n  { "key": "ctrl+s", "command": "file.save" },\n]');
    const s = await start();
    expect(s.settings['editor.fontSize']).toBe(16);
    expect(s.settings['workbench.theme']).toBe('dark');
    expect(s.settings['editor.tabSize']).toBe(DEFAULT_SETTINGS['editor.tabSize']);
    expect(s.snapshot().keybindings).toEqual([{ key: 'ctrl+s', command: 'file.save' }]);
    expect(s.snapshot().problems).toEqual([]);
  });

  it('reports invalid values and unknown keys in words and applies the valid ones', async () => {
    await writeFile(
      join(dir, 'settings.json'),
      '{ "editor.fontSize": "big", "editor.tabSize": 2, "no.such": 1 }',
    );
    await writeFile(join(dir, 'keybindings.json'), '[{ "key": "ctrl+k", "command": "a" }, { "key": "hyper+q", "command": "b" }]');
    const s = await start();
    expect(s.settings['editor.tabSize']).toBe(2);
    expect(s.settings['editor.fontSize']).toBe(DEFAULT_SETTINGS['editor.fontSize']);
    const problems = s.snapshot().problems;
    expect(problems.some((p) => p.includes('editor.fontSize'))).toBe(true);
    expect(problems.some((p) => p.includes('unknown setting "no.such"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('keybindings.json: [1]'))).toBe(true);
    expect(s.snapshot().keybindings).toEqual([{ key: 'ctrl+k', command: 'a' }]);
  });

  it('reports a syntax error at start with its line and keeps the defaults', async () => {
    await writeFile(join(dir, 'settings.json'), '{\n  "editor.fontSize": 16\n  "editor.tabSize": 2\n}');
    const s = await start();
    expect(s.snapshot().problems).toEqual(['settings.json:3:3: expected ","']);
    expect(s.settings).toEqual(DEFAULT_SETTINGS);
  });

  it('update() validates, keeps comments and formatting, writes atomically and emits', async () => {
    const original = '// my settings\n{\n    // font\n    "editor.fontSize": 16, // big\n    "workbench.theme": "dark"\n}\n';
    await writeFile(join(dir, 'settings.json'), original);
    const s = await start();
    const snap = must(await s.update({ 'editor.tabSize': 2, 'editor.fontSize': 18 }));
    expect(snap.settings['editor.tabSize']).toBe(2);
    expect(snap.settings['editor.fontSize']).toBe(18);
    expect(snap.settings['workbench.theme']).toBe('dark');
    const text = await readFile(join(dir, 'settings.json'), 'utf8');
    expect(text).toContain('// my settings');
    expect(text).toContain('// font');
    expect(text).toContain('"editor.fontSize": 18, // big');
    expect(text).toContain('    "editor.tabSize": 2'); // the user's 4-space indent
    expect(parse(text)).toEqual({ 'editor.fontSize': 18, 'workbench.theme': 'dark', 'editor.tabSize': 2 });
    expect(changes.at(-1)?.settings['editor.tabSize']).toBe(2);
    // no temp files left behind
    expect((await readdir(dir)).filter((n) => n.startsWith('.lathe-tmp'))).toEqual([]);
  });

  it('update() touches only the keys it is given', async () => {
    await writeFile(join(dir, 'settings.json'), '{ "editor.fontSize": 16 }');
    const s = await start();
    must(await s.update({ 'editor.minimap': true }));
    expect(parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual({ 'editor.fontSize': 16, 'editor.minimap': true });
  });

  it('update() on a missing file starts from the commented template', async () => {
    const s = await start();
    must(await s.update({ 'workbench.theme': 'light' }));
    const text = await readFile(join(dir, 'settings.json'), 'utf8');
    expect(text).toContain('Lathe user settings');
    expect(parse(text)).toEqual({ 'workbench.theme': 'light' });
    expect(s.snapshot().problems).toEqual([]);
  });

  it('update() rejects invalid patches and broken files without writing', async () => {
    const s = await start();
    const bad = await s.update({ 'editor.fontSize': 1000 });
    expect(bad.ok === false && bad.code).toBe('INVALID_SETTINGS');
    const unknown = await s.update({ 'no.such': 1 } as never);
    expect(unknown.ok === false && unknown.message).toContain('unknown setting "no.such"');
    expect(await readdir(dir)).toEqual([]);
    await writeFile(join(dir, 'settings.json'), '{ "editor.fontSize": 16');
    const broken = await s.update({ 'editor.tabSize': 2 });
    expect(broken.ok === false && broken.code).toBe('INVALID_SETTINGS');
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe('{ "editor.fontSize": 16');
  });

  it('readFile() returns a commented template for a missing file, and the text with its version otherwise', async () => {
    const s = await start();
    const missing = must(await s.readFile('settings'));
    expect(missing).toMatchObject({ file: 'settings', path: join(dir, 'settings.json'), version: 'new' });
    expect(missing.text).toContain('"editor.fontSize": 13');
    const kb = must(await s.readFile('keybindings'));
    expect(kb.text).toContain('"key"');
    expect(await readdir(dir)).toEqual([]); // not written until saved
    await writeFile(join(dir, 'settings.json'), '{}');
    expect(must(await s.readFile('settings'))).toMatchObject({ text: '{}', version: textVersion('{}') });
  });

  it('writeFile() saves broken JSON as typed, reports the line, and keeps the last valid values', async () => {
    const s = await start();
    const first = must(await s.writeFile('settings', '{ "editor.fontSize": 20 }', 'new'));
    expect(first.problems).toEqual([]);
    expect(s.settings['editor.fontSize']).toBe(20);

    const broken = '{\n  "editor.fontSize": 22,\n  "editor.tabSize" 2\n}';
    const r = must(await s.writeFile('settings', broken, first.version));
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe(broken);
    expect(r.version).toBe(textVersion(broken));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^settings\.json:3:\d+: expected ":"$/);
    expect(s.settings['editor.fontSize']).toBe(20); // the last valid value stays applied
    expect(changes.at(-1)?.problems).toEqual(r.problems);

    // An invalid value keeps the last valid one for that key; the valid keys apply.
    const invalid = must(await s.writeFile('settings', '{ "editor.fontSize": "huge", "editor.tabSize": 8 }', r.version));
    expect(invalid.problems).toEqual([expect.stringContaining('"editor.fontSize"')]);
    expect(s.settings['editor.fontSize']).toBe(20);
    expect(s.settings['editor.tabSize']).toBe(8);
  });

  it('writeFile() of keybindings validates them', async () => {
    const s = await start();
    const r = must(await s.writeFile('keybindings', '[{ "key": "ctrl+b", "command": "x" }, { "key": 3 }]', null));
    expect(r.problems.length).toBeGreaterThan(0);
    expect(s.snapshot().keybindings).toEqual([{ key: 'ctrl+b', command: 'x' }]);
  });

  it('writeFile() returns CONFLICT when the file changed since it was read', async () => {
    const s = await start();
    const opened = must(await s.readFile('settings'));
    await writeFile(join(dir, 'settings.json'), '{ "editor.tabSize": 3 }'); // another editor
    const r = await s.writeFile('settings', '{ "editor.tabSize": 5 }', opened.version);
    expect(r.ok === false && r.code).toBe('CONFLICT');
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe('{ "editor.tabSize": 3 }');
    // null: overwrite without checking
    must(await s.writeFile('settings', '{ "editor.tabSize": 5 }', null));
    expect(s.settings['editor.tabSize']).toBe(5);
  });

  it('an outside edit of settings.json emits settings.changed within 1 s', async () => {
    const s = await start();
    await writeFile(join(dir, 'settings.json'), '{ "editor.fontSize": 30 }');
    await waitFor(() => changes.some((c) => c.settings['editor.fontSize'] === 30));
    expect(s.settings['editor.fontSize']).toBe(30);
    // and deleting it goes back to the defaults
    await rm(join(dir, 'settings.json'));
    await waitFor(() => s.settings['editor.fontSize'] === DEFAULT_SETTINGS['editor.fontSize']);
  });

  it('an outside edit of keybindings.json is picked up too', async () => {
    const s = await start();
    await writeFile(join(dir, 'keybindings.json'), '[{ "key": "f5", "command": "run" }]');
    await waitFor(() => s.snapshot().keybindings.length === 1);
    expect(changes.at(-1)?.keybindings).toEqual([{ key: 'f5', command: 'run' }]);
  });

  it('its own writes are announced once, not again by the watcher', async () => {
    const s = await start();
    must(await s.update({ 'editor.minimap': true }));
    await new Promise((r) => setTimeout(r, 300));
    expect(changes).toHaveLength(1);
  });

  it('keeps recent projects most recent first, deduplicated, at most 20', async () => {
    const s = await start();
    expect(await s.recent()).toEqual([]);
    await s.addRecent('/p/a', 'a');
    await s.addRecent('/p/b', 'b');
    await s.addRecent('/p/a', 'a');
    expect((await s.recent()).map((r) => r.root)).toEqual(['/p/a', '/p/b']);
    for (let i = 0; i < 30; i++) await s.addRecent(`/p/${i}`, String(i));
    const list = await s.recent();
    expect(list).toHaveLength(RECENT_MAX);
    expect(list[0]?.root).toBe('/p/29');
    expect(list.at(-1)?.root).toBe('/p/10');
    expect(typeof list[0]?.openedAt).toBe('number');
  });

  it('a corrupt recent.json reads as empty and is rewritten', async () => {
    await writeFile(join(dir, 'recent.json'), '{ not json');
    const s = await start();
    expect(await s.recent()).toEqual([]);
    await s.addRecent('/p/x', 'x');
    expect(JSON.parse(await readFile(join(dir, 'recent.json'), 'utf8'))).toMatchObject([{ root: '/p/x', name: 'x' }]);
  });

  it('workspace state round-trips, and invalid state reads as null', async () => {
    const s = await start();
    expect(await s.getWorkspaceState('/p/a')).toBeNull();
    await s.setWorkspaceState('/p/a', state(1));
    expect(await s.getWorkspaceState('/p/a')).toEqual(state(1));
    const file = join(dir, 'workspaces', `${workspaceStateId('/p/a')}.json`);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ root: '/p/a', state: state(1) });

    // a fresh service reads it back
    await s.dispose();
    const again = await start();
    expect(await again.getWorkspaceState('/p/a')).toEqual(state(1));

    await writeFile(file, JSON.stringify({ root: '/p/a', state: { tabs: 'nope' } }));
    expect(await again.getWorkspaceState('/p/a')).toBeNull();
    await writeFile(file, '{ broken');
    expect(await again.getWorkspaceState('/p/a')).toBeNull();
  });

  it('coalesces rapid state writes and always writes the last one', async () => {
    const s = await start();
    const file = join(dir, 'workspaces', `${workspaceStateId('/p/a')}.json`);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) writes.push(s.setWorkspaceState('/p/a', state(i)));
    expect(await s.getWorkspaceState('/p/a')).toEqual(state(19)); // the pending one is what reads see
    await Promise.all(writes);
    expect(JSON.parse(await readFile(file, 'utf8')).state).toEqual(state(19));
  });

  it('flushes the pending state on dispose', async () => {
    const s = await start();
    void s.setWorkspaceState('/p/a', state(1));
    void s.setWorkspaceState('/p/a', state(2)); // waits for the 250 ms window
    await s.dispose();
    const file = join(dir, 'workspaces', `${workspaceStateId('/p/a')}.json`);
    expect(JSON.parse(await readFile(file, 'utf8')).state).toEqual(state(2));
  });
});
