/**
 * Hostile notebooks, counted (issue 8): outputs and markdown carrying scripts, event handlers, javascript:
 * links, frames, forms, SVG with script, CSS that fetches or tries to cover the app, mutation-XSS classics,
 * script-only MIME types, and huge images. Every payload is opened, scrolled to, hovered and clicked, and
 * tries to leave a trace:
 * - run code: `window.__pwned.push(id)` and `alert(id)`;
 * - fetch: `/__pwned/<id>/…` on the server's own origin (which the page's CSP allows) or
 *   `http://example.invalid/<id>/…` (which it does not: a CSP violation is counted as a leak as well, since
 *   the sanitiser should have removed it first);
 * - cover the app: elementFromPoint at points of the activity bar, tabs, side bar, bottom panel, status bar,
 *   the notebook's toolbar and the other cells' prompts must land there, not in notebook content.
 * The detectors are tested first (a canary for each). The test prints one count line and asserts all zeros.
 */
import { deflateSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { expect, shot, test } from './fixtures';

test.setTimeout(600_000);

type JsonObject = Record<string, unknown>;

// --- payloads ------------------------------------------------------------------------------------------------

/** What an executing payload does: leave its id in `window.__pwned`, and open a dialog. */
const js = (id: string) => `__pwned.push('${id}');alert('${id}')`;
/** A URL on the server's own origin that nothing may fetch. */
const own = (id: string, what: string) => `/__pwned/${id}/${what}`;
/** A URL elsewhere that nothing may fetch. */
const far = (id: string, what: string) => `http://example.invalid/${id}/${what}`;
const GIF = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
const svgUse = (id: string) =>
  `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg"><g id="x"><script>parent.${js(id)}</script><image href="${own(id, 'use-image')}"/></g></svg>`)}#x`;

type HtmlPayload = readonly [name: string, html: (id: string) => string];

