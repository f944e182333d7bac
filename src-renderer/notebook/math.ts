/**
 * TeX with KaTeX, bundled (fonts and CSS included: nothing comes from a CDN). KaTeX is loaded on first
 * need, apart from the notebook's chunk: most notebooks have no math. Until it has loaded, math shows as
 * its source, and views re-render when `loadKatex()` resolves.
 *
 * `trust: false`: \href, \url, \includegraphics and \html* commands are refused, so math can't make links
 * or fetch anything.
 */
import type katexModule from 'katex';

type Katex = typeof katexModule;

let katex: Katex | null = null;
let loading: Promise<void> | null = null;

export function loadKatex(): Promise<void> {
  loading ??= Promise.all([import('katex'), import('katex/dist/katex.min.css')]).then(([m]) => {
    katex = m.default;
  });
  return loading;
}

export function katexLoaded(): boolean {
  return katex !== null;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** HTML for one formula; its source, escaped, while KaTeX is not loaded. Errors show in red, never throw. */
export function renderTex(tex: string, display: boolean): string {
  if (!katex) return `<span class="nb-math-source">${escapeHtml(display ? `$$${tex}$$` : `$${tex}$`)}</span>`;
  return katex.renderToString(tex, {
    displayMode: display,
    throwOnError: false,
    trust: false,
    strict: 'ignore',
    output: 'htmlAndMathml',
    maxExpand: 1000,
    maxSize: 100,
  });
}

/** A `text/latex` output: `$$…$$`, `$…$`, `\[…\]` or a bare environment, shown as display math. */
export function latexToHtml(text: string): string {
  let tex = text.trim();
  const m = /^\$\$([\s\S]*)\$\$$/.exec(tex) ?? /^\\\[([\s\S]*)\\\]$/.exec(tex) ?? /^\$([\s\S]*)\$$/.exec(tex);
  if (m) tex = m[1]!.trim();
  return renderTex(tex, true);
}

/** Whether text may hold math (so KaTeX is worth loading). */
export function mayHaveMath(text: string): boolean {
  return /\$|\\\(|\\\[|\\begin\{/.test(text);
}
