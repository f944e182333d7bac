/**
 * The driver's marker stream, parsed: terminal output in, ordered items out.
 *
 * A marker is `ESC ] 7337 ; <nonce> ; <base64 JSON> BEL` (ST, `ESC \`, also ends it). The parser is
 * incremental: a marker split across chunks is held back until it is complete, and text is never
 * delayed except for a trailing fragment that could be the start of a marker.
 *
 * - A sequence with the session's nonce becomes a `msg` item (and is removed from the text).
 * - A sequence with any other nonce is not a marker: it stays in the text, byte for byte, so printed
 *   output can never forge one.
 * - A marker with the right nonce but an undecodable body becomes a `malformed` item (a driver bug).
 * - `stream` markers switch the stream the following text is attributed to; they are consumed here.
 *
 * Pure: no I/O, no Node APIs beyond the global base64 decoder.
 */
import { REPL_OSC, type DriverMessage, type StreamName } from './protocols/repl';

export type OscItem =
  | { readonly k: 'text'; readonly stream: StreamName; readonly text: string }
  | { readonly k: 'msg'; readonly msg: DriverMessage }
  | { readonly k: 'malformed'; readonly reason: string };

const START = `\x1b]${REPL_OSC};`;
const BEL = '\x07';
const ST = '\x1b\\';
/** A marker body larger than this is treated as text, so a missing terminator can't grow memory forever. */
export const MAX_MARKER_CHARS = 256 * 1024 * 1024;

export class OscParser {
  private pending = '';
  private stream: StreamName = 'stdout';

  constructor(private readonly nonce: string) {}

  /** Feed a chunk; returns the items it completed, in order. */
  push(chunk: string): OscItem[] {
    const out: OscItem[] = [];
    let data = this.pending + chunk;
    this.pending = '';
    let textStart = 0;
    let from = 0;
    for (;;) {
      const at = data.indexOf(START, from);
      if (at < 0) {
        // Hold back a tail that may be the beginning of START.
        const keep = partialPrefixLength(data, START, Math.max(from, textStart));
        this.text(out, data.slice(textStart, data.length - keep));
        this.pending = data.slice(data.length - keep);
        return out;
      }
      const bodyStart = at + START.length;
      const end = findTerminator(data, bodyStart);
      if (end === null) {
        if (data.length - at > MAX_MARKER_CHARS) {
          // Not a marker after all (or a broken one): let it through as text.
          from = bodyStart;
          continue;
        }
        this.text(out, data.slice(textStart, at));
        this.pending = data.slice(at);
        return out;
      }
      const body = data.slice(bodyStart, end.index);
      const semi = body.indexOf(';');
      if (semi < 0 || body.slice(0, semi) !== this.nonce) {
        // Someone else's sequence (or a forgery): it stays text.
        from = end.index + end.length;
        continue;
      }
      this.text(out, data.slice(textStart, at));
      this.message(out, body.slice(semi + 1));
      from = textStart = end.index + end.length;
      if (from >= data.length) return out;
      if (from > 1 << 20) {
        data = data.slice(from);
        from = textStart = 0;
      }
    }
  }

  /** Whatever is held back (an unterminated marker start), as text: call when the stream ends. */
  flush(): OscItem[] {
    const out: OscItem[] = [];
    this.text(out, this.pending);
    this.pending = '';
    return out;
  }

  private text(out: OscItem[], text: string): void {
    if (text.length > 0) out.push({ k: 'text', stream: this.stream, text });
  }

  private message(out: OscItem[], b64: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(decodeBase64Utf8(b64));
    } catch (e) {
      out.push({ k: 'malformed', reason: `undecodable marker: ${(e as Error).message}` });
      return;
    }
    if (typeof msg !== 'object' || msg === null || typeof (msg as { t?: unknown }).t !== 'string') {
      out.push({ k: 'malformed', reason: 'marker without a type' });
      return;
    }
    const m = msg as DriverMessage;
    if (m.t === 'stream') {
      this.stream = m.name === 'stderr' || m.name === 'terminal' ? m.name : 'stdout';
      return;
    }
    out.push({ k: 'msg', msg: m });
  }
}

function findTerminator(data: string, from: number): { index: number; length: number } | null {
  const bel = data.indexOf(BEL, from);
  const st = data.indexOf(ST, from);
  if (bel < 0 && st < 0) return null;
  if (st < 0 || (bel >= 0 && bel < st)) return { index: bel, length: 1 };
  return { index: st, length: 2 };
}

/** Length of the longest suffix of `data` (starting at or after `min`) that is a proper prefix of `token`. */
function partialPrefixLength(data: string, token: string, min: number): number {
  const max = Math.min(token.length - 1, data.length - min);
  for (let n = max; n > 0; n--) {
    if (data.endsWith(token.slice(0, n))) return n;
  }
  return 0;
}

const utf8 = new TextDecoder('utf-8');

function decodeBase64Utf8(b64: string): string {
  if (!/^[A-Za-z0-9+/=\s]*$/.test(b64)) throw new Error('not base64');
  const g = globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } };
  if (g.Buffer) return utf8.decode(g.Buffer.from(b64, 'base64'));
  const bin = atob(b64.replace(/\s/g, ''));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return utf8.decode(bytes);
}

/** Encodes a marker as the driver does (for tests, fixtures and benchmarks). */
export function encodeMarker(nonce: string, msg: DriverMessage): string {
  const g = globalThis as { Buffer?: { from(s: string, enc: string): { toString(enc: string): string } } };
  const json = JSON.stringify(msg);
  const b64 = g.Buffer ? g.Buffer.from(json, 'utf8').toString('base64') : btoa(unescape(encodeURIComponent(json)));
  return `${START}${nonce};${b64}${BEL}`;
}
