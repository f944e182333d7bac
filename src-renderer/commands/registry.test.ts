import { describe, expect, it } from 'vitest';
import { chordOf, formatChord, normalizeChord } from './keys';
import { CommandRegistry } from './registry';

const key = (k: string, code: string, mods: Partial<{ ctrl: boolean; shift: boolean; alt: boolean; meta: boolean }> = {}) => ({
  key: k,
  code,
  ctrlKey: !!mods.ctrl,
  shiftKey: !!mods.shift,
  altKey: !!mods.alt,
  metaKey: !!mods.meta,
});

describe('key chords', () => {
  it('normalises user-typed chords', () => {
    expect(normalizeChord('Shift+Ctrl+P')).toBe('ctrl+shift+p');
    expect(normalizeChord('cmd+s')).toBe('meta+s');
    expect(normalizeChord('ctrl+ArrowUp')).toBe('ctrl+up');
  });
  it('reads events by physical key, so Shift does not change the letter', () => {
    expect(chordOf(key('P', 'KeyP', { ctrl: true, shift: true }))).toBe('ctrl+shift+p');
    expect(chordOf(key('!', 'Digit1', { shift: true }))).toBe('shift+1');
    expect(chordOf(key('Control', 'ControlLeft', { ctrl: true }))).toBeNull();
    expect(chordOf(key(',', 'Comma', { ctrl: true }))).toBe('ctrl+,');
    expect(chordOf(key('~', 'Backquote', { ctrl: true, shift: true }))).toBe('ctrl+shift+`');
    expect(chordOf(key('`', 'Backquote', { ctrl: true }))).toBe('ctrl+`');
  });
  it('formats for display', () => {
    expect(formatChord('ctrl+shift+p')).toBe('Ctrl+Shift+P');
  });
});

describe('CommandRegistry', () => {
  it('resolves default keys, lets user bindings win and removes with "-"', async () => {
    const reg = new CommandRegistry();
    const ran: string[] = [];
    reg.register({ id: 'a', title: 'A', keys: ['ctrl+k'], run: () => void ran.push('a') });
    reg.register({ id: 'b', title: 'B', run: () => void ran.push('b') });
    expect(reg.resolve('ctrl+k')?.id).toBe('a');
    reg.setUserKeybindings([{ key: 'Ctrl+K', command: 'b' }]);
    expect(reg.resolve('ctrl+k')?.id).toBe('b');
    expect(reg.keysFor('b')).toEqual(['ctrl+k']);
    reg.setUserKeybindings([{ key: 'ctrl+k', command: '-a' }]);
    expect(reg.resolve('ctrl+k')).toBeUndefined();
    expect(await reg.run('b')).toBe(true);
    expect(ran).toEqual(['b']);
  });
  it('skips commands whose `when` is false', () => {
    const reg = new CommandRegistry();
    let enabled = false;
    reg.register({ id: 'x', title: 'X', keys: ['f2'], when: () => enabled, run: () => undefined });
    expect(reg.resolve('f2')).toBeUndefined();
    enabled = true;
    expect(reg.resolve('f2')?.id).toBe('x');
  });
  it('refuses duplicate ids (a bug)', () => {
    const reg = new CommandRegistry();
    reg.register({ id: 'x', title: 'X', run: () => undefined });
    expect(() => reg.register({ id: 'x', title: 'X', run: () => undefined })).toThrow();
  });
});
