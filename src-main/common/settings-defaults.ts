/**
 * Lathe's default settings as plain values, apart from their schema (settings-schema.ts), so the
 * renderer's first paint does not need the validation library: the schema takes its defaults from here.
 */
export const DEFAULT_EXCLUDES = ['.git', 'node_modules', '__pycache__', '.venv', '.DS_Store', '.lathe-tmp-*'];

export type Theme = 'system' | 'light' | 'dark';

export interface Settings {
  /** 'system' follows the OS (prefers-color-scheme). */
  readonly 'workbench.theme': Theme;
  /** Glob patterns (picomatch, matched against each entry's name and project-relative path). */
  readonly 'files.exclude': string[];
  readonly 'editor.fontSize': number;
  readonly 'editor.tabSize': number;
  readonly 'editor.wordWrap': 'off' | 'on';
  readonly 'editor.minimap': boolean;
  readonly 'editor.fontFamily': string;
  /** Gradients panel alerts: a norm under this for `gradients.vanishingSteps` logged steps in a row is vanishing. */
  readonly 'gradients.vanishingNorm': number;
  readonly 'gradients.vanishingSteps': number;
  /** A norm over this is exploding. */
  readonly 'gradients.explodingNorm': number;
  /** A norm this many times the last logged one is a jump. */
  readonly 'gradients.jumpFactor': number;
}

export const DEFAULT_SETTINGS: Settings = {
  'workbench.theme': 'system',
  'files.exclude': DEFAULT_EXCLUDES,
  'editor.fontSize': 13,
  'editor.tabSize': 4,
  'editor.wordWrap': 'off',
  'editor.minimap': false,
  'editor.fontFamily': "'JetBrains Mono', 'Fira Code', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
  'gradients.vanishingNorm': 1e-7,
  'gradients.vanishingSteps': 5,
  'gradients.explodingNorm': 1e3,
  'gradients.jumpFactor': 10,
};

export interface Keybinding {
  readonly key: string;
  /** A command id; prefix with '-' to remove that command's default binding. */
  readonly command: string;
}
