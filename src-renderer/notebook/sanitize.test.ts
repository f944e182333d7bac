// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { cleanCss, cssFetches, sanitizeHtml } from './sanitize';

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src="x" onerror="alert(2)">',
  '<img src="data:image/png;base64,AAAA" onload="alert(3)">',
  '<a href="javascript:alert(4)">js</a>',
  '<a href="  JaVaScRiPt:alert(5)">js2</a>',
  '<a href="https://example.com/docs">docs</a>',
  '<a href="/relative">relative</a>',
  '<iframe src="https://example.com"></iframe>',
  '<form action="https://example.com"><input name="q"><button formaction="https://x">go</button></form>',
  '<object data="x.swf"></object><embed src="x.swf">',
  '<svg><script>alert(6)</script><a xlink:href="javascript:alert(7)"><text>t</text></a><image href="https://example.com/i.png"/></svg>',
  '<div style="position: fixed; top: 0; left: 0; z-index: 9999">overlay</div>',
  '<div style="POSITION:sticky">sticky</div>',
  '<style>@import url(https://example.com/x.css); .a { position: fixed; }</style>',
  '<base href="https://example.com/"><meta http-equiv="refresh" content="0;url=https://example.com"><link rel="stylesheet" href="https://example.com/x.css">',
  '<img src="https://example.com/track.png">',
  '<p id="root" name="getElementById">kept</p>',
].join('\n');

describe('sanitizeHtml', () => {
  const check = (out: string) => {
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(/\son\w+=/i);
    expect(out).not.toMatch(/javascript:/i);
    expect(out).not.toMatch(/<(iframe|form|input|button|object|embed|base|meta|link)\b/i);
    expect(out).not.toMatch(/position:\s*(fixed|sticky)/i);
    expect(out).not.toContain('https://example.com/track.png');
    expect(out).not.toContain('@import');
    expect(out).not.toContain('xlink:href="javascript');
    expect(out).not.toContain('https://example.com/i.png');
    expect(out).toContain('kept');
  };

  it('cleans a hostile HTML output (its style sheet kept, made harmless)', () => {
    const out = sanitizeHtml(HOSTILE, 'output');
    check(out);
    expect(out).toContain('<style>');
    expect(out).toContain('position: static');
    expect(out).toContain('src="data:image/png;base64,AAAA"');
  });

  it('cleans hostile markdown HTML, without any style sheet, and prefixes ids', () => {
    const out = sanitizeHtml(HOSTILE, 'markdown');
    check(out);
    expect(out).not.toContain('<style');
    expect(out).not.toMatch(/id="root"/);
  });

  it('opens web links outside the app and drops other links', () => {
    const doc = new DOMParser().parseFromString(sanitizeHtml(HOSTILE, 'output'), 'text/html');
    const docs = [...doc.querySelectorAll('a')].find((a) => a.textContent === 'docs')!;
    expect(docs.getAttribute('href')).toBe('https://example.com/docs');
    expect(docs.getAttribute('target')).toBe('_blank');
    expect(docs.getAttribute('rel')).toBe('noopener noreferrer');
    const relative = [...doc.querySelectorAll('a')].find((a) => a.textContent === 'relative')!;
    expect(relative.hasAttribute('href')).toBe(false);
  });

  it('keeps ordinary rich output: tables, inline styles, MathML', () => {
    const html = '<table class="dataframe"><thead><tr><th>a</th></tr></thead><tbody><tr><td style="color: red">1</td></tr></tbody></table><math><mi>x</mi></math>';
    const out = sanitizeHtml(html, 'output');
    expect(out).toContain('<table class="dataframe">');
    expect(out).toContain('style="color: red"');
    expect(out).toContain('<math><mi>x</mi></math>');
  });
});

describe('CSS cleaning', () => {
  it('neutralises fixed and sticky positions and @import', () => {
    expect(cleanCss('color: red; position : fixed; top: 0')).toBe('color: red; position: static; top: 0');
    expect(cleanCss('@import "x.css"; .a{position:sticky}')).toBe(' .a{position: static}');
  });
});

describe('CSS that fetches', () => {
  it('sees url(), image-set(), src() and @import, escaped or not, and lets data: and #fragments be', () => {
    for (const css of [
      'background: url(/x.png)',
      "background: URL('https://example.com/x.png')",
      'background: \\75rl(/x)',
      'background: u\\000072l(/x)',
      "background-image: image-set('/x.png' 1x)",
      'background-image: -webkit-image-set(url(/x) 1x)',
      'background: src("/x")',
      '@import "x.css"',
      '@\\69mport url(x.css)',
      '--u: url(/x)',
      'cursor: url(/c.cur), auto',
    ]) {
      expect(cssFetches(css), css).toBe(true);
    }
    for (const css of ['color: red', 'fill: url(#grad)', 'clip-path: url( "#p0" )', 'background: url(data:image/png;base64,AAAA)', 'font-family: "url"']) {
      expect(cssFetches(css), css).toBe(false);
    }
  });

  it('drops only the declarations that fetch, whatever the ; inside data: URLs and strings', () => {
    expect(cleanCss('color: red; background: url(/x.png); width: 10px')).toBe('color: red; width: 10px');
    expect(cleanCss('background: url(data:image/png;base64,AAAA); background-image: \\75rl(/x)')).toBe('background: url(data:image/png;base64,AAAA);');
    expect(cleanCss('content: "a;b"; position: f\\69xed')).toBe('content: "a;b"; position: static');
    expect(cleanCss('--p: fixed; position: var(--p)')).toBe('--p: fixed; position: static');
    expect(cleanCss('.a { content: "/*" } .b { background: url(/x) } .c { content: "*/" }')).toBe('.a { content: "/*" } .b {} .c { content: "*/" }');
    expect(cleanCss('@media screen { .a { color: red; background: url(/x) } } @font-face { font-family: f; src: url(/f.woff) }')).toBe(
      '@media screen { .a { color: red;} } @font-face { font-family: f;}',
    );
    // Cut where the browser would not cut (an unclosed string): nothing that fetches is left, at worst nothing.
    expect(cssFetches(cleanCss('.a { content: "x\\"; background: url(/x) }'))).toBe(false);
  });

  it('removes SVG presentation attributes that reference other documents, and keeps in-document ones', () => {
    const out = sanitizeHtml('<svg><rect fill="url(/x#p)" stroke="url(#g)" filter="\\75rl(/f#f)" mask="url(#m)" clip-path="url(https://example.com/c#c)"/></svg>', 'output');
    expect(out).toContain('stroke="url(#g)"');
    expect(out).toContain('mask="url(#m)"');
    expect(out).not.toMatch(/fill=|filter=|clip-path=/);
  });
});
