/**
 * Command mode's keys, as in Jupyter. Pure: a chord (as `chordOf` writes it) and the pending first key of
 * a two-key command (DD, II, 00) in, an action and the new pending key out.
 *
 * Run keys (Shift+Enter, Ctrl+Enter, Alt+Enter), Ctrl+Shift+Up/Down and Ctrl+S are workbench commands
 * (they work in edit mode too, and are in the command palette); these are the plain keys that only mean
 * something while a cell, not its editor, has the keyboard.
 */
export type CommandModeAction =
  | 'insertAbove'
  | 'insertBelow'
  | 'delete'
  | 'undoDelete'
  | 'toCode'
  | 'toMarkdown'
  | 'toRaw'
  | 'selectPrevious'
  | 'selectNext'
  | 'selectFirst'
  | 'selectLast'
  | 'edit'
  | 'moveUp'
  | 'moveDown'
  | 'toggleOutput'
  | 'interrupt'
  | 'restart';

const SINGLE: Record<string, CommandModeAction> = {
  a: 'insertAbove',
  b: 'insertBelow',
  z: 'undoDelete',
  y: 'toCode',
  m: 'toMarkdown',
  r: 'toRaw',
  up: 'selectPrevious',
  k: 'selectPrevious',
  down: 'selectNext',
  j: 'selectNext',
  home: 'selectFirst',
  'ctrl+home': 'selectFirst',
  end: 'selectLast',
  'ctrl+end': 'selectLast',
  enter: 'edit',
  'alt+up': 'moveUp',
  'alt+down': 'moveDown',
  o: 'toggleOutput',
};

/** Pressed twice in a row. */
const DOUBLE: Record<string, CommandModeAction> = { d: 'delete', i: 'interrupt', '0': 'restart' };

export interface KeyResult {
  /** What to do, if the chord completed a command. */
  readonly action: CommandModeAction | null;
  /** The first key of a two-key command, waiting for its second. */
  readonly pending: string | null;
  /** Whether the key was the notebook's (the event should not go further). */
  readonly handled: boolean;
}

export function commandModeKey(chord: string, pending: string | null): KeyResult {
  if (chord in DOUBLE) {
    if (pending === chord) return { action: DOUBLE[chord]!, pending: null, handled: true };
    return { action: null, pending: chord, handled: true };
  }
  const action = SINGLE[chord];
  if (action) return { action, pending: null, handled: true };
  return { action: null, pending: null, handled: false };
}

/** How long the first key of DD, II or 00 waits for the second. */
export const DOUBLE_KEY_MS = 1000;
