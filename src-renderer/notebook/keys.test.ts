import { describe, expect, it } from 'vitest';
import { commandModeKey } from './keys';

/** Feed chords in order, as the notebook does (the pending key carried over). */
function press(...chords: string[]) {
  let pending: string | null = null;
  const actions: (string | null)[] = [];
  for (const chord of chords) {
    const r = commandModeKey(chord, pending);
    pending = r.pending;
    actions.push(r.action);
  }
  return { actions, pending };
}

describe('command mode keys', () => {
  it('maps Jupyter single keys', () => {
    expect(press('a', 'b', 'm', 'y', 'r', 'z', 'enter', 'o').actions).toEqual(['insertAbove', 'insertBelow', 'toMarkdown', 'toCode', 'toRaw', 'undoDelete', 'edit', 'toggleOutput']);
    expect(press('up', 'k', 'down', 'j').actions).toEqual(['selectPrevious', 'selectPrevious', 'selectNext', 'selectNext']);
    expect(press('alt+up', 'alt+down', 'home', 'end').actions).toEqual(['moveUp', 'moveDown', 'selectFirst', 'selectLast']);
  });

  it('needs D twice to delete (I I interrupts, 0 0 restarts)', () => {
    expect(press('d').actions).toEqual([null]);
    expect(press('d').pending).toBe('d');
    expect(press('d', 'd').actions).toEqual([null, 'delete']);
    expect(press('d', 'd').pending).toBeNull();
    expect(press('i', 'i').actions).toEqual([null, 'interrupt']);
    expect(press('0', '0').actions).toEqual([null, 'restart']);
  });

  it('forgets the first key when another comes between', () => {
    expect(press('d', 'j', 'd').actions).toEqual([null, 'selectNext', null]);
    expect(press('d', 'i', 'd').actions).toEqual([null, null, null]);
    expect(press('d', 'x', 'd').actions).toEqual([null, null, null]);
  });

  it('leaves other keys alone (typing, workbench chords)', () => {
    for (const chord of ['x', 'shift+enter', 'ctrl+s', 'ctrl+enter', 'ctrl+shift+p', 'shift+a', 'f1']) {
      expect(commandModeKey(chord, null)).toEqual({ action: null, pending: null, handled: false });
    }
    expect(commandModeKey('a', null).handled).toBe(true);
  });
});
