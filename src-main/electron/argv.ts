import { isAbsolute, resolve } from 'node:path';

/**
 * The folder to open from the app's command line, resolved against `cwd`; undefined when there is none.
 *   dev / `lathe <folder>`:  electron out/main/main.js <folder>   (process.defaultApp is true)
 *   packaged:                Lathe <folder>
 * Switches (Chromium's, macOS's -psn_…) are skipped.
 */
export function folderFromArgv(argv: readonly string[], opts: { defaultApp: boolean; cwd: string }): string | undefined {
  const args = argv.slice(opts.defaultApp ? 2 : 1);
  const folder = args.find((a) => a !== '' && !a.startsWith('-'));
  if (folder === undefined) return undefined;
  return isAbsolute(folder) ? folder : resolve(opts.cwd, folder);
}

/** The folder a second instance passed through `requestSingleInstanceLock({ folder })`. */
export function folderFromInstanceData(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const folder = (data as { folder?: unknown }).folder;
  return typeof folder === 'string' && folder !== '' ? folder : undefined;
}
