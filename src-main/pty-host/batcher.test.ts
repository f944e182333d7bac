import { describe, expect, it } from 'vitest';
import type { OscItem } from '../common/osc';
import { BATCH_CHARS, BATCH_MS, Batcher } from './batcher';

const text = (t: string, stream: 'stdout' | 'stderr' = 'stdout'): OscItem => ({ k: 'text', stream, text: t });
const end: OscItem = { k: 'msg', msg: { t: 'end', id: 'r', status: 'ok', count: 1, durationMs: 1 } };

describe('Batcher', () => {
  it('merges text of the same stream and sends it after about 16 ms', async () => {
    const sent: OscItem[][] = [];
    const b = new Batcher((items) => void sent.push(items));
    b.add([text('a'), text('b')]);
    b.add([text('c', 'stderr'), text('d', 'stderr')]);
    expect(sent).toEqual([]);
    await new Promise((r) => setTimeout(r, BATCH_MS + 20));
    expect(sent).toEqual([[text('ab'), text('cd', 'stderr')]]);
  });

  it('sends a marker on the next turn, with the text before it, in order', async () => {
    const sent: OscItem[][] = [];
    const b = new Batcher((items) => void sent.push(items));
    b.add([text('out'), end]);
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([[text('out'), end]]);
  });

  it('sends at once past 200 KB', () => {
    const sent: OscItem[][] = [];
    const b = new Batcher((items) => void sent.push(items));
    b.add([text('x'.repeat(BATCH_CHARS))]);
    expect(sent.length).toBe(1);
    b.dispose();
  });
});
