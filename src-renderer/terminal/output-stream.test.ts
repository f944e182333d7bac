import { describe, expect, it } from 'vitest';
import { AckScheduler, StreamCursor, type Timers } from './output-stream';

describe('StreamCursor', () => {
  it('drops chunks the scrollback already holds and cuts overlaps', () => {
    const c = new StreamCursor(10);
    expect(c.accept(0, 'abcdefghij')).toBeNull(); // all of it before the attachment
    expect(c.accept(5, 'fghijKLM')).toBe('KLM'); // overlaps the scrollback's end
    expect(c.position).toBe(13);
    expect(c.accept(13, 'NO')).toBe('NO');
    expect(c.accept(13, 'NO')).toBeNull(); // a duplicate
    expect(c.position).toBe(15);
  });

  it('takes a chunk after a gap as it is', () => {
    const c = new StreamCursor(3);
    expect(c.accept(7, 'xyz')).toBe('xyz');
    expect(c.position).toBe(10);
  });

  it('an empty chunk is nothing', () => {
    expect(new StreamCursor(0).accept(0, '')).toBeNull();
  });
});

function fakeTimers() {
  let now = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const timers: Timers = {
    set: (fn, ms) => {
      const id = next++;
      pending.set(id, { at: now + ms, fn });
      return id;
    },
    clear: (id) => void pending.delete(id as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...pending]) {
      if (t.at <= now) {
        pending.delete(id);
        t.fn();
      }
    }
  };
  return { timers, advance, pendingCount: () => pending.size };
}

describe('AckScheduler', () => {
  it('batches acks in time, not per chunk', () => {
    const sent: number[] = [];
    const t = fakeTimers();
    const ack = new AckScheduler((seq) => sent.push(seq), { intervalMs: 50, batchChars: 100_000 }, t.timers);
    ack.parsed(10, 10);
    ack.parsed(25, 15);
    ack.parsed(30, 5);
    expect(sent).toEqual([]);
    expect(t.pendingCount()).toBe(1);
    t.advance(50);
    expect(sent).toEqual([30]);
    t.advance(500);
    expect(sent).toEqual([30]); // nothing new, nothing sent
  });

  it('acks at once after a big batch', () => {
    const sent: number[] = [];
    const t = fakeTimers();
    const ack = new AckScheduler((seq) => sent.push(seq), { intervalMs: 50, batchChars: 100 }, t.timers);
    ack.parsed(60, 60);
    ack.parsed(120, 60);
    expect(sent).toEqual([120]);
    expect(t.pendingCount()).toBe(0);
    ack.parsed(130, 10);
    t.advance(50);
    expect(sent).toEqual([120, 130]);
  });

  it('ignores offsets that go backwards, and stops after dispose', () => {
    const sent: number[] = [];
    const t = fakeTimers();
    const ack = new AckScheduler((seq) => sent.push(seq), { intervalMs: 50, batchChars: 100 }, t.timers);
    ack.parsed(50, 50);
    ack.parsed(40, 10);
    ack.flush();
    expect(sent).toEqual([50]);
    ack.parsed(70, 20);
    ack.dispose();
    t.advance(100);
    ack.flush();
    expect(sent).toEqual([50]);
  });
});