/** Each is shown twice: as a text/html output (shadow root) and as raw HTML in a markdown cell (the page). */
const HTML_PAYLOADS: readonly HtmlPayload[] = [
  // scripts
  ['script', (id) => `<script>${js(id)}</script>`],
  ['script-src', (id) => `<script src="${own(id, 'script')}"></script><script src="${far(id, 'script')}"></script>`],
  ['script-split', (id) => `<SCRIPT>${js(id)}</SCRIPT><scr<script>ipt>${js(id)}</scr</script>ipt>`],
  // event handlers
  ['img-onerror', (id) => `<img src="x" onerror="${js(id)}">`],
  ['img-onerror-slash', (id) => `<img/src/onerror=${js(id)}>`],
  ['img-onload', (id) => `<img src="${GIF}" onload="${js(id)}">`],
  ['svg-onload', (id) => `<svg onload="${js(id)}" width="20" height="20"><circle r="5" cx="10" cy="10"/></svg>`],
  ['body-onload', (id) => `<body onload="${js(id)}" onpageshow="${js(id)}" onhashchange="${js(id)}">`],
  ['details-ontoggle', (id) => `<details open ontoggle="${js(id)}"><summary>s</summary>d</details>`],
  [
    'mouse-handlers',
    (id) =>
      `<div class="hostile-click" onmouseover="${js(id)}" onmouseenter="${js(id)}" onclick="${js(id)}" onpointerdown="${js(id)}" style="padding: 12px; border: 1px dashed">hover and click me</div>`,
  ],
  ['focus-handlers', (id) => `<div tabindex="0" autofocus onfocus="${js(id)}" onfocusin="${js(id)}">focus</div><a href="#" autofocus onfocus="${js(id)}">f</a>`],
  [
    'animation-handlers',
    (id) =>
      `<style>@keyframes hk { from { opacity: 0.5 } to { opacity: 1 } }</style><div style="animation: hk 10ms" onanimationstart="${js(id)}" onanimationend="${js(id)}" ontransitionend="${js(id)}">animated</div>`,
  ],
  ['media-onerror', (id) => `<video src="x" onerror="${js(id)}"></video><audio src="x" onerror="${js(id)}"></audio><video><source src="x" onerror="${js(id)}"></video>`],
  ['marquee-onstart', (id) => `<marquee onstart="${js(id)}">m</marquee>`],
  [
    'svg-animation-handlers',
    (id) => `<svg width="20" height="20"><animate onbegin="${js(id)}" attributeName="x" dur="1s"/><set attributeName="onmouseover" to="${js(id)}"/><rect width="20" height="20" class="hostile-click"/></svg>`,
  ],
  // links
  ['js-link', (id) => `<a class="hostile-click" href="javascript:${js(id)}">js link</a>`],
  ['js-link-entities', (id) => `<a class="hostile-click" href="&#106;ava&#x73;cript&#58;${js(id)}">entity link</a>`],
  ['js-link-whitespace', (id) => `<a class="hostile-click" href=" jav&#x09;ascr&#x0A;ipt:${js(id)}">tab link</a> <a class="hostile-click" href="JaVaScRiPt:${js(id)}">case link</a>`],
  ['vbscript-link', (id) => `<a class="hostile-click" href="vbscript:msgbox('${id}')">vbscript link</a>`],
  ['data-html-link', (id) => `<a class="hostile-click" href="data:text/html,<script>opener.${js(id)}</script>">data link</a>`],
  ['relative-links', (id) => `<a class="hostile-click" href="${own(id, 'link')}">relative link</a> <a class="hostile-click" href="//example.invalid/${id}/protocol-relative">protocol-relative link</a>`],
  [
    'image-map',
    (id) =>
      `<img src="${GIF}" usemap="#hm" width="40" height="40"><map name="hm"><area class="hostile-click" shape="rect" coords="0,0,20,40" href="javascript:${js(id)}"><area class="hostile-click" shape="rect" coords="20,0,40,40" href="data:text/html,<script>opener.${js(id)}</script>"></map>`,
  ],
  [
    'svg-js-links',
    (id) =>
      `<svg width="160" height="30"><a xlink:href="javascript:${js(id)}"><text x="5" y="20" class="hostile-click">svg xlink</text></a><a href="javascript:${js(id)}"><text x="90" y="20" class="hostile-click">svg href</text></a></svg>`,
  ],
  [
    'svg-animated-href',
    (id) =>
      `<svg width="160" height="30"><a><animate attributeName="href" values="javascript:${js(id)}"/><set attributeName="href" to="javascript:${js(id)}"/><text x="5" y="20" class="hostile-click">animated link</text></a></svg>`,
  ],
  [
    'mathml-href',
    (id) =>
      `<math href="javascript:${js(id)}"><mi class="hostile-click" href="javascript:${js(id)}">x</mi><maction actiontype="statusline" xlink:href="javascript:${js(id)}"><mtext class="hostile-click">m</mtext><mtext>s</mtext></maction></math>`,
  ],
  ['ping', (id) => `<a class="hostile-click" href="#ping" ping="${own(id, 'ping')}">ping link</a>`],
  // frames, objects, forms
  ['iframes', (id) => `<iframe src="${own(id, 'iframe')}"></iframe><iframe src="javascript:parent.${js(id)}"></iframe><iframe srcdoc="<script>parent.${js(id)}</script>"></iframe>`],
  [
    'object-embed',
    (id) =>
      `<object data="${own(id, 'object')}"></object><object type="text/html" data="data:text/html,<script>parent.${js(id)}</script>"></object><embed src="${own(id, 'embed')}"><embed src="javascript:${js(id)}">`,
  ],
  [
    'forms',
    (id) =>
      `<form action="${own(id, 'form')}"><input name="q" value="x"><input type="submit" class="hostile-click" value="submit"></form><form action="javascript:${js(id)}"><button class="hostile-click">go</button></form>`,
  ],
  ['button-formaction', (id) => `<button class="hostile-click" formaction="javascript:${js(id)}">formaction</button><input type="image" src="${own(id, 'input-image')}">`],
  // document-level elements
  ['meta-refresh', (id) => `<meta http-equiv="refresh" content="0;url=${own(id, 'meta-refresh')}"><meta http-equiv="refresh" content="0;url=javascript:${js(id)}">`],
  ['base-href', (id) => `<base href="http://example.invalid/${id}/base/"><a class="hostile-click" href="relative">based link</a><img src="based.png">`],
  [
    'link-elements',
    (id) =>
      `<link rel="stylesheet" href="${own(id, 'stylesheet')}"><link rel="preload" as="image" href="${own(id, 'preload')}"><link rel="prefetch" href="${own(id, 'prefetch')}"><link rel="icon" href="${own(id, 'icon')}">`,
  ],
  // SVG
  ['svg-script', (id) => `<svg><script>${js(id)}</script><script href="${own(id, 'svg-script')}"></script><script xlink:href="${far(id, 'svg-script')}"></script></svg>`],
  [
    'svg-foreignobject',
    (id) => `<svg width="100" height="40"><foreignObject width="100" height="40"><img src="x" onerror="${js(id)}"><iframe src="${own(id, 'fo-iframe')}"></iframe><div>fo</div></foreignObject></svg>`,
  ],
  [
    'svg-references',
    (id) =>
      `<svg width="40" height="40"><image href="${own(id, 'image')}" width="10" height="10"/><use href="${own(id, 'use')}#x"/><use href="${svgUse(id)}"/><filter id="hf"><feImage href="${own(id, 'feimage')}"/></filter><rect width="10" height="10" filter="url(#hf)"/></svg>`,
  ],
  [
    'svg-presentation-urls',
    (id) =>
      `<svg width="40" height="40"><rect width="40" height="40" fill="url(${own(id, 'fill')}#p)" filter="url(${own(id, 'filter')}#f)" mask="url(${own(id, 'mask')}#m)" clip-path="url(${own(id, 'clip')}#c)" marker-start="url(${own(id, 'marker')}#k)" cursor="url(${own(id, 'cursor')}), auto"/></svg>`,
  ],
  [
    'svg-presentation-escaped',
    (id) =>
      `<svg width="40" height="40"><rect width="40" height="40" fill="\\75rl(${own(id, 'fill-escaped')}#p)" stroke="URL('${own(id, 'stroke')}#p')" filter="u\\72l(${own(id, 'filter-escaped')}#f)"/></svg>`,
  ],
  [
    'svg-more-references',
    (id) =>
      `<svg width="40" height="40"><linearGradient id="hg" href="${own(id, 'gradient')}#g"/><rect width="10" height="10" fill="url(#hg)"><animateMotion dur="1s"><mpath href="${own(id, 'mpath')}#p"/></animateMotion></rect><text><textPath href="${own(id, 'textpath')}#p">t</textPath><tref xlink:href="${own(id, 'tref')}#t"/></text><animateTransform attributeName="transform" type="scale" from="1" to="40" dur="1s"/></svg>`,
  ],
  ['svg-style', (id) => `<svg width="20" height="20"><style>@import url("${own(id, 'svg-import')}"); rect { fill: url(${own(id, 'svg-style-fill')}#p) }</style><rect width="20" height="20"/></svg>`],
  // CSS that fetches
  ['css-import', (id) => `<style>@import url("${own(id, 'import')}"); @import "${far(id, 'import')}"; @import url(${own(id, 'import-unquoted')}) screen;</style>`],
  ['css-import-escaped', (id) => `<style>@\\69mport url("${own(id, 'import-escaped')}"); @IMPORT url(${own(id, 'import-upper')});</style>`],
  [
    'css-url-sheet',
    (id) =>
      `<style>.hb { background: url(${own(id, 'sheet-bg')}) } .hb::before { content: url(${own(id, 'sheet-content')}) } .hb { list-style-image: url("${own(id, 'sheet-list')}") }</style><ul class="hb"><li>sheet urls</li></ul>`,
  ],
  [
    'css-sheet-tricks',
    (id) =>
      `<style>.ht1 { content: "/*" } .ht1 { background: url(${own(id, 'after-comment-in-string')}) } .ht1 { content: "*/" } .ht2 { content: "\\"};" ; background: url(${own(id, 'after-escaped-quote')}) } @media screen { .ht3 { background: URL(${own(id, 'in-media')}) } } @layer x { @\\000069mport url(${own(id, 'import-6-digit')}); } @font-face { font-family: hf2; src: local(Arial), url(${own(id, 'font-list')}) } .ht4 { background: url(${GIF}) }</style><div class="ht1 ht2 ht3 ht4" style="font-family: hf2; height: 10px">tricks</div>`,
  ],
  ['css-font-face', (id) => `<style>@font-face { font-family: hf; src: url(${own(id, 'font')}) } .hf { font-family: hf }</style><span class="hf">font</span>`],
  [
    'css-url-inline',
    (id) =>
      `<div style="background-image: url('${own(id, 'inline-bg')}'); height: 10px">bg</div><div style="border: 5px solid; border-image: url(${own(id, 'border')}) 30; mask-image: url(${own(id, 'mask')}); cursor: url(${own(id, 'cursor')}), auto">more</div><ul style="list-style-image: url(${own(id, 'list')})"><li>li</li></ul>`,
  ],
  [
    'css-url-escaped',
    (id) => `<div style="background-image: \\75rl(${own(id, 'inline-escaped')}); height: 10px">esc</div><div style="background: u\\72l(${own(id, 'inline-escaped2')}); height: 10px">esc2</div>`,
  ],
  [
    'css-image-set',
    (id) =>
      `<div style="background-image: image-set('${own(id, 'image-set')}' 1x); height: 10px">set</div><div style="background-image: -webkit-image-set(url(${own(id, 'webkit-image-set')}) 1x); height: 10px">wset</div>`,
  ],
  ['css-var-url', (id) => `<div style="--hu: url(${own(id, 'var')}); background-image: var(--hu); height: 10px">var</div>`],
  ['css-remote', (id) => `<div style="background: url(${far(id, 'inline-remote')}); height: 10px">remote</div><style>.hr { background: url(${far(id, 'sheet-remote')}) }</style><div class="hr">r</div>`],
  ['css-legacy', (id) => `<div style="width: expression(${js(id)}); behavior: url(${own(id, 'htc')}); -moz-binding: url(${own(id, 'xbl')}); background: url(javascript:${js(id)})">legacy</div>`],
  // other fetching elements
  ['img-remote', (id) => `<img src="${far(id, 'img')}"><img src="${own(id, 'img')}"><img src="//example.invalid/${id}/img-protocol-relative">`],
  ['img-srcset', (id) => `<img srcset="${own(id, 'srcset')} 1x, ${far(id, 'srcset')} 2x"><picture><source srcset="${own(id, 'picture')}"><img src="${GIF}" alt="p"></picture>`],
  ['media-sources', (id) => `<video poster="${own(id, 'poster')}" src="${own(id, 'video')}"><track src="${own(id, 'track')}"></video><audio src="${own(id, 'audio')}"></audio>`],
  ['background-attr', (id) => `<table background="${own(id, 'table-bg')}"><tr><td background="${own(id, 'td-bg')}">cell</td></tr></table>`],
  // CSS that tries to cover the app
  ['overlay-fixed', (id) => `<div style="position: fixed; inset: 0; z-index: 2147483647; background: rgba(255, 0, 0, 0.5)">FIXED OVERLAY ${id}</div>`],
  [
    'overlay-fixed-escaped',
    () =>
      `<div style="position: f\\69xed; top: 0; left: 0; width: 100vw; height: 100vh; z-index: 2147483647; background: rgba(0, 160, 0, 0.5)">ESCAPED FIXED</div><div style="position:/**/fixed; top: 0; left: 0; width: 100vw; height: 100vh; z-index: 2147483647">COMMENT FIXED</div>`,
  ],
  [
    'overlay-absolute',
    () => `<div style="position: absolute; top: -3000px; left: -3000px; width: 9000px; height: 9000px; z-index: 2147483647; background: rgba(0, 0, 255, 0.4)">ABSOLUTE OVERLAY</div>`,
  ],
  ['overlay-transform', () => `<div style="transform: translate(-40vw, -60vh) scale(30); background: rgba(255, 128, 0, 0.5); z-index: 2147483647; position: relative">TRANSFORM</div>`],
  ['overlay-margins', () => `<div style="margin: -2000px 0 0 -2000px; width: 6000px; height: 4000px; background: rgba(128, 0, 128, 0.4); position: relative; z-index: 2147483647">MARGINS</div>`],
  ['overlay-outline', () => `<div style="outline: 3000px solid rgba(0, 128, 128, 0.5); box-shadow: 0 0 0 3000px rgba(0, 128, 128, 0.5)">OUTLINE</div>`],
  [
    'overlay-sheet',
    () =>
      `<style>* { position: fixed !important; inset: 0 !important; z-index: 2147483647 !important } body, html, .workbench, .activity-bar, .status-bar { display: none !important }</style><div>SHEET OVERLAY</div>`,
  ],
  [
    'overlay-host',
    () =>
      `<style>:host { contain: none !important; overflow: visible !important; max-height: none !important; position: f\\69xed !important; inset: 0 !important; z-index: 2147483647 !important; background: rgba(255, 0, 255, 0.5) !important }</style>HOST FIXED`,
  ],
  [
    'overlay-host-var',
    () =>
      `<style>:host { --hp: fixed; contain: none !important; overflow: visible !important; max-height: none !important; position: var(--hp) !important; inset: 0 !important; z-index: 2147483647 !important; background: rgba(0, 255, 255, 0.5) !important }</style>HOST VAR`,
  ],
  [
    'overlay-host-absolute',
    () =>
      `<style>:host { contain: none !important; overflow: visible !important; max-height: none !important; position: absolute !important; top: -2000px !important; left: -2000px !important; width: 6000px !important; height: 6000px !important; z-index: 2147483647 !important; background: rgba(255, 255, 0, 0.5) !important }</style>HOST ABSOLUTE`,
  ],
  [
    'overlay-popover',
    () =>
      `<div popover="manual" id="hpop" style="inset: 0; width: 100vw; height: 100vh">POPOVER</div><button class="hostile-click" popovertarget="hpop">open popover</button><dialog open style="position: fixed; inset: 0">DIALOG</dialog>`,
  ],
  // mutation XSS and parser tricks
  ['mxss-noscript', (id) => `<noscript><p title="</noscript><img src=x onerror=${js(id)}>"></noscript>`],
  ['mxss-math-style', (id) => `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=${js(id)}&gt;">`],
  ['mxss-form-math', (id) => `<form><math><mtext></form><form><mglyph><style></math><img src onerror=${js(id)}>`],
  ['mxss-svg-p', (id) => `<svg></p><style><a id="</style><img src=1 onerror=${js(id)}>">`],
  ['mxss-comments', (id) => `<!--><img src=x onerror=${js(id)}>--><!--!><img src=x onerror=${js(id)}>-->`],
  ['templates', (id) => `<template><img src=x onerror=${js(id)}></template><template shadowrootmode="open"><img src=x onerror=${js(id)}><style>:host { position: fixed; inset: 0 }</style></template>`],
  [
    'raw-text-elements',
    (id) =>
      `<textarea><img src=x onerror=${js(id)}></textarea><title><img src=x onerror=${js(id)}></title><xmp><img src=x onerror=${js(id)}></xmp><select><template><style><img src=x onerror=${js(id)}></style></template></select>`,
  ],
  ['svg-cdata', (id) => `<svg><![CDATA[><img src=x onerror=${js(id)}>]]></svg>`],
  ['dom-clobbering', () => `<img name="__clobber"><form id="__clobber"></form><a id="__clobber" name="__clobber">c</a><img name="getElementById"><div id="__pwned">x</div>`],
];

