import { describe, expect, it } from 'vitest';
import type { RunOutput } from '../contract';
import { parseNotebook, serializeNotebook } from './ipynb';
import type { NbOutput, Notebook } from './nbformat';
import { appendOutputs, appendStreamText, streamDisplayText } from './outputs';

const out = (text: string, name: 'stdout' | 'stderr' = 'stdout'): RunOutput => ({ type: 'stream', name, text });
const display = (data: Record<string, unknown>, displayId: string | null = null, update = false): RunOutput => ({ type: 'display_data', data, metadata: {}, displayId, update });

/** Each chunk in its own call, as outputs arrive from a run. */
function streamed(chunks: string[]): NbOutput[] {
  let outputs: NbOutput[] = [];
  for (const c of chunks) outputs = appendOutputs(outputs, [out(c)]);
  return outputs;
}

describe('streams', () => {
  it('merges consecutive outputs of the same stream', () => {
    expect(appendOutputs([], [out('a\n'), out('b'), out('c\n')])).toEqual([{ output_type: 'stream', name: 'stdout', text: 'a\nbc\n' }]);
  });

  it('keeps stdout and stderr apart, and merges only consecutive ones', () => {
    expect(appendOutputs([], [out('1\n'), out('2\n', 'stderr'), out('3\n'), out('4\n')])).toEqual([
      { output_type: 'stream', name: 'stdout', text: '1\n' },
      { output_type: 'stream', name: 'stderr', text: '2\n' },
      { output_type: 'stream', name: 'stdout', text: '3\n4\n' },
    ]);
    expect(appendOutputs([], [out('a'), display({ 'text/plain': 'x' }), out('b')]).map((o) => o.output_type)).toEqual(['stream', 'display_data', 'stream']);
  });

  it('continues a stream read from a file (text as a list of lines)', () => {
    const prior: NbOutput[] = [{ output_type: 'stream', name: 'stdout', text: ['a\n', 'b'] }];
    expect(appendOutputs(prior, [out('c\n')])).toEqual([{ output_type: 'stream', name: 'stdout', text: 'a\nbc\n' }]);
  });

  it('does not change the list or the outputs it was given', () => {
    const prior: NbOutput[] = [{ output_type: 'stream', name: 'stdout', text: 'a' }];
    const frozen = structuredClone(prior);
    const next = appendOutputs(prior, [out('b'), display({ 'text/plain': 'x' })]);
    expect(prior).toEqual(frozen);
    expect(next).not.toBe(prior);
    expect(next[0]).not.toBe(prior[0]);
  });
});

describe('carriage returns and backspaces, as a terminal shows them', () => {
  it('0%\\r50%\\r100%\\n → 100%\\n, in one chunk or many', () => {
    expect(appendOutputs([], [out('0%\r50%\r100%\n')])).toEqual([{ output_type: 'stream', name: 'stdout', text: '100%\n' }]);
    expect(streamed(['0%', '\r50%', '\r100%', '\n'])).toEqual([{ output_type: 'stream', name: 'stdout', text: '100%\n' }]);
    expect(streamed(['0%\r', '50%\r', '100%\n'])).toEqual([{ output_type: 'stream', name: 'stdout', text: '100%\n' }]);
  });

  it('resolves a tqdm-like progress bar between other lines', () => {
    const chunks = ['Epoch 1\n', '  0%|          | 0/3 [00:00<?, ?it/s]'];
    for (let i = 1; i <= 3; i++) chunks.push(`\r${String(Math.round((i / 3) * 100)).padStart(3)}%|${'█'.repeat(i * 3).padEnd(10)}| ${i}/3 [00:0${i}<00:00, 1.00it/s]`);
    chunks.push('\n', 'done\n');
    expect(streamed(chunks)).toEqual([{ output_type: 'stream', name: 'stdout', text: 'Epoch 1\n100%|█████████ | 3/3 [00:03<00:00, 1.00it/s]\ndone\n' }]);
  });

  it('overwrites character by character, keeping the rest of a longer line', () => {
    expect(appendStreamText('', 'abcdef\rXY\n')).toBe('XYcdef\n');
  });

  it('keeps an open line waiting for the next chunk', () => {
    const waiting = appendStreamText('', 'abc\r');
    expect(waiting).toBe('abc\r');
    expect(appendStreamText(waiting, '\n')).toBe('abc\n');
    // The cursor is after the X: the next chunk goes on from there, even when a write was split.
    const split = appendStreamText(waiting, 'X');
    expect(split).toBe('Xbc\rX');
    expect(streamDisplayText(split)).toBe('Xbc');
    expect(appendStreamText(split, 'YZW')).toBe('XYZW');
    expect(appendStreamText(split, 'Y\n')).toBe('XYc\n');
    expect(appendStreamText('', 'abc\r\n')).toBe('abc\n');
  });

  it('moves back one character on a backspace', () => {
    expect(appendStreamText('', 'abc\bX\n')).toBe('abX\n');
    expect(appendStreamText('', '\b\bx\n')).toBe('x\n');
    const spinner = appendStreamText(appendStreamText(appendStreamText('', 'wait |'), '\b/'), '\b-');
    expect(spinner).toBe('wait -');
    const mid = appendStreamText('', 'abc\b');
    expect(mid).toBe('abc\rab');
    expect(appendStreamText(mid, 'X\n')).toBe('abX\n');
  });

  it('shows text from any writer as a terminal would', () => {
    expect(streamDisplayText('plain\n')).toBe('plain\n');
    expect(streamDisplayText('a\rb\nx\ry\rzz')).toBe('b\nzz');
    expect(streamDisplayText('abc\r')).toBe('abc');
  });

  it('never touches lines already ended', () => {
    expect(appendStreamText('old\rline kept\n', 'x\ry')).toBe('old\rline kept\ny');
    expect(appendStreamText('a\n', 'b\n')).toBe('a\nb\n');
  });
});

