/**
 * Markdown cells and `text/markdown` outputs: marked (GitHub-flavoured), math as Jupyter writes it
 * (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`, bare `\begin{…}` environments) through KaTeX, images from the
 * cell's attachments, then DOMPurify. Code blocks are coloured afterwards by Monaco (`colorizeCodeBlocks`).
 */
import { Marked, type Tokens, type TokenizerAndRendererExtension } from 'marked';
import type { NbMimeBundle } from '../../src-main/common/notebook/nbformat';
import { renderTex } from './math';
import { sanitizeHtml } from './sanitize';

interface MathToken extends Tokens.Generic {
  readonly type: 'mathBlock' | 'mathInline';
  readonly text: string;
  readonly display: boolean;
}

const BLOCK_MATH = /^(?:\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|(\\begin\{([a-zA-Z*]+)\}[\s\S]+?\\end\{\4\}))[ \t]*(?:\n+|$)/;
const INLINE_DISPLAY = /^\$\$([\s\S]+?)\$\$/;
// Pandoc's rule: no space just inside the dollars, and no digit right after the closing one ("$5 and $10").
const INLINE = /^\$(?![\s$])((?:\\.|[^\\$\n]|\n(?!\n))+?)(?<!\s)\$(?!\d)/;
const INLINE_PAREN = /^\\\(([\s\S]+?)\\\)/;

const math: TokenizerAndRendererExtension[] = [
  {
    name: 'mathBlock',
    level: 'block',
    start: (src: string) => src.match(/\$\$|\\\[|\\begin\{/)?.index,
    tokenizer(src: string): MathToken | undefined {
      const m = BLOCK_MATH.exec(src);
      if (!m) return undefined;
      return { type: 'mathBlock', raw: m[0], text: (m[1] ?? m[2] ?? m[3] ?? '').trim(), display: true };
    },
    renderer: (token) => `<div class="nb-math-display">${renderTex((token as MathToken).text, true)}</div>\n`,
  },
  {
    name: 'mathInline',
    level: 'inline',
    start: (src: string) => src.match(/\$|\\\(/)?.index,
    tokenizer(src: string): MathToken | undefined {
      const display = INLINE_DISPLAY.exec(src);
      if (display) return { type: 'mathInline', raw: display[0], text: display[1]!.trim(), display: true };
      const m = INLINE.exec(src) ?? INLINE_PAREN.exec(src);
      if (!m) return undefined;
      return { type: 'mathInline', raw: m[0], text: m[1]!, display: false };
    },
    renderer: (token) => renderTex((token as MathToken).text, (token as MathToken).display),
  },
];

const marked = new Marked({ gfm: true, breaks: false, extensions: math });

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'];

/** `attachment:name` → a data URL of the attachment's image, or '' when there is none. */
function attachmentUrl(name: string, attachments: Readonly<Record<string, NbMimeBundle>> | undefined): string {
  const bundle = attachments?.[decodeURIComponent(name)];
  if (!bundle) return '';
  for (const type of IMAGE_TYPES) {
    const data = bundle[type];
    const text = Array.isArray(data) ? data.join('') : data;
    if (typeof text !== 'string') continue;
    if (type === 'image/svg+xml') return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
    return `data:${type};base64,${text.replace(/\s+/g, '')}`;
  }
  return '';
}

/** Markdown → sanitised HTML. */
export function renderMarkdown(source: string, attachments?: Readonly<Record<string, NbMimeBundle>>): string {
  const tokens = marked.lexer(source);
  marked.walkTokens(tokens, (token) => {
    if (token.type === 'image' && token.href.startsWith('attachment:')) token.href = attachmentUrl(token.href.slice('attachment:'.length), attachments);
  });
  return sanitizeHtml(marked.parser(tokens), 'markdown');
}

const LANGUAGE_ALIASES: Record<string, string> = {
  py: 'python',
  python3: 'python',
  ipython: 'python',
  ipython3: 'python',
  js: 'javascript',
  ts: 'typescript',
  sh: 'shell',
  bash: 'shell',
  zsh: 'shell',
  console: 'shell',
  yml: 'yaml',
  md: 'markdown',
  'c++': 'cpp',
};

/** The Monaco language of a fenced block's `language-xxx` class, if Monaco knows it. */
export function fenceLanguage(className: string, known: ReadonlySet<string>): string | null {
  const m = /(?:^|\s)language-([\w+#.-]+)/.exec(className);
  if (!m) return null;
  const name = m[1]!.toLowerCase();
  const id = LANGUAGE_ALIASES[name] ?? name;
  return known.has(id) ? id : null;
}
