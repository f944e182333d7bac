/**
 * Key chords as strings ("ctrl+shift+p"), the same format as keybindings.json. Pure.
 */
const MODIFIER_ORDER = ['ctrl', 'shift', 'alt', 'meta'] as const;

const KEY_NAMES: Record<string, string> = {
  ' ': 'space',
  arrowup: 'up',
  arrowdown: 'down',
  arrowleft: 'left',
  arrowright: 'right',
  esc: 'escape',
  del: 'delete',
};

/** Punctuation keys by physical position (US layout names, as keybindings are written): Shift+` is "~". */
const PUNCTUATION_CODES: Record<string, string> = {
  Backquote: '`',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
};

export interface KeyLike {
  readonly key: string;
  readonly code?: string;
  readonly ctrlKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
  readonly metaKey: boolean;
}

/** Normalise a chord typed by a user ("Ctrl+Shift+P", "cmd+p") into canonical order and names. */
export function normalizeChord(chord: string): string {
  const parts = chord.toLowerCase().split('+').map((p) => p.trim());
  const key = parts.pop() ?? '';
  const mods = new Set(parts.map((m) => (m === 'cmd' ? 'meta' : m)));
  return [...MODIFIER_ORDER.filter((m) => mods.has(m)), KEY_NAMES[key] ?? key].join('+');
}

/** The chord of a keyboard event, or null for a bare modifier press. */
export function chordOf(e: KeyLike): string | null {
  let key = e.key.toLowerCase();
  if (['control', 'shift', 'alt', 'meta', 'os'].includes(key)) return null;
  // With Shift or Alt, `key` may be another character ("!" or "π"); the physical key is more stable.
  if (e.code?.startsWith('Key')) key = e.code.slice(3).toLowerCase();
  else if (e.code?.startsWith('Digit')) key = e.code.slice(5);
  else if ((e.shiftKey || e.altKey) && e.code && e.code in PUNCTUATION_CODES) key = PUNCTUATION_CODES[e.code]!;
  key = KEY_NAMES[key] ?? key;
  const mods = [e.ctrlKey && 'ctrl', e.shiftKey && 'shift', e.altKey && 'alt', e.metaKey && 'meta'].filter(Boolean);
  return [...mods, key].join('+');
}

/** A chord for display: "Ctrl+Shift+P". */
export function formatChord(chord: string): string {
  return chord
    .split('+')
    .map((p) => (p.length === 1 ? p.toUpperCase() : p[0]!.toUpperCase() + p.slice(1)))
    .join('+');
}
