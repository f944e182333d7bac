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
 * - No escaping its box: `position: fixed` and `sticky` are neutralised in style attributes and style
 *   sheets. HTML outputs are rendered in a shadow root inside a box with `contain: content`
 *   (see Outputs.tsx), so their style sheets apply only to themselves and nothing they draw can cover the
 *   app: containment makes the box the containing block of anything positioned and clips it. Markdown is
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

/** A style attribute's declarations, with positions that could leave the output's box neutralised. */
export function cleanInlineStyle(css: string): string {
  return css.replace(POSITION_ESCAPE, 'position: static');
}

/** A <style> element's text: no @import (nothing fetched), no fixed or sticky positions. */
export function cleanStyleSheet(css: string): string {
  return css.replace(/@import[^;]*;?/gi, '').replace(POSITION_ESCAPE, 'position: static');
}

const purify = DOMPurify(window);

purify.addHook('uponSanitizeElement', (node, data) => {
  if (data.tagName === 'style' && node.textContent) node.textContent = cleanStyleSheet(node.textContent);
});

purify.addHook('uponSanitizeAttribute', (node, data) => {
  const name = data.attrName;
  if (name === 'style') {
    data.attrValue = cleanInlineStyle(data.attrValue);
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
