/**
 * `lathe [folder]`: start the Electron app on the built main entry. Runs under plain Node and never
 * requires 'electron' (its index.js downloads the binary when it is missing); it reads the binary's
 * location the way that index.js does: node_modules/electron/path.txt, relative to node_modules/electron/dist.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { err, ok, type Result } from '../common/result';

export const ELECTRON_MISSING_MESSAGE =
  'The Electron binary is not installed on this machine (it is downloaded on first run from a host that may be unreachable). ' +
  'Use `lathe serve <folder>` to open Lathe in a browser.';

export interface LaunchOptions {
  /** The repository (or install) root: holds package.json, node_modules/electron and out/main/main.js. */
  readonly repoRoot?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly spawn?: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
}

/** The nearest folder at or above `from` whose package.json is Lathe's. */
export function findRepoRoot(from: string): string | null {
  let dir = from;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'lathe') return dir;
    } catch {
      // no package.json here, or not JSON: keep looking
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function moduleDir(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/** The Electron executable, or null when it is not installed. */
export function electronBinaryPath(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string | null {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(join(repoRoot, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
  let relative: string | undefined;
  try {
    relative = readFileSync(join(packageDir, 'path.txt'), 'utf8').trim() || undefined;
  } catch {
    relative = undefined;
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative ?? 'electron') : relative ? join(packageDir, 'dist', relative) : null;
  return binary !== null && existsSync(binary) ? binary : null;
}

/** Start Lathe (detached) on `folder`, or on nothing. Fails with UNAVAILABLE when Electron or the build is missing. */
export function launchApp(folder: string | undefined, options: LaunchOptions = {}): Result<ChildProcess> {
  const repoRoot = options.repoRoot ?? findRepoRoot(moduleDir());
  if (repoRoot === null) return err('UNAVAILABLE', 'Cannot find the Lathe installation folder (its package.json).');
  const env = options.env ?? process.env;
  const binary = electronBinaryPath(repoRoot, env);
  if (binary === null) return err('UNAVAILABLE', ELECTRON_MISSING_MESSAGE);
  const entry = join(repoRoot, 'out', 'main', 'main.js');
  if (!existsSync(entry)) return err('UNAVAILABLE', `Lathe is not built (${entry} is missing): run \`npm run build\` first.`);

  const childEnv: NodeJS.ProcessEnv = { ...env };
  delete childEnv.ELECTRON_RUN_AS_NODE; // would make the binary a plain Node
  const child = (options.spawn ?? spawn)(binary, [entry, ...(folder !== undefined ? [folder] : [])], {
    cwd: repoRoot,
    detached: true,
    stdio: 'ignore',
    env: childEnv,
  });
  child.on('error', (e) => console.error(`lathe: could not start ${binary}: ${e.message}`));
  child.unref();
  return ok(child);
}
