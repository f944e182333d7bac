/** Load Monaco once, lazily, so the workbench paints before the editor's weight arrives. */
import type { Monaco } from './monaco-setup';

let loading: Promise<Monaco> | null = null;

export function loadMonaco(): Promise<Monaco> {
  loading ??= import('./monaco-setup').then((m) => m.monaco);
  return loading;
}
