/** Load Monaco once, lazily, so the workbench paints before the editor's weight arrives. */
import type { Monaco } from './monaco-setup';

let loading: Promise<Monaco> | null = null;
let loaded: Monaco | null = null;

export function loadMonaco(): Promise<Monaco> {
  loading ??= import('./monaco-setup').then((m) => (loaded = m.monaco));
  return loading;
}

/** Monaco if it has loaded, else null (for code that can do without it). */
export function monacoIfLoaded(): Monaco | null {
  return loaded;
}