describe('rich outputs', () => {
  it('gives an execute_result its execution_count', () => {
    const add: RunOutput[] = [{ type: 'execute_result', count: 7, data: { 'text/plain': '42' }, metadata: { a: 1 } }];
    expect(appendOutputs([], add)).toEqual([{ output_type: 'execute_result', execution_count: 7, data: { 'text/plain': '42' }, metadata: { a: 1 } }]);
  });

  it('makes an nbformat error output', () => {
    const tb = ['\x1b[0;31mZeroDivisionError\x1b[0m: division by zero'];
    const [e] = appendOutputs([], [{ type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: tb }]);
    expect(e).toEqual({ output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: tb });
    expect((e as { traceback: string[] }).traceback).not.toBe(tb);
  });

  it('keeps a display id in transient, and an update replaces every earlier output with that id', () => {
    let outputs = appendOutputs([], [display({ 'text/plain': 'v1' }, 'bar'), display({ 'text/plain': 'other' }), display({ 'text/plain': 'v1 again' }, 'bar')]);
    expect(outputs[0]).toEqual({ output_type: 'display_data', data: { 'text/plain': 'v1' }, metadata: {}, transient: { display_id: 'bar' } });
    expect(outputs[1]).not.toHaveProperty('transient');
    const before = outputs;
    outputs = appendOutputs(outputs, [display({ 'text/plain': 'v2' }, 'bar', true)]);
    expect(outputs.map((o) => (o as { data: Record<string, unknown> }).data['text/plain'])).toEqual(['v2', 'other', 'v2']);
    expect(outputs).toHaveLength(3);
    expect(outputs[0]).toMatchObject({ transient: { display_id: 'bar' } });
    expect((before[0] as { data: Record<string, unknown> }).data['text/plain']).toBe('v1');
  });

  it('ignores an update for a display this list does not have', () => {
    const outputs = appendOutputs([], [display({ 'text/plain': 'x' }, 'a')]);
    expect(appendOutputs(outputs, [display({ 'text/plain': 'y' }, 'zzz', true)])).toEqual(outputs);
    expect(appendOutputs(outputs, [display({ 'text/plain': 'y' }, null, true)])).toEqual(outputs);
  });

  it('ends up in a file as Jupyter writes it: streams split into lines, no transient', () => {
    const outputs = appendOutputs(
      [],
      [
        out('wait\r'),
        out('ready\nsecond line\n'),
        display({ 'text/plain': 'p', 'image/png': 'iVBORw0KGgo=\n' }, 'd1'),
        { type: 'execute_result', count: 3, data: { 'text/html': '<b>\nx</b>' }, metadata: {} },
      ],
    );
    const nb: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', id: 'c', source: 'x', metadata: {}, execution_count: 3, outputs }] };
    const text = serializeNotebook(nb);
    expect(text).not.toContain('transient');
    const back = parseNotebook(text);
    if (!back.ok) throw new Error(back.message);
    expect(back.value.cells[0]).toMatchObject({
      outputs: [
        { output_type: 'stream', text: ['ready\n', 'second line\n'] },
        { output_type: 'display_data', data: { 'text/plain': ['p'], 'image/png': 'iVBORw0KGgo=\n' } },
        { output_type: 'execute_result', execution_count: 3, data: { 'text/html': ['<b>\n', 'x</b>'] } },
      ],
    });
  });
});