/** Markdown syntax; each is shown as a markdown cell and as a text/markdown output. */
const MARKDOWN_PAYLOADS: readonly HtmlPayload[] = [
  ['md-js-links', (id) => `[js link](javascript:${js(id)}) [upper](JAVASCRIPT:${js(id)}) [entity](&#x6A;avascript:${js(id)}) [colon](javascript&#58;${js(id)})`],
  ['md-autolinks', (id) => `<javascript:${js(id)}> <vbscript:msgbox(1)> <data:text/html,<script>alert(1)</script>>`],
  ['md-reference-links', (id) => `[ref link][r] and [ref2]\n\n[r]: javascript:${js(id)}\n[ref2]: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==`],
  ['md-images', (id) => `![js](javascript:${js(id)}) ![own](${own(id, 'md-img')}) ![far](${far(id, 'md-img')}) ![ref][i]\n\n[i]: ${own(id, 'md-ref-img')}`],
  ['md-image-title', (id) => `![x](${GIF} "a\\" onerror=\\"${js(id)}") ![y](x" onerror="${js(id)})`],
  ['md-relative-links', (id) => `[relative](${own(id, 'md-link')}) [data](data:text/html,<script>alert(1)</script>) [vb](vbscript:msgbox(1))`],
  [
    'md-katex',
    (id) =>
      `$\\href{javascript:${js(id)}}{href}$ $\\url{javascript:${js(id)}}$ $\\includegraphics{${own(id, 'katex-img')}}$ $\\htmlStyle{position: fixed; inset: 0; background: red}{styled}$ $\\htmlId{__clobber}{id}$`,
  ],
  ['md-katex-overlay', () => `$$\\kern{-50em}\\rule{100em}{60em}$$\n\n$\\raisebox{40em}{RAISED}$ $\\hspace{-80em}\\text{LEFT}$`],
  ['md-attachments', () => `![png](attachment:evil.png) ![svg](attachment:evil.svg) ![quote](attachment:%22onerror=%22x)`],
  ['md-fences', (id) => '```"><img src=x onerror=' + js(id) + '>\ncode\n```\n\n```python\n<img src=x onerror=' + js(id) + '>\n```'],
  ['md-escaped-html', (id) => `&lt;img src=x onerror=${js(id)}&gt; \\<script\\>${js(id)}\\</script\\>`],
];

