import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ELECTRON_MISSING_MESSAGE, electronBinaryPath, findRepoRoot, launchApp } from './open-app';

const repo = join(__dirname, '..', '..');
const temps: string[] = [];

afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A fake install: package.json, node_modules/electron with path.txt and dist/, out/main/main.js. */
async function fakeInstall(opts: { binary: boolean; built: boolean }): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'lathe-open-app-'));
  temps.push(root);
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'lathe' }));
  const electron = join(root, 'node_modules', 'electron');
  await mkdir(join(electron, 'dist'), { recursive: true });
  await writeFile(join(electron, 'package.json'), JSON.stringify({ name: 'electron', version: '45.5.0' }));
  await writeFile(join(electron, 'path.txt'), 'electron');
  if (opts.binary) {
    await writeFile(join(electron, 'dist', 'electron'), '#!/bin/sh\n');
    await chmod(join(electron, 'dist', 'electron'), 0o755);
  }
  if (opts.built) {
    await mkdir(join(root, 'out', 'main'), { recursive: true });
    await writeFile(join(root, 'out', 'main', 'main.js'), '');
  }
  return root;
}

function fakeSpawn() {
  const calls: Array<{ command: string; args: readonly string[]; options: SpawnOptions }> = [];
  const spawn = (command: string, args: readonly string[], options: SpawnOptions): ChildProcess => {
    calls.push({ command, args, options });
    const child = new EventEmitter() as ChildProcess;
    (child as unknown as { unref: () => void }).unref = () => undefined;
    return child;
  };
  return { calls, spawn };
}

describe('launchApp', () => {
  it('finds the repository root from inside it', () => {
    expect(findRepoRoot(__dirname)).toBe(repo);
    expect(findRepoRoot('/')).toBeNull();
  });

  it('fails with UNAVAILABLE and points to `lathe serve` when the Electron binary is missing (as on this machine)', () => {
    // Here, electron's dist/ was never downloaded.
    expect(electronBinaryPath(repo, {})).toBeNull();
    const r = launchApp('/some/folder', { env: {} });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('UNAVAILABLE');
    expect(r.message).toBe(ELECTRON_MISSING_MESSAGE);
    expect(r.message).toContain('lathe serve <folder>');
  });

  it('never loads the electron package (whose index.js would try to download the binary)', async () => {
    const source = await readFile(join(__dirname, 'open-app.ts'), 'utf8');
    expect(source).not.toMatch(/from ['"]electron['"]|require\(['"]electron['"]\)|import\(['"]electron['"]\)/);
  });

  it('fails when path.txt points at a binary that is not there', async () => {
    const root = await fakeInstall({ binary: false, built: true });
    const { calls, spawn } = fakeSpawn();
    const r = launchApp('/p', { repoRoot: root, env: {}, spawn });
    expect(r.ok === false && r.code).toBe('UNAVAILABLE');
    expect(calls).toHaveLength(0);
  });

  it('fails when the app is not built', async () => {
    const root = await fakeInstall({ binary: true, built: false });
    const r = launchApp('/p', { repoRoot: root, env: {}, spawn: fakeSpawn().spawn });
    expect(r.ok === false && r.message).toContain('npm run build');
  });

  it('spawns the binary detached on out/main/main.js and the folder', async () => {
    const root = await fakeInstall({ binary: true, built: true });
    const { calls, spawn } = fakeSpawn();
    const r = launchApp('/work/project', { repoRoot: root, env: { PATH: '/bin', ELECTRON_RUN_AS_NODE: '1' }, spawn });
    expect(r.ok).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.command).toBe(join(root, 'node_modules', 'electron', 'dist', 'electron'));
    expect(calls[0]?.args).toEqual([join(root, 'out', 'main', 'main.js'), '/work/project']);
    expect(calls[0]?.options).toMatchObject({ detached: true, stdio: 'ignore' });
    expect(calls[0]?.options.env).toEqual({ PATH: '/bin' });

    launchApp(undefined, { repoRoot: root, env: {}, spawn });
    expect(calls[1]?.args).toEqual([join(root, 'out', 'main', 'main.js')]);
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron does', async () => {
    const root = await fakeInstall({ binary: false, built: true });
    const dist = await mkdtemp(join(tmpdir(), 'lathe-dist-'));
    temps.push(dist);
    await writeFile(join(dist, 'electron'), '');
    expect(electronBinaryPath(root, { ELECTRON_OVERRIDE_DIST_PATH: dist })).toBe(join(dist, 'electron'));
  });
});
