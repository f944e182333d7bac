/**
 * What a notebook shows from its content (HTML and SVG outputs, rendered markdown) goes through DOMPurify
 * first. Notebooks come from anywhere: opening one must never run its code or let it dress up as Lathe.
 *
 * - No scripts: <script>, event-handler attributes and javascript: URLs are removed (and the page's
 *   Content-Security-Policy would block them anyway: `script-src 'self'`).
 * - No forms, inputs, iframes, objects, embeds, <base>, <link>, <meta>.
 * - Nothing fetched from elsewhere: images, SVG <image>/<use> and media keep only data:, blob: and
 *   in-document (#) URLs. Links to http(s) and mailto open outside the app (a new window, which Electron
 *   hands to the OS browser); other links lose their href.
 * - Nor by CSS: a declaration of a style attribute or style sheet that could fetch (`url()` other than
 *   data: or #fragment, `image-set()`, `image()`, `src()`, `cross-fade()`, `@import`), read with CSS
 *   escapes decoded (`\75rl(`, `@\69mport`), is dropped, as is an SVG presentation attribute (fill,
 *   filter, mask, clip-path, marker…) that does. If anything that fetches is left after that, the whole
 *   attribute or sheet goes.
 * - No escaping its box: `position: fixed` and `sticky` are neutralised in style attributes and style
 *   sheets. HTML outputs are rendered in a shadow root inside a box with `contain: content`
 *   (see Outputs.tsx), so their style sheets apply only to themselves and nothing they draw can cover the
 *   app: containment makes the box the containing block of anything positioned and clips it. (The box is
 *   not the shadow host: a sheet's `:host` rules could undo the host's own containment.) Markdown is
 *   rendered into the page itself, so it may not have <style> at all, and its ids are prefixed.
 */
import DOMPurify, { type Config } from 'dompurify';

export type SanitizeKind = 'output' | 'markdown';

const FORBID_TAGS = [
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'option',
  'optgroup',
  'base',
  'link',
  'meta',
  'noscript',
  'portal',
  'dialog',
  'foreignobject',
];

const FORBID_ATTR = ['action', 'formaction', 'srcdoc', 'ping', 'http-equiv', 'autofocus', 'srcset', 'background', 'target', 'form'];

/** Attributes holding a URL that the browser fetches or navigates to by itself. */
const FETCHING = new Set(['src', 'href', 'xlink:href', 'poster', 'data', 'codebase', 'dynsrc', 'lowsrc', 'manifest', 'formaction', 'action']);

const POSITION_ESCAPE = /position\s*:\s*(fixed|sticky)\b/gi;

/** CSS text with its escapes decoded (`\75rl(` is `url(`), to read it as the browser will. */
function decodeCssEscapes(css: string): string {
  return css.replace(/\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\([^\n])/g, (_, hex: string | undefined, char: string | undefined) => {
    if (hex === undefined) return char ?? '';
    const code = parseInt(hex, 16);
    return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
  });
}