/** Attachments of the markdown cells (used by md-attachments): images that would run code if they were pages. */
const mdAttachments = (id: string): JsonObject => ({
  'evil.png': { 'image/png': `iVBORw0KGgo" onerror="${js(id)}` },
  'evil.svg': { 'image/svg+xml': `<svg xmlns="http://www.w3.org/2000/svg" onload="${js(id)}"><script>${js(id)}</script><image href="${own(id, 'attachment-image')}"/></svg>` },
  '"onerror="x': { 'image/png': 'AAAA' },
});

const display = (data: JsonObject, metadata: JsonObject = {}): JsonObject => ({ output_type: 'display_data', data, metadata });

interface MimePayload {
  readonly name: string;
  readonly outputs: (id: string) => readonly JsonObject[];
  /** Text the rendered cell shows (so the payload was really rendered), or a selector found in it. */
  readonly shows: { text: string } | { selector: string };
}

/** One placement each: rich outputs whose MIME type asks for scripts, images, LaTeX, tracebacks, streams. */
const MIME_PAYLOADS: readonly MimePayload[] = [
  {
    name: 'svg-output',
    outputs: (id) => [
      display({
        'image/svg+xml': `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30" onload="${js(id)}"><script>${js(id)}</script><style>@import url(${own(id, 'svg-output-import')});</style><image href="${own(id, 'svg-output-image')}" width="5" height="5"/><foreignObject width="10" height="10"><iframe xmlns="http://www.w3.org/1999/xhtml" src="${own(id, 'svg-output-iframe')}"></iframe></foreignObject><a href="javascript:${js(id)}"><circle cx="15" cy="15" r="12" fill="green"/></a></svg>`,
        'text/plain': 'svg',
      }),
    ],
    shows: { selector: 'img[src^="data:image/svg+xml"]' },
  },
  {
    name: 'svg-output-huge-size',
    outputs: () => [display({ 'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000" style="position: fixed; inset: 0"><rect width="100%" height="100%" fill="red"/></svg>' })],
    shows: { selector: 'img[src^="data:image/svg+xml"]' },
  },
  { name: 'javascript-only', outputs: (id) => [display({ 'application/javascript': js(id) })], shows: { text: 'No displayable form' } },
  { name: 'javascript-with-text', outputs: (id) => [display({ 'application/javascript': js(id), 'text/plain': `ok-${id}` })], shows: { text: 'ok-' } },
  {
    name: 'widget-view',
    outputs: (id) => [display({ 'application/vnd.jupyter.widget-view+json': { model_id: `<img src=x onerror=${js(id)}>`, version_major: 2, version_minor: 0 }, 'text/plain': `ok-${id}` })],
    shows: { text: 'ok-' },
  },
  {
    name: 'widget-view-only',
    outputs: (id) => [display({ 'application/vnd.jupyter.widget-view+json': { model_id: `<img src=x onerror=${js(id)}>`, '<script>': js(id), version_major: 2, version_minor: 0 } })],
    shows: { text: 'model_id' },
  },
  {
    name: 'plotly',
    outputs: (id) => [display({ 'application/vnd.plotly.v1+json': { data: [], layout: { title: `<img src=x onerror=${js(id)}>` } }, 'text/html': `<div>ok-${id}</div><script>${js(id)}</script>` })],
    shows: { text: 'ok-' },
  },
  {
    name: 'latex',
    outputs: (id) => [
      display({ 'text/latex': `$$\\href{javascript:${js(id)}}{x} \\includegraphics{${own(id, 'latex-img')}} \\htmlStyle{position:fixed;inset:0}{y} \\kern{-80em}\\rule{100em}{50em}$$`, 'text/plain': 'latex' }),
    ],
    shows: { selector: '.nb-latex-output' },
  },
  {
    name: 'traceback',
    outputs: (id) => [
      {
        output_type: 'error',
        ename: `<img src=x onerror=${js(id)}>`,
        evalue: `<script>${js(id)}</script>`,
        traceback: [
          `\u001b[0;31mValueError\u001b[0m: <img src=x onerror=${js(id)}> ok-${id}`,
          `\u001b]8;;javascript:${js(id)}\u0007osc8 link\u001b]8;;\u0007`,
          `\u001b[38;2;255;0;0m"><script>${js(id)}</script>\u001b[0m`,
        ],
      },
    ],
    shows: { text: 'ok-' },
  },
  {
    name: 'streams',
    outputs: (id) => [
      { output_type: 'stream', name: 'stdout', text: `ok-${id}\n<script>${js(id)}</script>\n<img src=x onerror=${js(id)}>\n` },
      { output_type: 'stream', name: 'stderr', text: `\u001b]8;;javascript:${js(id)}\u0007stderr osc8\u001b]8;;\u0007\n` },
    ],
    shows: { text: 'ok-' },
  },
  { name: 'image-metadata', outputs: () => [display({ 'image/gif': GIF.split(',')[1]! }, { 'image/gif': { width: 100000, height: 100000 } })], shows: { selector: 'img[src^="data:image/gif"]' } },
  {
    name: 'image-data-injection',
    outputs: (id) => [display({ 'image/png': `iVBORw0KGgo" onerror="${js(id)}` }), display({ 'image/jpeg': `/9j/"><img src=x onerror=${js(id)}>` })],
    shows: { selector: 'img[src^="data:image/jpeg"]' },
  },
  { name: 'json-output', outputs: (id) => [display({ 'application/json': { html: `<img src=x onerror=${js(id)}>`, [`<script>${js(id)}</script>`]: 1 } })], shows: { text: '<script>' } },
  {
    name: 'html-isolated',
    outputs: (id) => [display({ 'text/html': `<div>ok-${id}</div><script>${js(id)}</script><img src=x onerror="${js(id)}">` }, { 'text/html': { isolated: true } })],
    shows: { text: 'ok-' },
  },
  { name: 'unknown-mime', outputs: (id) => [display({ 'application/x-evil': `<script>${js(id)}</script>` })], shows: { text: 'No displayable form' } },
];

// --- notebooks -----------------------------------------------------------------------------------------------

type Place = 'html' | 'md' | 'mdout' | 'mime' | 'notebook';

interface Planted {
  readonly id: string;
  readonly place: Place;
  readonly notebook: string;
  /** The cell's index in its notebook. */
  readonly index: number;
  readonly shows: { text: string } | { selector: string };
}

