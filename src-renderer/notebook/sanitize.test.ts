// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { cleanInlineStyle, cleanStyleSheet, sanitizeHtml } from './sanitize';

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
    expect(cleanInlineStyle('color: red; position : fixed; top: 0')).toBe('color: red; position: static; top: 0');
    expect(cleanStyleSheet('@import "x.css"; .a{position:sticky}')).toBe(' .a{position: static}');
  });
});
