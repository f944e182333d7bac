/**
 * `lathe nb run`'s argument and input handling, with no Python started (the runs themselves are in
 * core/notebooks/headless.int.test.ts).
 */
import { existsSync, promises as fs, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultOutput, nbCommand, type NbRunIo } from './nb-run';

let dir: string;
let out: string;
let err: string;
let io: NbRunIo;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lathe-nb-cli-'));
  out = '';
  err = '';
  io = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTty: false, cwd: dir };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const nb = (...args: string[]) => nbCommand(args, '/nonexistent/pty-host.js', io);

describe('lathe nb', () => {
  it('prints its help, and refuses unknown subcommands and options', async () => {
    expect(await nb('--help')).toBe(0);
    expect(out).toContain('lathe nb run <notebook.ipynb>');
    expect(await nb('run', '--help')).toBe(0);
    expect(await nb()).toBe(2);
    expect(err).toContain('Usage: lathe nb run');
    expect(await nb('frobnicate')).toBe(2);
    expect(err).toContain('unknown command "frobnicate"');
    expect(await nb('run', 'a.ipynb', '--bogus')).toBe(2);
    expect(err).toMatch(/--bogus/);
  });

  it('checks its arguments before starting anything', async () => {
    expect(await nb('run')).toBe(2);
    expect(err).toContain('which notebook?');
    expect(await nb('run', 'a.ipynb', 'b.ipynb')).toBe(2);
    expect(err).toContain('one notebook at a time');
    for (const t of ['abc', '0', '-1']) {
      err = '';
      expect(await nb('run', 'a.ipynb', `--timeout=${t}`)).toBe(2);
      expect(err).toContain('--timeout must be a number of seconds');
    }
  });

  it('refuses a missing file, a folder, and an invalid notebook with exit 2, writing nothing', async () => {
    expect(await nb('run', 'missing.ipynb')).toBe(2);
    expect(err).toContain('missing.ipynb does not exist');
    await fs.mkdir(join(dir, 'folder.ipynb'));
    expect(await nb('run', 'folder.ipynb')).toBe(2);
    expect(err).toContain('folder.ipynb is a folder');
    await fs.writeFile(join(dir, 'broken.ipynb'), '{"cells": [');
    err = '';
    expect(await nb('run', 'broken.ipynb')).toBe(2);
    expect(err).toMatch(/^lathe nb run: broken\.ipynb is not a valid notebook: \S/);
    await fs.writeFile(join(dir, 'v3.ipynb'), JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [] }));
    expect(await nb('run', 'v3.ipynb')).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['broken.ipynb', 'folder.ipynb', 'v3.ipynb']);
  });

  it('refuses an interpreter that does not exist', async () => {
    await fs.writeFile(join(dir, 'ok.ipynb'), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
    expect(await nb('run', 'ok.ipynb', '--python', join(dir, 'no-python'))).toBe(2);
    expect(err).toContain('--python');
    expect(existsSync(join(dir, 'ok.out.ipynb'))).toBe(false);
  });

  it('writes <name>.out.ipynb next to the input by default', () => {
    expect(defaultOutput('/p/analysis.ipynb')).toBe('/p/analysis.out.ipynb');
    expect(defaultOutput('/p/notes.json')).toBe('/p/notes.json.out.ipynb');
    expect(defaultOutput('/p/run.out.ipynb')).toBe('/p/run.out.out.ipynb');
  });
});