/** CSS functions that load an image or a resource from a URL or a string. */
const FETCHING_FUNCTION = /(?<![\w-])(?:-webkit-)?(?:image-set|image|cross-fade|src)\(/;

/**
 * Whether CSS text could make the browser fetch something: `@import`, a fetching function, or `url()` of
 * anything but a data: URL or an in-document #fragment. Read with escapes decoded, so it errs on the side
 * of "yes" (a url( inside a string counts too).
 */
export function cssFetches(css: string): boolean {
  const plain = decodeCssEscapes(css).toLowerCase();
  if (plain.includes('@import') || FETCHING_FUNCTION.test(plain)) return true;
  for (const m of plain.matchAll(/url\(\s*['"]?\s*/g)) {
    if (!/^(data:|#)/.test(plain.slice(m.index + m[0].length))) return true;
  }
  return false;
}

/**
 * CSS text cut at each `;`, `{` and `}` outside strings, comments and (), [] blocks, as the CSS parser
 * ends declarations and rules: each piece with the character that ended it ('' for the last).
 */
function cssPieces(css: string): { text: string; end: string }[] {
  const pieces: { text: string; end: string }[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < css.length) {
    const c = css[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '/' && css[i + 1] === '*') {
      const close = css.indexOf('*/', i + 2);
      i = close < 0 ? css.length : close + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < css.length && css[i] !== c && css[i] !== '\n') i += css[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (depth === 0 && (c === ';' || c === '{' || c === '}')) {
      pieces.push({ text: css.slice(start, i), end: c });
      start = i + 1;
    }
    i++;
  }
  pieces.push({ text: css.slice(start), end: '' });
  return pieces;
}

/** A declaration (or at-statement) made harmless: '' when it could fetch, `position: static` for an escape. */
function cleanDeclaration(text: string): string {
  if (cssFetches(text)) return '';
  const position = /^\s*position\s*:(.*)$/is.exec(decodeCssEscapes(text));
  if (position && /fixed|sticky|var\(|env\(|attr\(/i.test(position[1]!)) return `${/^\s*/.exec(text)![0]}position: static`;
  return text.replace(POSITION_ESCAPE, 'position: static');
}

/**
 * CSS made harmless piece by piece: declarations and at-statements that could fetch are dropped (with
 * their `;`), positions that could leave the box are neutralised; rule preludes (before `{`) are kept.
 * Whatever still could fetch afterwards (the pieces were cut differently than the browser would) drops it all.
 * For style attributes and <style> sheets alike.
 */
export function cleanCss(css: string): string {
  let out = '';
  for (const { text, end } of cssPieces(css)) {
    if (end === '{') {
      out += text + end;
      continue;
    }
    const clean = cleanDeclaration(text);
    out += clean === '' && text.trim() !== '' && end === ';' ? '' : clean + end;
  }
  return cssFetches(out) ? '' : out;
}

/** SVG presentation attributes that take a url() (an external document's paint server, filter, mask…). */
const CSS_URL_ATTRS = new Set(['fill', 'stroke', 'filter', 'mask', 'clip-path', 'marker', 'marker-start', 'marker-mid', 'marker-end', 'cursor']);

const purify = DOMPurify(window);

purify.addHook('uponSanitizeElement', (node, data) => {
  if (data.tagName === 'style' && node.textContent) node.textContent = cleanCss(node.textContent);
});

purify.addHook('uponSanitizeAttribute', (node, data) => {
  const name = data.attrName;
  if (name === 'style') {
    data.attrValue = cleanCss(data.attrValue);
    return;
  }
  if (CSS_URL_ATTRS.has(name)) {
    if (cssFetches(data.attrValue)) data.keepAttr = false;
    return;
  }
  if (!FETCHING.has(name)) return;
  const tag = node.nodeName.toLowerCase();
  const value = data.attrValue.trim();
  if (tag === 'a' && name === 'href') {
    if (!/^(https?:|mailto:|#)/i.test(value)) data.keepAttr = false;
    return;
  }
  if (!/^(data:|blob:|#)/i.test(value)) data.keepAttr = false;
});

purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.nodeName.toLowerCase() !== 'a') return;
  const href = node.getAttribute('href');
  if (href !== null && /^(https?:|mailto:)/i.test(href.trim())) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

const CONFIGS: Record<SanitizeKind, Config> = {
  output: { FORBID_TAGS, FORBID_ATTR, FORCE_BODY: true, ALLOW_UNKNOWN_PROTOCOLS: false },
  markdown: { FORBID_TAGS: [...FORBID_TAGS, 'style'], FORBID_ATTR, FORCE_BODY: true, ALLOW_UNKNOWN_PROTOCOLS: false, SANITIZE_NAMED_PROPS: true },
};

/** HTML that is safe to put into the page (markdown) or into an output's shadow root. */
export function sanitizeHtml(html: string, kind: SanitizeKind): string {
  return purify.sanitize(html, { ...CONFIGS[kind], RETURN_TRUSTED_TYPE: false }) as string;
}
