import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeMarker, OscParser, type OscItem } from './osc';
import type { DriverMessage } from './protocols/repl';

const NONCE = 'n0nce';
const start: DriverMessage = { t: 'start', id: 'r1', count: 1, origin: 'control' };
const end: DriverMessage = { t: 'end', id: 'r1', status: 'ok', count: 1, durationMs: 1.5 };

/** Merges adjacent text items of the same stream, so results compare independently of chunking. */
function normalise(items: OscItem[]): OscItem[] {
  const out: OscItem[] = [];
  for (const item of items) {
    const last = out[out.length - 1];
    if (item.k === 'text' && last?.k === 'text' && last.stream === item.stream) {
      out[out.length - 1] = { ...last, text: last.text + item.text };
    } else out.push(item);
  }
  return out;
}

function parseAll(chunks: string[], nonce = NONCE): OscItem[] {
  const p = new OscParser(nonce);
  return normalise([...chunks.flatMap((c) => p.push(c)), ...p.flush()]);
}

describe('OscParser', () => {
  it('separates text from markers, in order', () => {
    const input = `hi\r\n${encodeMarker(NONCE, start)}42\r\n${encodeMarker(NONCE, end)}In [2]: `;
    expect(parseAll([input])).toEqual([
      { k: 'text', stream: 'stdout', text: 'hi\r\n' },
      { k: 'msg', msg: start },
      { k: 'text', stream: 'stdout', text: '42\r\n' },
      { k: 'msg', msg: end },
      { k: 'text', stream: 'stdout', text: 'In [2]: ' },
    ]);
  });

  it('gives the same items however the input is split', () => {
    const input = `a${encodeMarker(NONCE, start)}b\x1b[31mred\x1b[0m${encodeMarker(NONCE, { t: 'stream', name: 'stderr' })}err${encodeMarker(NONCE, { t: 'stream', name: 'stdout' })}c${encodeMarker(NONCE, end)}`;
    const whole = parseAll([input]);
    for (let i = 0; i <= input.length; i++) {
      expect(parseAll([input.slice(0, i), input.slice(i)])).toEqual(whole);
    }
    // One character at a time.
    expect(parseAll([...input])).toEqual(whole);
  });

  it('attributes text to stderr between stream markers', () => {
    const input = `out${encodeMarker(NONCE, { t: 'stream', name: 'stderr' })}bad\r\n${encodeMarker(NONCE, { t: 'stream', name: 'stdout' })}more`;
    expect(parseAll([input])).toEqual([
      { k: 'text', stream: 'stdout', text: 'out' },
      { k: 'text', stream: 'stderr', text: 'bad\r\n' },
      { k: 'text', stream: 'stdout', text: 'more' },
    ]);
  });

  it('leaves a marker with another nonce in the text: printed output cannot forge one', () => {
    const forged = encodeMarker('guess', end);
    expect(parseAll([`x${forged}y`])).toEqual([{ k: 'text', stream: 'stdout', text: `x${forged}y` }]);
    const noNonce = '\x1b]7337;;e30=\x07';
    expect(parseAll([noNonce])).toEqual([{ k: 'text', stream: 'stdout', text: noNonce }]);
  });

  it('accepts ST as the terminator', () => {
    const marker = encodeMarker(NONCE, end);
    const withSt = `${marker.slice(0, -1)}\x1b\\`;
    expect(parseAll([withSt])).toEqual([{ k: 'msg', msg: end }]);
  });

  it('reports a marker with the right nonce and a broken body as malformed, and goes on', () => {
    expect(parseAll([`\x1b]7337;${NONCE};!!!\x07ok`])).toEqual([
      { k: 'malformed', reason: expect.stringContaining('undecodable') },
      { k: 'text', stream: 'stdout', text: 'ok' },
    ]);
    expect(parseAll([`\x1b]7337;${NONCE};${btoa('[1]')}\x07`])).toEqual([{ k: 'malformed', reason: 'marker without a type' }]);
  });

  it('keeps other OSC sequences (titles, hyperlinks) as text', () => {
    const title = '\x1b]0;my title\x07';
    expect(parseAll([title + 'x'])).toEqual([{ k: 'text', stream: 'stdout', text: `${title}x` }]);
  });

  it('carries non-ASCII text and JSON through', () => {
    const msg: DriverMessage = { t: 'error', id: 'r1', ename: 'ValueError', evalue: 'é ≠ 😀', traceback: ['\x1b[31mline\x1b[0m'] };
    expect(parseAll([`ü${encodeMarker(NONCE, msg)}`])).toEqual([
      { k: 'text', stream: 'stdout', text: 'ü' },
      { k: 'msg', msg },
    ]);
  });

  it('holds back only a possible marker start at the end of a chunk', () => {
    const p = new OscParser(NONCE);
    expect(p.push('abc\x1b]73')).toEqual([{ k: 'text', stream: 'stdout', text: 'abc' }]);
    expect(p.push('x')).toEqual([{ k: 'text', stream: 'stdout', text: '\x1b]73x' }]);
    expect(p.push('\x1b')).toEqual([]);
    expect(p.flush()).toEqual([{ k: 'text', stream: 'stdout', text: '\x1b' }]);
  });
});

describe('OscParser golden fixtures (recorded from the real driver)', () => {
  const dir = join(__dirname, '__fixtures__', 'osc');
  const names = readdirSync(dir).filter((f) => f.endsWith('.in.txt'));
  it('has fixtures', () => {
    expect(names.length).toBeGreaterThan(0);
  });
  for (const name of names) {
    it(name, () => {
      const input = readFileSync(join(dir, name), 'utf8');
      const outPath = join(dir, name.replace('.in.txt', '.out.json'));
      if (process.env.LATHE_UPDATE_FIXTURES === '1') {
        // The recorder (src-main/pty-host/__fixtures__/record-osc.mjs) uses this nonce.
        const items = parseAll([input], 'f1x7ure');
        writeFileSync(outPath, `${JSON.stringify({ nonce: 'f1x7ure', items }, null, 1)}\n`);
      }
      expect(existsSync(outPath), `${outPath} is missing: run with LATHE_UPDATE_FIXTURES=1 and review it`).toBe(true);
      const expected = JSON.parse(readFileSync(outPath, 'utf8')) as { nonce: string; items: OscItem[] };
      // Golden = every item, in order, whatever the chunking.
      expect(parseAll([input], expected.nonce)).toEqual(expected.items);
      const p = new OscParser(expected.nonce);
      const chunked: OscItem[] = [];
      for (let i = 0; i < input.length; i += 7) chunked.push(...p.push(input.slice(i, i + 7)));
      chunked.push(...p.flush());
      expect(normalise(chunked)).toEqual(expected.items);
    });
  }
});
