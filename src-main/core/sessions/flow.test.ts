import { describe, expect, it } from 'vitest';
import { Scrollback } from './scrollback';
import { FLOW_HIGH, FLOW_LOW, VIEWER_EXPIRY_MS, Viewers } from './viewers';

describe('Viewers (flow control)', () => {
  function setup() {
    let t = 0;
    const calls: boolean[] = [];
    const viewers = new Viewers((paused) => void calls.push(paused), () => t);
    return { viewers, calls, advance: (ms: number) => (t += ms) };
  }

  it('never pauses a session nobody views', () => {
    const { viewers, calls } = setup();
    viewers.update(FLOW_HIGH * 10);
    expect(calls).toEqual([]);
  });

  it('pauses above the high watermark of the slowest view and resumes under the low one', () => {
    const { viewers, calls } = setup();
    const fast = viewers.attach(0);
    const slow = viewers.attach(0);
    let total = FLOW_HIGH + 1;
    viewers.ack(fast, total, total);
    expect(calls).toEqual([true]);
    total += 500_000;
    viewers.ack(fast, total, total);
    viewers.ack(slow, total - FLOW_LOW, total);
    expect(calls).toEqual([true]); // still between the marks
    viewers.ack(slow, total - FLOW_LOW + 1, total);
    expect(calls).toEqual([true, false]);
    expect(viewers.isPaused).toBe(false);
  });

  it('lets a view that stopped acknowledging expire, so output never stalls for a closed tab', () => {
    const { viewers, calls, advance } = setup();
    viewers.attach(0);
    viewers.update(FLOW_HIGH + 1);
    expect(calls).toEqual([true]);
    advance(VIEWER_EXPIRY_MS + 1);
    viewers.update(FLOW_HIGH + 1);
    expect(calls).toEqual([true, false]);
    expect(viewers.count).toBe(0);
  });

  it('resumes when the last view detaches, and ignores acks from unknown views', () => {
    const { viewers, calls } = setup();
    const v = viewers.attach(0);
    viewers.update(FLOW_HIGH + 1);
    expect(viewers.ack('nobody', 10, FLOW_HIGH + 1)).toBe(false);
    viewers.detach(v, FLOW_HIGH + 1);
    expect(calls).toEqual([true, false]);
  });
});

describe('Scrollback', () => {
  it('counts every character ever written and keeps the last ones, from a line start', () => {
    const sb = new Scrollback(20);
    expect(sb.append('line one\r\n')).toBe(0);
    expect(sb.append('line two\r\n')).toBe(10);
    expect(sb.snapshot()).toEqual({ text: 'line one\r\nline two\r\n', seq: 20 });
    sb.append('\x1b[31mline three\x1b[0m\r\n');
    const snap = sb.snapshot();
    expect(snap.seq).toBe(20 + 21);
    // Older output was dropped: the replay starts after a newline, with colours reset.
    expect(snap.text.startsWith('\x1b[0m')).toBe(true);
    expect(snap.text.length).toBeLessThanOrEqual(24);
  });

  it('stays bounded under a flood of small chunks', () => {
    const sb = new Scrollback(1000);
    for (let i = 0; i < 100_000; i++) sb.append(`${i}\r\n`);
    const snap = sb.snapshot();
    expect(snap.text.length).toBeLessThanOrEqual(1004);
    expect(snap.text.endsWith('99999\r\n')).toBe(true);
  });
});