function notebookJson(cells: readonly JsonObject[], metadata: JsonObject = {}): string {
  const nb = {
    cells: cells.map((c, i) => ({ ...c, id: `c${i}`, metadata: {} })),
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' }, ...metadata },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + '\n';
}

const codeCell = (source: string, outputs: readonly unknown[]): JsonObject => ({ cell_type: 'code', execution_count: null, outputs, source });
const markdownCell = (source: string, attachments?: JsonObject): JsonObject => ({ cell_type: 'markdown', source, ...(attachments ? { attachments } : {}) });

const HOSTILE_NAME = `<img src=x onerror=${js('file-name@notebook')}>.ipynb`;

/** The notebooks, written into the project, and what was planted where. */
function plant(write: (rel: string, content: string) => void): { planted: Planted[]; notebooks: string[] } {
  const planted: Planted[] = [];
  const add = (notebook: string, cells: JsonObject[], entries: { name: string; place: Place; cell: (id: string) => JsonObject; shows?: Planted['shows'] }[], metadata?: JsonObject) => {
    for (const e of entries) {
      const id = `${e.name}@${e.place}`;
      planted.push({ id, place: e.place, notebook, index: cells.length, shows: e.shows ?? { text: `ok-${id}` } });
      cells.push(e.cell(id));
    }
    write(notebook, notebookJson(cells, metadata));
  };
  add(
    'hostile-html.ipynb',
    [],
    HTML_PAYLOADS.map(([name, html]) => ({ name, place: 'html', cell: (id) => codeCell(`# ${id}`, [display({ 'text/html': `<p>ok-${id}</p>${html(id)}`, 'text/plain': `plain-${id}` })]) })),
  );
  add(
    'hostile-markdown.ipynb',
    [],
    [
      ...HTML_PAYLOADS.map(([name, html]) => ({ name, place: 'md' as const, cell: (id: string) => markdownCell(`ok-${id}\n\n${html(id)}`) })),
      ...MARKDOWN_PAYLOADS.map(([name, md]) => ({ name, place: 'md' as const, cell: (id: string) => markdownCell(`ok-${id}\n\n${md(id)}`, name === 'md-attachments' ? mdAttachments(id) : undefined) })),
      ...MARKDOWN_PAYLOADS.map(([name, md]) => ({ name, place: 'mdout' as const, cell: (id: string) => codeCell(`# ${id}`, [display({ 'text/markdown': `ok-${id}\n\n${md(id)}`, 'text/plain': 'md' })]) })),
    ],
  );
  // A file name and notebook metadata that are HTML, and the MIME payloads.
  const metaId = 'metadata@notebook';
  planted.push({ id: 'file-name@notebook', place: 'notebook', notebook: HOSTILE_NAME, index: -1, shows: { text: '' } });
  planted.push({ id: metaId, place: 'notebook', notebook: HOSTILE_NAME, index: -1, shows: { text: '' } });
  add(
    HOSTILE_NAME,
    [],
    MIME_PAYLOADS.map((p) => ({ name: p.name, place: 'mime', cell: (id) => codeCell(`# ${id}`, p.outputs(id)), shows: p.shows })),
    {
      kernelspec: { display_name: `<img src=x onerror=${js(metaId)}>`, language: `<script>${js(metaId)}</script>`, name: `"><svg onload=${js(metaId)}>` },
      language_info: { name: `<img src=x onerror=${js(metaId)}>` },
      title: `<script>${js(metaId)}</script>`,
    },
  );
  return { planted, notebooks: [...new Set(planted.map((p) => p.notebook))] };
}

// --- a huge image ----------------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid RGB PNG of width × height, stored without compression (so its size is width × height × 3). */
function bigPng(width: number, height: number): Buffer {
  const stride = 1 + width * 3;
  const raw = Buffer.alloc(height * stride);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const o = y * stride + 1 + x * 3;
      raw[o] = (x * 255) / width;
      raw[o + 1] = (y * 255) / height;
      raw[o + 2] = seed >>> 24;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(raw, { level: 0 })), pngChunk('IEND', Buffer.alloc(0))]);
}

// --- detectors -----------------------------------------------------------------------------------------------

interface Detectors {
  readonly dialogs: string[];
  readonly requests: string[];
  readonly ownRequests: string[];
  readonly navigations: string[];
  readonly popups: string[];
}

/** `window.__pwned` (a frozen binding to one array), and a record of CSP violations, before any notebook opens. */
function installProbes(): void {
  const w = window as unknown as { __pwned?: string[]; __hostileCsp?: () => string[] };
  if (!w.__pwned) Object.defineProperty(window, '__pwned', { value: [], writable: false, configurable: false });
  if (!w.__hostileCsp) {
    const seen: string[] = [];
    window.addEventListener(
      'securitypolicyviolation',
      (e) => {
        const target = e.composedPath()[0];
        const el = target instanceof Element ? target : null;
        // Parsing HTML into an inert document (DOMParser: the sanitiser's first step) makes Chromium report
        // the inline handlers and <base> it meets there, at the page's document, though nothing can run or
        // load in it. In the live DOM the same report names its element. (Both are checked by canaries.)
        const inert = el === null && (e.effectiveDirective === 'script-src-attr' || e.effectiveDirective === 'base-uri');
        const where = el ? ` on <${el.localName}${Array.from(el.attributes, (a) => ` ${a.name}="${a.value.slice(0, 40)}"`).join('')}>` : '';
        // Lathe's own bundle probes whether eval is allowed (zod does, in a try): the CSP says no, as it should.
        const app = e.blockedURI === 'eval' && e.sourceFile.startsWith(`${location.origin}/`);
        seen.push(`${inert ? 'inert: ' : app ? 'app: ' : ''}${e.effectiveDirective} ${e.blockedURI}${where}`.trim());
      },
      true,
    );
    Object.defineProperty(window, '__hostileCsp', { value: () => seen.slice(), writable: false, configurable: false });
  }
}

async function arm(page: Page): Promise<Detectors> {
  const d: Detectors = { dialogs: [], requests: [], ownRequests: [], navigations: [], popups: [] };
  const host = new URL(page.url()).host;
  page.on('dialog', (dialog) => {
    d.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.context().on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    const ownOrigin = url.host === host; // the page's own http:, ws: (or the desktop app's protocol)
    if (!ownOrigin || url.pathname.startsWith('/__pwned/')) d.requests.push(r.url());
    else d.ownRequests.push(url.pathname);
  });
  page.context().on('page', (p) => d.popups.push(p.url()));
  const start = page.url().replace(/#.*$/, '');
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame() && f.url().replace(/#.*$/, '') !== start) d.navigations.push(f.url());
  });
  await page.addInitScript(installProbes);
  await page.evaluate(installProbes);
  return d;
}

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned: string[] }).__pwned.slice());
const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __hostileCsp: () => string[] }).__hostileCsp());
const clobbered = (page: Page) =>
  page.evaluate(() => {
    const found: string[] = [];
    if ('__clobber' in window) found.push('window.__clobber');
    if ((document as unknown as Record<string, unknown>)['__clobber'] !== undefined) found.push('document.__clobber');
    if (typeof document.getElementById !== 'function') found.push('document.getElementById');
    if (!Array.isArray((window as unknown as { __pwned: unknown }).__pwned)) found.push('window.__pwned');
    return found;
  });

/**
 * What covers the app: for each piece of chrome, points at its corners and centre must hit that piece; the
 * centre of each visible cell's prompt must hit its own cell, outside any notebook content.
 */
