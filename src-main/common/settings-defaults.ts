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
}

export const DEFAULT_SETTINGS: Settings = {
  'workbench.theme': 'system',
  'files.exclude': DEFAULT_EXCLUDES,
  'editor.fontSize': 13,
  'editor.tabSize': 4,
  'editor.wordWrap': 'off',
  'editor.minimap': false,
  'editor.fontFamily': "'JetBrains Mono', 'Fira Code', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
};

export interface Keybinding {
  readonly key: string;
  /** A command id; prefix with '-' to remove that command's default binding. */
  readonly command: string;
}
