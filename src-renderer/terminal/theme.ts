/**
 * The terminal's colours come from the workbench theme's CSS variables (ui/styles.css, `--term-*` and
 * `--ansi-*`), so light and dark are defined in one place with the rest of the look.
 */
import type { ITheme } from '@xterm/xterm';

const ANSI = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;
const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export function terminalTheme(root: Element = document.documentElement): ITheme {
  const style = getComputedStyle(root);
  const v = (name: string) => style.getPropertyValue(name).trim() || undefined;
  const theme: Record<string, string | undefined> = {
    background: v('--term-bg'),
    foreground: v('--term-fg'),
    cursor: v('--term-cursor'),
    cursorAccent: v('--term-bg'),
    selectionBackground: v('--term-selection'),
    selectionInactiveBackground: v('--term-selection-inactive'),
    scrollbarSliderBackground: v('--term-scrollbar'),
    scrollbarSliderHoverBackground: v('--term-scrollbar-hover'),
    scrollbarSliderActiveBackground: v('--term-scrollbar-hover'),
  };
  for (const name of ANSI) {
    theme[name] = v(`--ansi-${name}`);
    theme[`bright${capital(name)}`] = v(`--ansi-bright-${name}`);
  }
  return Object.fromEntries(Object.entries(theme).filter(([, value]) => value !== undefined)) as ITheme;
}

/** Search highlights (the search addon wants #RRGGBB). */
export function searchColors(dark: boolean) {
  return dark
    ? { matchBackground: '#5a4a1a', activeMatchBackground: '#8a6a10', matchOverviewRuler: '#e0b050', activeMatchColorOverviewRuler: '#ffd070' }
    : { matchBackground: '#fde9a8', activeMatchBackground: '#f5c542', matchOverviewRuler: '#c89400', activeMatchColorOverviewRuler: '#9a6700' };
}