function overlaysInPage(): string[] {
  const hits: string[] = [];
  const describe = (el: Element | null) => {
    if (!el) return 'nothing';
    const row = el.closest('.nb-row');
    const cls = typeof el.className === 'string' ? el.className : '';
    return `${el.tagName.toLowerCase()}${cls ? '.' + cls.trim().split(/\s+/).join('.') : ''}${row ? ` (cell ${row.getAttribute('data-index')})` : ''}`;
  };
  const chrome: [string, string][] = [
    ['activity bar', '.activity-bar'],
    ['tabs', '.tab-strip'],
    ['side bar', '.side-bar'],
    ['bottom panel', '.panel'],
    ['status bar', '.status-bar'],
    ['notebook toolbar', '.nb-toolbar'],
  ];
  for (const [name, selector] of chrome) {
    const el = document.querySelector(selector);
    if (!el) {
      hits.push(`${name}: not in the page`);
      continue;
    }
    const r = el.getBoundingClientRect();
    const points = [
      [r.left + 3, r.top + 3],
      [r.right - 4, r.top + 3],
      [r.left + 3, r.bottom - 4],
      [r.right - 4, r.bottom - 4],
      [r.left + r.width / 2, r.top + r.height / 2],
    ];
    for (const [x, y] of points) {
      const at = document.elementFromPoint(x!, y!);
      if (!at || !el.contains(at)) hits.push(`${name} at ${Math.round(x!)},${Math.round(y!)}: ${describe(at)}`);
    }
  }
  const scroller = document.querySelector('[data-testid="notebook-cells"]');
  const view = scroller?.getBoundingClientRect();
  for (const row of Array.from(document.querySelectorAll('.nb-row'))) {
    const prompt = row.querySelector('.nb-prompt');
    if (!prompt || !view) continue;
    const r = prompt.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (r.width < 2 || y < view.top + 2 || y > view.bottom - 2) continue;
    const at = document.elementFromPoint(x, y);
    // Lathe's own UI may lie over a prompt at the list's edge (the panel's splitter); content, or another cell, may not.
    const content = at?.closest('.nb-outputs, .nb-markdown, .nb-html-output');
    const otherRow = at?.closest('.nb-row');
    if (content || (otherRow && otherRow !== row)) hits.push(`prompt of cell ${row.getAttribute('data-index')}: ${describe(at)}`);
  }
  return hits;
}

/** What the live DOM under `root` (shadow roots included) holds that the sanitiser should have removed. */
function unsafeDom(row: Element): string[] {
  const found: string[] = [];
  const URL_ATTRS = /^(href|xlink:href|src|action|formaction|data|poster|background|srcset|ping|codebase)$/;
  const fetchingCss = (css: string) => /@import|image-set\(|url\(\s*['"]?\s*(?!data:|#)/i.test(css.replace(/\\/g, ''));
  const walk = (node: ParentNode) => {
    for (const el of Array.from(node.querySelectorAll('*'))) {
      if (el.shadowRoot) walk(el.shadowRoot);
      const tag = el.localName.toLowerCase();
      if (/^(script|iframe|frame|object|embed|applet|form|input|button|base|meta|link|portal|foreignobject|noscript)$/.test(tag)) found.push(`<${tag}>`);
      if (tag === 'style' && fetchingCss(el.textContent ?? '')) found.push(`<style> that fetches`);
      for (const a of Array.from(el.attributes)) {
        if (a.name.startsWith('on')) found.push(`${tag}[${a.name}]`);
        if (URL_ATTRS.test(a.name) && /^\s*(javascript|vbscript|data:text\/html)/i.test(a.value)) found.push(`${tag}[${a.name}=${a.value.slice(0, 30)}]`);
        if (/^(style|fill|stroke|filter|mask|clip-path|marker(-start|-mid|-end)?|cursor)$/.test(a.name) && fetchingCss(a.value)) found.push(`${tag}[${a.name}] that fetches`);
      }
    }
  };
  // The notebook's content only (the app's own buttons are around it), HTML outputs' shadow roots included.
  for (const content of Array.from(row.querySelectorAll('.nb-markdown, .nb-html-host, .nb-text-output, .nb-latex-output, .nb-image-output, .nb-json'))) {
    if (content.shadowRoot) walk(content.shadowRoot);
    walk(content);
  }
  return found;
}

/** The text of an element, shadow roots included. */
function deepText(root: Element): string {
  let text = '';
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) text += node.textContent ?? '';
    if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
    for (const child of Array.from(node.childNodes)) walk(child);
  };
  walk(root);
  return text;
}

// --- the sweep -----------------------------------------------------------------------------------------------

interface Outcome {
  readonly id: string;
  rendered: boolean;
  overlays: string[];
  clicked: number;
  /** What the live DOM of the cell holds that it should not (scripts, handlers, script URLs, frames, fetching CSS). */
  unsafe?: string[];
  ms?: number;
  /** Requests and CSP violations seen while this cell was swept. */
  leaks?: string[];
}

async function openFromExplorer(page: Page, path: string): Promise<void> {
  const row = page.locator(`.tree-row[data-path="${path}"]`);
  await row.click();
  await expect(page.locator(`.tab[data-path="${path}"]`)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('notebook-editor')).toBeVisible();
}

/** Select cell `index` (command mode, ArrowDown from the one before), so it is rendered and on screen. */
async function selectCell(page: Page, index: number): Promise<void> {
  const list = page.getByTestId('notebook-cells');
  const target = page.locator(`.nb-row[data-index="${index}"] [data-testid="notebook-cell"]`);
  const selected = () => page.evaluate((i) => document.querySelector(`.nb-row[data-index="${i}"] [data-testid="notebook-cell"]`)?.getAttribute('aria-selected') === 'true', index);
  if (await selected()) return;
  for (let tries = 0; tries < 3; tries++) {
    await list.focus();
    await page.keyboard.press(index === 0 ? 'Home' : 'ArrowDown');
    try {
      await expect.poll(selected, { timeout: 5_000, intervals: [20, 50, 100] }).toBe(true);
      return;
    } catch {
      // The keyboard went elsewhere: click the target's prompt if it is there.
      if ((await target.count()) > 0) await target.locator('.nb-prompt').click();
    }
  }
  await expect(target).toHaveAttribute('aria-selected', 'true');
}

/** In the page: wait (up to 10 s) for cell `index` to show what it must, and keep its link-like elements for clicking. */
async function prepareInPage({ index, shows }: { index: number; shows: Planted['shows'] }) {
  const row = () => document.querySelector(`.nb-row[data-index="${index}"]`);
  const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
  const deadline = performance.now() + 10_000;
  let rendered = false;
  while (!rendered && performance.now() < deadline) {
    const el = row();
    rendered = el !== null && ('text' in shows ? deepTextIn(el).includes(shows.text) : el.querySelector(shows.selector) !== null);
    if (!rendered) await frame();
  }
  const el = row();
  const content = el?.querySelector('.nb-outputs, .nb-markdown') ?? el;
  const targets: Element[] = [];
  const walk = (root: ParentNode) => {
    for (const e of Array.from(root.querySelectorAll('*'))) {
      if (e.shadowRoot) walk(e.shadowRoot);
      const href = e.getAttribute('href') ?? e.getAttribute('xlink:href') ?? '';
      const linkish = /^(a|area)$/i.test(e.localName) || e.classList.contains('hostile-click');
      if (linkish && !/^\s*(https?:|mailto:)/i.test(href)) targets.push(e);
    }
  };
  if (content) walk(content);
  (window as unknown as { __hostileTargets: Element[] }).__hostileTargets = targets;
  const box = content?.getBoundingClientRect();
  return { rendered, targets: targets.length, hover: box ? { x: box.left + box.width / 2, y: box.top + Math.min(box.height / 2, 200) } : null };
}

/** In the page: target `k` scrolled into view, and its centre (null when it has no box, as an <area>). */
function targetPoint(k: number): { x: number; y: number } | null {
  const e = (window as unknown as { __hostileTargets: Element[] }).__hostileTargets[k]!;
  e.scrollIntoView({ block: 'center' });
  const r = e.getBoundingClientRect();
  return r.width > 1 && r.height > 1 ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : null;
}

/** In the page: click the targets without a box, let handlers and loads fire, put the cell back on screen, and look. */
async function finishInPage({ index, synthetic }: { index: number; synthetic: number[] }) {
  const w = window as unknown as { __hostileTargets?: Element[] };
  for (const k of synthetic) w.__hostileTargets![k]!.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
  delete w.__hostileTargets;
  await new Promise((r) => setTimeout(r, 60));
  const row = document.querySelector(`.nb-row[data-index="${index}"]`);
  row?.scrollIntoView({ block: 'nearest' });
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null))));
  return { overlays: overlaysIn(), unsafe: row ? unsafeDomIn(row) : ['the cell is gone'] };
}

