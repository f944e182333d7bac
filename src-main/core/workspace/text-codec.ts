/**
 * Bytes on disk ⇄ text in the editor. Pure functions on Buffers.
 *
 * The rule that drives everything here: saving a file the user did not change must give back the exact
 * bytes it had. So a file is only editable when decoding and re-encoding it round-trips byte for byte;
 * otherwise it opens read-only with a notice that says why.
 */
import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import type { Eol } from '../../common/contract';
import { err, ok, type Result } from '../../common/result';

export const MAX_EDITABLE_BYTES = 20 * 1024 * 1024;
/** How much of a too-large file the caller reads and the editor shows. */
export const PREVIEW_BYTES = 1024 * 1024;
const HEX_PREVIEW_BYTES = 4096;
/** Where NULs and control characters are looked for (as git and VS Code do). */
const SNIFF_BYTES = 8192;
/** Where UTF-16 without a BOM is recognised by its zero bytes (VS Code's window). */
const UTF16_SNIFF_BYTES = 512;
/** chardet is slow on large inputs and a sample is as good a guess. */
const GUESS_SAMPLE_BYTES = 64 * 1024;
/** Share of odd control characters above which a file is treated as binary. */
const CONTROL_RATIO = 0.1;
/** Below this chardet confidence its choice among Latin-script code pages is noise on short texts. */
const LATIN_GUESS_MIN_CONFIDENCE = 50;

export interface DecodedFile {
  readonly kind: 'text' | 'binary' | 'too-large';
  readonly text: string;
  /** iconv-lite encoding name ('utf8', 'utf16le', 'windows-1252', ...); 'binary' for hex previews. */
  readonly encoding: string;
  readonly bom: boolean;
  readonly eol: Eol;
  readonly readOnly: boolean;
  readonly notice: string | null;
}

interface BomInfo {
  readonly encoding: 'utf8' | 'utf16le' | 'utf16be';
  readonly bytes: Buffer;
}

const BOMS: readonly BomInfo[] = [
  { encoding: 'utf8', bytes: Buffer.from([0xef, 0xbb, 0xbf]) },
  { encoding: 'utf16le', bytes: Buffer.from([0xff, 0xfe]) },
  { encoding: 'utf16be', bytes: Buffer.from([0xfe, 0xff]) },
];

const LATIN_CODE_PAGES = new Set([
  'ISO-8859-1',
  'ISO-8859-2',
  'ISO-8859-9',
  'windows-1250',
  'windows-1252',
  'windows-1254',
  'windows-1257',
  'windows-1258',
]);

/**
 * Decode a file for the editor. `bytes` is the whole file, or only its head when `totalSize` is over
 * MAX_EDITABLE_BYTES (the caller reads PREVIEW_BYTES then).
 */
export function decodeForEditor(bytes: Buffer, totalSize: number): DecodedFile {
  const tooLarge = totalSize > MAX_EDITABLE_BYTES;
  let body = tooLarge ? bytes.subarray(0, PREVIEW_BYTES) : bytes;

  const bom = BOMS.find((b) => body.subarray(0, b.bytes.length).equals(b.bytes));
  let encoding: string;
  if (bom) {
    encoding = bom.encoding;
    body = body.subarray(bom.bytes.length);
  } else {
    const utf16 = sniffUtf16(body);
    if (utf16) encoding = utf16;
    else if (looksBinary(body)) return binaryPreview(bytes, totalSize);
    else if (isUtf8(tooLarge ? withoutCutUtf8Tail(body) : body)) encoding = 'utf8';
    else encoding = guessLegacyEncoding(body);
  }

  if (tooLarge) {
    const text = decode(encoding === 'utf8' ? withoutCutUtf8Tail(body) : body, encoding);
    return {
      kind: 'too-large',
      text,
      encoding,
      bom: bom !== undefined,
      eol: detectEol(text),
      readOnly: true,
      notice: `This file is ${formatSize(totalSize)}, over the ${formatSize(MAX_EDITABLE_BYTES)} editing limit: opened read-only; the first ${formatSize(PREVIEW_BYTES)} is shown`,
    };
  }

  // windows-1252 leaves five bytes undefined; ISO-8859-1 maps every byte, so it is the fallback.
  const candidates = encoding === 'windows-1252' ? ['windows-1252', 'iso-8859-1'] : [encoding];
  for (const candidate of candidates) {
    const text = decode(body, candidate);
    if (encode(text, candidate).equals(body)) {
      return {
        kind: 'text',
        text,
        encoding: candidate,
        bom: bom !== undefined,
        eol: detectEol(text),
        readOnly: false,
        notice: candidate === 'utf8' ? null : `Encoding: ${encodingLabel(candidate, bom !== undefined)} (kept on save)`,
      };
    }
  }
  const text = decode(body, encoding);
  return {
    kind: 'text',
    text,
    encoding,
    bom: bom !== undefined,
    eol: detectEol(text),
    readOnly: true,
    notice: `Encoding: ${encodingLabel(encoding, bom !== undefined)}, but some bytes are not valid in it: opened read-only, since saving would change them`,
  };
}

/**
 * Encode editor text for saving: every line break becomes `eol`, the BOM is added back if the file had
 * one. Fails (rather than writing '?') when the text holds characters the encoding cannot represent.
 */
