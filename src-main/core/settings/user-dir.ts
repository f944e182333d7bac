import os from 'node:os';
import path from 'node:path';

/**
 * Where Lathe keeps the user's settings, keybindings, recent projects and per-project state.
 * `LATHE_USER_DIR` overrides the platform's convention (tests, portable installs, several profiles).
 * Pure: everything it reads is a parameter, so every platform's rule is testable on any platform.
 */
export function defaultUserDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const override = env.LATHE_USER_DIR;
  if (override) return override;
  switch (platform) {
    case 'win32': {
      const appData = env.APPDATA || path.win32.join(home, 'AppData', 'Roaming');
      return path.win32.join(appData, 'Lathe');
    }
    case 'darwin':
      return path.posix.join(home, 'Library', 'Application Support', 'Lathe');
    default: {
      // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
      const xdg = env.XDG_CONFIG_HOME;
      const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.config');
      return path.posix.join(base, 'lathe');
    }
  }
}
