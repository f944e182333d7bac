// @vitest-environment jsdom
import { beforeAll, describe, expect, it } from 'vitest';
import { fenceLanguage, renderMarkdown } from './markdown';
import { katexLoaded, latexToHtml, loadKatex, mayHaveMath } from './math';

describe('markdown', () => {
  it('renders GitHub-flavoured markdown, sanitised', () => {
    const html = renderMarkdown('# Title\n\n*a* **b** `c`\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n<img src=x onerror=alert(1)> [l](javascript:alert(2))');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<em>a</em>');
    expect(html).toContain('<table>');
    expect(html).not.toMatch(/onerror|javascript:/);
  });

  it('shows math as its source until KaTeX has loaded', () => {
    if (katexLoaded()) return;
    expect(renderMarkdown('Euler: $e^{i\\pi}$')).toContain('nb-math-source');
  });

  it('images from the cell attachments become data URLs; others fetch nothing', () => {
    const html = renderMarkdown('![plot](attachment:p.png) ![x](https://example.com/x.png)', { 'p.png': { 'image/png': 'iVBORw0KGgo=' } });
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(html).not.toContain('example.com');
  });

  it('names the Monaco language of a fenced block', () => {
    const known = new Set(['python', 'shell', 'javascript']);
    expect(fenceLanguage('language-py', known)).toBe('python');
    expect(fenceLanguage('language-bash', known)).toBe('shell');
    expect(fenceLanguage('language-cobol', known)).toBeNull();
    expect(fenceLanguage('', known)).toBeNull();
  });

  it('knows text that may hold math', () => {
    expect(mayHaveMath('cost $5')).toBe(true);
    expect(mayHaveMath('\\begin{align}x\\end{align}')).toBe(true);
    expect(mayHaveMath('plain')).toBe(false);
  });
});

describe('math with KaTeX', () => {
  beforeAll(async () => {
    await loadKatex();
  });

  it('renders inline and display math, and leaves prices alone', () => {
    const html = renderMarkdown('Inline $x^2$ and\n\n$$\\int_0^1 x\\,dx$$\n\nPrices $5 and $10.');
    expect(html).toContain('class="katex"');
    expect(html).toContain('katex-display');
    expect(html).toContain('Prices $5 and $10.');
  });

  it('renders \\( \\), \\[ \\] and environments; emphasis never breaks math', () => {
    const html = renderMarkdown('\\(a_1 * b_2 * c\\)\n\n\\begin{align}a &= b\\\\ c &= d\\end{align}');
    expect(html).not.toContain('<em>');
    expect(html.match(/class="katex"/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses \\href and shows errors instead of throwing', () => {
    const html = renderMarkdown('$\\href{javascript:alert(1)}{x}$ and $\\frac{1$');
    // \href is shown as (red) text, never made a link.
    expect(html).not.toMatch(/<a\b|href=/);
    expect(html).toContain('katex-error');
  });

  it('renders text/latex outputs', () => {
    expect(latexToHtml('$$\\alpha$$')).toContain('katex-display');
    expect(latexToHtml('\\begin{equation}E=mc^2\\end{equation}')).toContain('katex');
  });
});