async function sweepCell(page: Page, p: Planted): Promise<Outcome> {
  await selectCell(page, p.index);
  const prepared = await page.evaluate(prepareInPage, { index: p.index, shows: p.shows });
  const outcome: Outcome = { id: p.id, rendered: prepared.rendered, overlays: [], clicked: 0 };
  // Hover the outputs, then click everything that looks like a link or asks to be clicked (not http(s)
  // links, which open outside by design): real clicks where there is a box, synthetic ones elsewhere (<area>).
  if (prepared.hover) await page.mouse.move(prepared.hover.x, prepared.hover.y);
  const synthetic: number[] = [];
  for (let k = 0; k < prepared.targets; k++) {
    const point = await page.evaluate(targetPoint, k);
    if (point) await page.mouse.click(point.x, point.y);
    else synthetic.push(k);
    outcome.clicked++;
  }
  const seen = await page.evaluate(finishInPage, { index: p.index, synthetic });
  outcome.overlays = seen.overlays;
  outcome.unsafe = seen.unsafe;
  return outcome;
}

// page.evaluate serialises functions: the helpers they call are made globals of the page once.
declare function deepTextIn(el: Element): string;
declare function overlaysIn(): string[];
declare function unsafeDomIn(root: Element): string[];

test('hostile notebooks: nothing executes, nothing is fetched, nothing covers the app (counted)', async ({ lathe }) => {
  const { page } = lathe;
  const started = Date.now();
  const { planted, notebooks } = plant((rel, content) => lathe.write(rel, content));

  // The huge image: a valid 2,300 × 2,000 PNG stored uncompressed, 13.8 MB (18.4 MB of base64), under the
  // 20 MB editing limit; and a notebook over the limit (30 MB of base64), which must be refused, not hang.
  const png = bigPng(2300, 2000);
  const pngBase64 = png.toString('base64');
  const bigHtml = `<p>ok-huge-html@huge</p><script>${js('huge-html@huge')}</script><img src=x onerror="${js('huge-html@huge')}"><div style="position: fixed; inset: 0; background: rgba(255,0,0,.5)">HUGE OVERLAY</div><table>${'<tr><td>1</td><td>2</td><td>3</td></tr>'.repeat(60_000)}</table>`;
  lathe.write(
    'hostile-huge.ipynb',
    notebookJson([
      markdownCell('ok-before@huge'),
      codeCell('# huge-png@huge', [display({ 'image/png': pngBase64 + '\n', 'text/plain': '<Figure>' })]),
      codeCell('# huge-html@huge', [display({ 'text/html': bigHtml, 'text/plain': 'html' })]),
      markdownCell('ok-after@huge'),
    ]),
  );
  lathe.write('hostile-oversize.ipynb', notebookJson([codeCell('# oversize@huge', [display({ 'image/png': Buffer.alloc(22_600_000, 7).toString('base64') })])]));

  // Explorer, notebook and the bottom panel (Output: no Python session starts) are on screen.
  await page.locator('.tree-row[data-path="hostile-html.ipynb"]').waitFor();
  await page.keyboard.press('Control+Shift+U');
  await expect(page.locator('.panel')).toBeVisible();
  const d = await arm(page);

  // The detectors work: a dialog, a same-origin /__pwned/ request, a CSP-blocked fetch, a push and an overlay are seen.
  await page.evaluate(() => {
    (window as unknown as { __pwned: string[] }).__pwned.push('canary');
    new DOMParser().parseFromString('<img src="x" onerror="alert(1)">', 'text/html'); // an inert parse: reported apart
    const live = document.createElement('div');
    live.id = 'hostile-canary-handler';
    live.setAttribute('onclick', 'alert(1)'); // a handler in the live DOM: a leak
    document.body.append(live);
    const img = new Image();
    img.src = 'http://example.invalid/canary.png';
    void fetch('/__pwned/canary').catch(() => undefined);
    setTimeout(() => alert('canary'), 0);
  });
  await openFromExplorer(page, 'hostile-html.ipynb');
  await page.evaluate(() => {
    const cover = document.createElement('div');
    cover.id = 'hostile-canary-cover';
    cover.className = 'nb-markdown';
    cover.style.cssText = 'position: fixed; inset: 0; z-index: 2147483647';
    document.body.append(cover);
  });
  await expect.poll(() => d.dialogs.length).toBe(1);
  await expect.poll(() => d.requests.filter((r) => r.endsWith('/__pwned/canary')).length).toBe(1);
  console.log(`[hostile] canary requests seen: ${d.requests.join(', ')}`);
  await expect.poll(() => cspViolations(page).then((v) => v.filter((x) => x.startsWith('img-src http://example.invalid/canary.png')).length)).toBeGreaterThan(0);
  const canaryCsp = await cspViolations(page);
  expect(canaryCsp.filter((x) => x.startsWith('inert: script-src-attr')).length, canaryCsp.join('\n')).toBeGreaterThan(0);
  expect(canaryCsp.filter((x) => x.startsWith('script-src-attr inline on <div') && x.includes('onclick=')).length, canaryCsp.join('\n')).toBeGreaterThan(0);
  expect(await pwned(page)).toEqual(['canary']);
  const canaryOverlays = await page.evaluate(overlaysInPage);
  expect(canaryOverlays.length).toBeGreaterThan(5);
  await page.evaluate(() => {
    document.getElementById('hostile-canary-cover')?.remove();
    document.getElementById('hostile-canary-handler')?.remove();
    (window as unknown as { __pwned: string[] }).__pwned.length = 0;
  });
  const cspBaseline = (await cspViolations(page)).length;
  d.dialogs.length = 0;
  d.requests.length = 0;
  console.log(`[hostile] detectors armed: canary dialog, request, CSP violations (live and inert parse told apart), push and ${canaryOverlays.length} covered points all seen`);
  // The helpers the sweep's page functions use.
  await page.evaluate(`window.deepTextIn = ${deepText.toString()}; window.overlaysIn = ${overlaysInPage.toString()}; window.unsafeDomIn = ${unsafeDom.toString()};`);

  // Every payload, cell by cell.
  const outcomes: Outcome[] = [];
  const shotsOf = new Set(['overlay-host@html', 'overlay-fixed@md', 'md-katex-overlay@md', 'css-url-inline@html', 'svg-output@mime', 'traceback@mime']);
  for (const notebook of notebooks) {
    if (notebook !== 'hostile-html.ipynb') await openFromExplorer(page, notebook);
    for (const p of planted.filter((x) => x.notebook === notebook && x.index >= 0)) {
      const t0 = Date.now();
      const before = { requests: d.requests.length, csp: (await cspViolations(page)).length };
      const o = await sweepCell(page, p);
      o.ms = Date.now() - t0;
      o.leaks = [...d.requests.slice(before.requests), ...(await cspViolations(page)).slice(before.csp).map((v) => `CSP ${v}`)];
      outcomes.push(o);
      if (shotsOf.has(p.id)) await shot(page, `hostile-${p.id.replace('@', '-')}`);
    }
    // The notebook's own name and metadata are shown as text.
    if (notebook === HOSTILE_NAME) {
      await expect(page.locator('.tab', { hasText: '<img src=x onerror=' })).toBeVisible();
      for (const id of ['file-name@notebook', 'metadata@notebook']) outcomes.push({ id, rendered: true, overlays: await page.evaluate(overlaysInPage), clicked: 0 });
    }
  }

  // The huge image opens without holding the page: the longest task while it opens and shows is measured,
  // and the page answers at once afterwards.
  const longest = () => page.evaluate(() => (window as unknown as { __longest: number }).__longest);
  await page.evaluate(() => {
    const w = window as unknown as { __longest: number };
    w.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const hugeBefore = { requests: d.requests.length, csp: (await cspViolations(page)).length };
  const openStart = Date.now();
  await openFromExplorer(page, 'hostile-huge.ipynb');
  await selectCell(page, 1);
  const image = page.locator('.nb-row[data-index="1"] .nb-image-output img');
  await expect(image).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 60_000 }).toBe(2300);
  const imageMs = Date.now() - openStart;
  const probe = Date.now();
  await page.evaluate(() => 0);
  const answerMs = Date.now() - probe;
  const pngLongestMs = await longest();
  const hugePng: Outcome = { id: 'huge-png@huge', rendered: true, overlays: await page.evaluate(overlaysInPage), clicked: 0 };
  await shot(page, 'hostile-huge-png');
  // The 2.3 MB HTML output waits to be asked for; then it renders, sanitised.
  await page.evaluate(() => ((window as unknown as { __longest: number }).__longest = 0));
  await selectCell(page, 2);
  const htmlRow = page.locator('.nb-row[data-index="2"]');
  await expect(htmlRow.locator('.nb-truncated')).toContainText('An HTML output of');
  await htmlRow.getByRole('button', { name: 'Show it' }).click();
  const hugeHtml: Outcome = { id: 'huge-html@huge', rendered: false, overlays: [], clicked: 0 };
  const firstLine = () => htmlRow.evaluate((el) => el.querySelector('.nb-html-host')?.shadowRoot?.querySelector('p')?.textContent ?? null);
  await expect.poll(firstLine, { timeout: 60_000 }).toBe('ok-huge-html@huge');
  hugeHtml.rendered = true;
  await selectCell(page, 2);
  hugeHtml.overlays = await page.evaluate(overlaysInPage);
  const htmlLongestMs = await longest();
  outcomes.push(hugePng, hugeHtml);
  // Over the editing limit: refused with the reason, the page still answers.
  await page.locator('.tree-row[data-path="hostile-oversize.ipynb"]').click();
  await expect(page.locator('.status-message.error')).toContainText(/hostile-oversize\.ipynb.*can't be opened in Lathe yet/, { timeout: 30_000 });
  outcomes.push({ id: 'oversize@huge', rendered: true, overlays: await page.evaluate(overlaysInPage), clicked: 0 });
  hugeHtml.leaks = [...d.requests.slice(hugeBefore.requests), ...(await cspViolations(page)).slice(hugeBefore.csp).map((v) => `CSP ${v}`)];
  console.log(
    `[hostile] huge PNG (${(pngBase64.length / 1e6).toFixed(1)} MB of base64): shown in ${imageMs} ms, longest task ${Math.round(pngLongestMs)} ms, then the page answered in ${answerMs} ms; ` +
      `the ${(bigHtml.length / 1e6).toFixed(1)} MB HTML output, on "Show it": longest task ${Math.round(htmlLongestMs)} ms`,
  );

  // The count.
  await page.waitForTimeout(300);
  const executed = await pwned(page);
  const reports = (await cspViolations(page)).slice(cspBaseline);
  const csp = reports.filter((r) => !r.startsWith('inert: ') && !r.startsWith('app: '));
  const inert = reports.filter((r) => r.startsWith('inert: ')).length;
  const clobbers = await clobbered(page);
  const notRendered = outcomes.filter((o) => !o.rendered).map((o) => o.id);
  const overlaid = outcomes.filter((o) => o.overlays.length > 0);
  const unsafe = outcomes.filter((o) => (o.unsafe ?? []).length > 0);
  const clicks = outcomes.reduce((n, o) => n + o.clicked, 0);
  const notebookCount = notebooks.length + 2;
  const slow = [...outcomes].sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0)).slice(0, 5);
  console.log(`[hostile] slowest cells: ${slow.map((o) => `${o.id} ${o.ms} ms`).join(', ')}`);
  for (const o of overlaid) console.log(`[hostile] overlay by ${o.id}: ${o.overlays.slice(0, 4).join('; ')}${o.overlays.length > 4 ? ` (+${o.overlays.length - 4})` : ''}`);
  for (const o of unsafe) console.log(`[hostile] unsafe DOM of ${o.id}: ${o.unsafe!.join(', ')}`);
  // Leaks are seen while a cell is swept, or while one just below it mounts (the list renders 3 ahead).
  for (const o of outcomes) {
    const leaks = [...new Set((o.leaks ?? []).filter((l) => !l.startsWith('CSP inert: ')))];
    if (leaks.length > 0) console.log(`[hostile] leaks while sweeping ${o.id}: ${leaks.join('; ')}`);
  }
  for (const x of d.dialogs) console.log(`[hostile] dialog: ${x}`);
  if (notRendered.length > 0) console.log(`[hostile] not rendered: ${notRendered.join(', ')}`);
  const ownPaths = [...new Set(d.ownRequests)].filter((p) => !/^\/(assets\/|$|index\.html|favicon)/.test(p));
  if (ownPaths.length > 0) console.log(`[hostile] other same-origin requests (the app's own): ${ownPaths.slice(0, 10).join(', ')}`);
  console.log(
    `[hostile] ${outcomes.length} payloads in ${notebookCount} notebooks (${clicks} clicks): executed ${executed.length}, dialogs ${d.dialogs.length}, requests ${d.requests.length}, ` +
      `csp-blocked ${csp.length}, navigations ${d.navigations.length}, popups ${d.popups.length}, clobbered ${clobbers.length}, unsafe DOM ${unsafe.length}, overlays ${overlaid.length}, ` +
      `not rendered ${notRendered.length} (${inert} CSP reports from the sanitiser's inert parse; ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  await shot(page, 'hostile-end');

  expect(outcomes.length).toBeGreaterThanOrEqual(150);
  expect({
    executed,
    dialogs: d.dialogs,
    requests: d.requests,
    csp,
    navigations: d.navigations,
    popups: d.popups,
    clobbers,
    unsafe: unsafe.map((o) => o.id),
    overlaid: overlaid.map((o) => o.id),
    notRendered,
  }).toEqual({ executed: [], dialogs: [], requests: [], csp: [], navigations: [], popups: [], clobbers: [], unsafe: [], overlaid: [], notRendered: [] });
  // The huge image did not hold the page: it was shown, and the page answered, within seconds.
  expect(imageMs).toBeLessThan(30_000);
  expect(pngLongestMs).toBeLessThan(5_000);
  expect(answerMs).toBeLessThan(2_000);
});
