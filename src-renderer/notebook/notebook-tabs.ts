/**
 * Which tabs are notebooks, and the door to the notebook documents' module. This file is in the entry
 * chunk and stays tiny: the notebook documents (and, further, the notebook editor with Monaco cells,
 * markdown, KaTeX and DOMPurify) load on the first `.ipynb` opened.
 */
import type { ComponentType } from 'react';
import { create } from 'zustand';
import type { NotebookFile } from '../../src-main/common/contract';
import type { Result } from '../../src-main/common/result';

/**
 * What the editor's documents need of the notebook documents (notebook-docs.ts implements it). Declared
 * here, on the light side, so that nothing in the entry chunk imports the notebook modules, not even
 * their types: they import the editor's documents, never the other way round.
 */
export interface NotebookDocs {
  open(path: string, reading?: Promise<Result<NotebookFile>>): Promise<{ ok: true } | { ok: false; message: string }>;
  save(path: string): Promise<boolean>;
  isDirty(path: string): boolean;
  paths(): string[];
  close(path: string, options: { discard: boolean }): Promise<void>;
  closeAll(): void;
  reload(path: string, force?: boolean): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

/** The notebook editor component (NotebookEditor.tsx). */
type NotebookEditor = ComponentType<{ path: string }>;

export function isNotebookPath(path: string): boolean {
  return !path.startsWith('user:') && path.toLowerCase().endsWith('.ipynb');
}

/** Notebooks the user chose to open as text ("Open as text" on a broken notebook), until their tab closes. */
export const useAsText = create<{ paths: ReadonlySet<string> }>(() => ({ paths: new Set<string>() }));

export function setAsText(path: string, asText: boolean): void {
  useAsText.setState((s) => {
    const paths = new Set(s.paths);
    if (asText) paths.add(path);
    else paths.delete(path);
    return { paths };
  });
}

/** Whether the tab for `path` is (or will be) a notebook editor rather than a text editor. */
export function isNotebookTab(path: string | null): boolean {
  return path !== null && isNotebookPath(path) && !useAsText.getState().paths.has(path);
}

let loaded: NotebookDocs | null = null;
let loading: Promise<NotebookDocs> | null = null;
let editor: NotebookEditor | null = null;

/** Loads the notebook modules: registered by the entry (main.tsx), so that the editor's documents, which
 * ask this file about notebooks, never import the notebook modules that import them back. */
export type NotebookModulesLoader = () => Promise<{ docs: NotebookDocs; editor: NotebookEditor }>;
let loader: NotebookModulesLoader | null = null;

export function registerNotebookModules(load: NotebookModulesLoader): void {
  loader = load;
}

/**
 * The notebook documents, loading their module on first use. The editor's chunk (and its CSS) comes in
 * parallel: it is needed as soon as the notebook is read.
 */
export function notebookDocs(): Promise<NotebookDocs> {
  if (!loader) throw new Error('registerNotebookModules() was not called at start-up');
  loading ??= loader().then((m) => {
    editor = m.editor;
    return (loaded = m.docs);
  });
  return loading;
}

/**
 * The notebook editor component, once loaded (a notebook tab stops loading only after it has). Not
 * React.lazy: a lazy component suspends on its first render even when its module is there, and React
 * then holds the content back for its fallback throttle (300 ms).
 */
export function loadedNotebookEditor(): NotebookEditor | null {
  return editor;
}

/** The notebook documents if their module has loaded (no notebook was ever opened otherwise). */
export function loadedNotebookDocs(): NotebookDocs | null {
  return loaded;
}

/** Give the active notebook's cell list the keyboard once it is on screen (it loads lazily). */
export function focusNotebook(path: string, deadline = Date.now() + 10_000): void {
  const list = document.querySelector<HTMLElement>(`[data-testid="notebook-editor"][data-path="${CSS.escape(path)}"] [data-testid="notebook-cells"]`);
  if (list) list.focus();
  else if (Date.now() < deadline) requestAnimationFrame(() => focusNotebook(path, deadline));
}

/**
 * The first time a page lays out text in a font and size, Chromium asks its browser process how to
 * render that font (a synchronous round trip to fontconfig on Linux, which can take 100 ms and more on a
 * busy machine). A notebook's first paint needs several new ones (code and prompts in the monospace font,
 * markdown text and headings): when the project has notebooks, lay a sample out once while the page is
 * idle, so that opening the first notebook doesn't wait for them.
 */
export function warmNotebookFonts(): void {
  if (typeof document === 'undefined' || document.getElementById('lathe-font-warmup')) return;
  const box = document.createElement('div');
  box.id = 'lathe-font-warmup';
  box.setAttribute('aria-hidden', 'true');
  box.style.cssText = 'position:absolute;left:-10000px;top:0;width:600px;visibility:hidden;contain:strict;height:0;overflow:hidden';
  const sample = (css: string, html: string) => `<div style="${css}">${html}</div>`;
  box.innerHTML = [
    sample('font-family:var(--font-mono);font-size:13px', 'import math <b>x</b>'),
    sample('font-family:var(--font-mono);font-size:12px', '[1] out <b>x</b>'),
    sample('font-family:var(--font-ui);font-size:14px', 'text <b>bold</b> <i>italic</i> <code style="font-family:var(--font-mono);font-size:0.88em">code</code>'),
    sample('font-family:var(--font-ui);font-size:11px', '✓ 12 ms'),
    ...[1.75, 1.4, 1.18].map((em) => sample(`font-family:var(--font-ui);font-size:${14 * em}px;font-weight:600`, 'Heading')),
  ].join('');
  document.body.append(box);
  void box.offsetHeight;
  box.remove();
}

/** Warm the notebook fonts once the explorer shows a notebook at the project's root (see above). */
export function warmFontsWhenNotebooksShow(subscribe: (listener: () => void) => () => void, hasNotebook: () => boolean): void {
  const off = subscribe(() => {
    if (!hasNotebook()) return;
    off();
    const idle = (window as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
    if (idle) idle(warmNotebookFonts, { timeout: 3000 });
    else setTimeout(warmNotebookFonts, 500);
  });
}
