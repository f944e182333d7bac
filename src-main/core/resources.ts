import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's `resources/` folder (helper scripts Lathe runs, e.g. `resources/python/lathe_probe.py`),
 * absolute. `LATHE_RESOURCES_DIR` overrides it; otherwise it is found by walking up from this module's
 * folder to the first one holding `resources/python`. That works from source (vitest runs
 * src-main/core/resources.ts) and from the build (electron-vite bundles this into out/main/*.js, CommonJS,
 * where `import.meta.url` is rewritten to the bundle's own file URL, as in cli/open-app.ts).
 * Throws when there is none: Lathe's install is incomplete.
 */
export function resourcesDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.LATHE_RESOURCES_DIR;
  if (override) return resolve(override);
  if (found === undefined) found = findResourcesFrom(moduleDir());
  if (found === null) throw new Error(`Lathe's resources folder (resources/python) was not found above ${moduleDir()}`);
  return found;
}

/** The nearest `resources` folder holding `python/` at or above `from`; null if none. */
export function findResourcesFrom(from: string): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'resources', 'python'))) return join(dir, 'resources');
    if (dirname(dir) === dir) return null;
  }
}

let found: string | null | undefined;

function moduleDir(): string {
  return dirname(fileURLToPath(import.meta.url));
}