export function encodeFromEditor(text: string, encoding: string, bom: boolean, eol: Eol): Result<Buffer> {
  if (!iconv.encodingExists(encoding)) return err('INVALID_ARGUMENT', `Unknown encoding "${encoding}"`);
  const bomInfo = bom ? BOMS.find((b) => canonical(b.encoding) === canonical(encoding)) : undefined;
  if (bom && !bomInfo) return err('INVALID_ARGUMENT', `${encoding} has no byte order mark; save it without one`);

  const normalised = text.replace(/\r\n|\r|\n/g, eol);
  const encoded = encode(normalised, encoding);
  const back = decode(encoded, encoding);
  if (back !== normalised) {
    let at = 0;
    while (at < normalised.length && normalised.charCodeAt(at) === back.charCodeAt(at)) at++;
    const codePoint = normalised.codePointAt(at) ?? 0;
    const line = normalised.slice(0, at).split(eol).length;
    return err(
      'INVALID_ARGUMENT',
      `Can't save as ${encoding}: the character ${JSON.stringify(String.fromCodePoint(codePoint))} on line ${line} has no ${encoding} form. Remove it or save as UTF-8.`,
    );
  }
  return ok(bomInfo ? Buffer.concat([bomInfo.bytes, encoded]) : encoded);
}

/** '\r\n' when CRLF is the majority of line breaks, else '\n' (also for text without line breaks). */
export function detectEol(text: string): Eol {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** `12 bytes`, `12.3 KB`, `21.0 MB`, `1.5 GB` (binary units, as file managers show them). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** An `xxd`-style dump: offset, 16 bytes in groups of two, then the printable ASCII. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    let hex = '';
    let ascii = '';
    row.forEach((b, i) => {
      hex += b.toString(16).padStart(2, '0') + (i % 2 === 1 ? ' ' : '');
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    });
    lines.push(`${offset.toString(16).padStart(8, '0')}: ${hex.padEnd(40)} ${ascii}`);
  }
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

function binaryPreview(bytes: Buffer, totalSize: number): DecodedFile {
  const partial = totalSize > HEX_PREVIEW_BYTES ? ` (the first ${formatSize(HEX_PREVIEW_BYTES)})` : '';
  return {
    kind: 'binary',
    text: hexDump(bytes.subarray(0, HEX_PREVIEW_BYTES)),
    encoding: 'binary',
    bom: false,
    eol: '\n',
    readOnly: true,
    notice: `Binary file (${formatSize(totalSize)}): shown read-only as hex${partial}`,
  };
}

/**
 * UTF-16 without a BOM: in the first characters every high byte is zero and every low byte is
 * printable ASCII or whitespace (ASCII text in UTF-16); other UTF-16 needs a BOM to be recognised.
 */
function sniffUtf16(bytes: Buffer): 'utf16le' | 'utf16be' | null {
  const n = Math.min(bytes.length, UTF16_SNIFF_BYTES) & ~1;
  if (n < 2) return null;
  let le = true;
  let be = true;
  for (let i = 0; i < n && (le || be); i += 2) {
    const first = bytes[i] ?? 0;
    const second = bytes[i + 1] ?? 0;
    if (first !== 0 || !isTextAscii(second)) be = false;
    if (second !== 0 || !isTextAscii(first)) le = false;
  }
  return le ? 'utf16le' : be ? 'utf16be' : null;
}

function isTextAscii(b: number): boolean {
  return (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d;
}

function looksBinary(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  if (sample.includes(0)) return true;
  let control = 0;
  for (const b of sample) {
    // Tab, line feed, vertical tab, form feed, carriage return, backspace and escape occur in text.
    if ((b < 0x20 && !(b >= 0x08 && b <= 0x0d) && b !== 0x1b) || b === 0x7f) control++;
  }
  return sample.length > 0 && control / sample.length > CONTROL_RATIO;
}

/** The bytes minus a UTF-8 sequence cut short at the end (a preview ends at an arbitrary byte). */
function withoutCutUtf8Tail(bytes: Buffer): Buffer {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const b = bytes[bytes.length - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.subarray(0, bytes.length - back) : bytes;
  }
  return bytes;
}

/** chardet's guess, as an iconv-lite name, for bytes that are neither UTF-8 nor UTF-16 nor binary. */
function guessLegacyEncoding(bytes: Buffer): string {
  const matches = chardet
    .analyse(bytes.subarray(0, GUESS_SAMPLE_BYTES))
    .filter((m) => m.confidence > 0 && m.name !== 'UTF-8' && m.name !== 'ASCII' && iconv.encodingExists(m.name.toLowerCase()));
  const best = matches[0];
  // Browsers read ISO-8859-1 as windows-1252 too, and low-confidence Latin guesses (often
  // ISO-8859-2 for a French sentence) are far more likely to be Western European.
  if (!best || best.name === 'ISO-8859-1' || (LATIN_CODE_PAGES.has(best.name) && best.confidence < LATIN_GUESS_MIN_CONFIDENCE)) {
    return 'windows-1252';
  }
  return best.name.toLowerCase();
}

/** BOMs are handled here, never by iconv-lite, so what is decoded is exactly what is re-encoded. */
function decode(bytes: Uint8Array, encoding: string): string {
  if (!iconv.encodingExists(encoding)) throw new Error(`unknown encoding ${encoding}`);
  return iconv.decode(bytes, encoding, { stripBOM: false });
}

function encode(text: string, encoding: string): Buffer {
  if (!iconv.encodingExists(encoding)) throw new Error(`unknown encoding ${encoding}`);
  return iconv.encode(text, encoding, { addBOM: false });
}

function canonical(encoding: string): string {
  return encoding.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function encodingLabel(encoding: string, bom: boolean): string {
  const names: Record<string, string> = { utf8: 'UTF-8', utf16le: 'UTF-16 LE', utf16be: 'UTF-16 BE' };
  const name = names[canonical(encoding)] ?? encoding;
  return bom ? `${name} with BOM` : name;
}
