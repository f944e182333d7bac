import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeForEditor, detectEol, encodeFromEditor, formatSize, hexDump, MAX_EDITABLE_BYTES, PREVIEW_BYTES, type DecodedFile } from './text-codec';

const fixture = (name: string): Buffer => readFileSync(join(__dirname, '__fixtures__', name));

function decode(bytes: Buffer): DecodedFile {
  return decodeForEditor(bytes, bytes.length);
}

/** Decode, then encode back with what was detected: an untouched file must come back byte for byte. */
function roundTrip(bytes: Buffer): Buffer {
  const d = decode(bytes);
  const encoded = encodeFromEditor(d.text, d.encoding, d.bom, d.eol);
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.value;
}

describe('decodeForEditor: golden fixtures', () => {
  const cases: [file: string, expected: Partial<DecodedFile>][] = [
    ['utf8.txt', { kind: 'text', encoding: 'utf8', bom: false, eol: '\n', readOnly: false, notice: null, text: 'héllo wörld ✓\nsecond line\n' }],
    ['utf8-bom.txt', { encoding: 'utf8', bom: true, readOnly: false, notice: null, text: "print('ünïcode')\n" }],
    ['utf16le-bom.txt', { encoding: 'utf16le', bom: true, eol: '\r\n', readOnly: false, text: 'hello\r\nwörld €\r\n', notice: 'Encoding: UTF-16 LE with BOM (kept on save)' }],
    ['utf16be-bom.txt', { encoding: 'utf16be', bom: true, eol: '\n', readOnly: false, text: 'hello\nwörld €\n' }],
    ['utf16le-nobom.txt', { encoding: 'utf16le', bom: false, readOnly: false, text: 'plain text in UTF-16\nno byte order mark\n' }],
    [
      'windows-1252.txt',
      {
        encoding: 'windows-1252',
        bom: false,
        readOnly: false,
        notice: 'Encoding: windows-1252 (kept on save)',
        text: 'Prix : 12 € — café crème, déjà vu.\nÇa coûte très cher… « naïf »\n',
      },
    ],
    ['latin1-short.txt', { encoding: 'windows-1252', readOnly: false, text: 'café naïve résumé\n' }],
    ['shift_jis.txt', { encoding: 'shift_jis', readOnly: false, text: 'こんにちは、世界。これは日本語のテキストです。\n' }],
    ['crlf.txt', { encoding: 'utf8', eol: '\r\n', text: 'line one\r\nline two\r\nline three\r\n' }],
    ['mixed-eol.txt', { encoding: 'utf8', eol: '\r\n', text: 'a\r\nb\r\nc\nd\r\n' }],
  ];

  it.each(cases)('%s', (file, expected) => {
    expect(decode(fixture(file))).toMatchObject({ kind: 'text', ...expected });
  });

  it.each(cases.filter(([file]) => file !== 'mixed-eol.txt'))('%s round-trips byte for byte', (file) => {
    const bytes = fixture(file);
    expect(roundTrip(bytes).equals(bytes)).toBe(true);
  });

  it('normalises a mixed-EOL file to its majority line break on save', () => {
    expect(roundTrip(fixture('mixed-eol.txt')).toString()).toBe('a\r\nb\r\nc\r\nd\r\n');
  });

  it('shows a PNG as a read-only hex dump, like xxd', () => {
    const d = decode(fixture('pixel.png'));
    expect(d).toMatchObject({ kind: 'binary', readOnly: true, notice: 'Binary file (70 bytes): shown read-only as hex' });
    expect(d.text.split('\n').slice(0, 2)).toEqual([
      '00000000: 8950 4e47 0d0a 1a0a 0000 000d 4948 4452  .PNG........IHDR',
      '00000010: 0000 0001 0000 0001 0806 0000 001f 15c4  ................',
    ]);
    expect(d.text.split('\n')[4]).toBe('00000040: 4e44 ae42 6082                           ND.B`.');
  });

  it('treats a NUL byte as binary', () => {
    expect(decode(fixture('nul.bin'))).toMatchObject({ kind: 'binary', readOnly: true });
  });
});

describe('decodeForEditor: rules', () => {
  it('decodes an empty file as UTF-8 with LF', () => {
    expect(decode(Buffer.alloc(0))).toMatchObject({ kind: 'text', text: '', encoding: 'utf8', eol: '\n', readOnly: false });
  });

  it('treats text thick with control characters as binary', () => {
    const bytes = Buffer.from(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41)));
    expect(decode(bytes).kind).toBe('binary');
    expect(decode(Buffer.from('colours: \x1b[31mred\x1b[0m\tand\ttabs\n')).kind).toBe('text');
  });

  it('hex-dumps only the first 4 KB of a large binary and says so', () => {
    const bytes = Buffer.alloc(12_600, 0);
    const d = decode(bytes);
    expect(d.notice).toBe('Binary file (12.3 KB): shown read-only as hex (the first 4 KB)');
    expect(d.text.trimEnd().split('\n')).toHaveLength(256);
  });

  it('falls back to ISO-8859-1 when windows-1252 cannot hold the bytes', () => {
    const bytes = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x81, 0x0a]); // 0x81 is undefined in windows-1252
    const d = decode(bytes);
    expect(d).toMatchObject({ encoding: 'iso-8859-1', readOnly: false });
    expect(roundTrip(bytes).equals(bytes)).toBe(true);
  });

  it('opens read-only when the bytes do not round-trip through the detected encoding', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('abc', 'utf16le'), Buffer.from([0x41])]); // odd length
    const d = decode(bytes);
    expect(d).toMatchObject({ kind: 'text', encoding: 'utf16le', readOnly: true });
    expect(d.notice).toContain('opened read-only');
  });

  it('flags a file over the limit as too large, read-only, with a preview of its head', () => {
    const head = Buffer.from('x'.repeat(PREVIEW_BYTES - 1) + '✓'); // the preview cuts the last character in two
    const d = decodeForEditor(head, MAX_EDITABLE_BYTES + 1024 * 1024);
    expect(d).toMatchObject({ kind: 'too-large', encoding: 'utf8', readOnly: true });
    expect(d.notice).toBe('This file is 21 MB, over the 20 MB editing limit: opened read-only; the first 1 MB is shown');
    expect(d.text).toBe('x'.repeat(PREVIEW_BYTES - 1));
  });

  it('shows a too-large binary file as hex', () => {
    const d = decodeForEditor(Buffer.from([0x00, 0x01, 0x02]), MAX_EDITABLE_BYTES * 2);
    expect(d).toMatchObject({ kind: 'binary', readOnly: true, notice: 'Binary file (40 MB): shown read-only as hex (the first 4 KB)' });
  });
});

describe('encodeFromEditor', () => {
  it('normalises every line break to the requested EOL', () => {
    const r = encodeFromEditor('a\nb\r\nc\rd', 'utf8', false, '\r\n');
    expect(r.ok && r.value.toString()).toBe('a\r\nb\r\nc\r\nd');
  });

  it('adds the BOM back', () => {
    const utf8 = encodeFromEditor('x', 'utf8', true, '\n');
    expect(utf8.ok && [...utf8.value]).toEqual([0xef, 0xbb, 0xbf, 0x78]);
    const le = encodeFromEditor('x', 'utf16le', true, '\n');
    expect(le.ok && [...le.value]).toEqual([0xff, 0xfe, 0x78, 0x00]);
    const be = encodeFromEditor('x', 'utf16be', true, '\n');
    expect(be.ok && [...be.value]).toEqual([0xfe, 0xff, 0x00, 0x78]);
  });

  it('refuses unknown encodings and BOMs the encoding has none of', () => {
    expect(encodeFromEditor('x', 'klingon-8', false, '\n')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: 'Unknown encoding "klingon-8"' });
    expect(encodeFromEditor('x', 'windows-1252', true, '\n')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  });

  it('refuses characters the encoding cannot represent, naming the encoding, the character and the line', () => {
    const r = encodeFromEditor('café\nok ✓\n', 'windows-1252', false, '\n');
    expect(r).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    if (!r.ok) expect(r.message).toBe('Can\'t save as windows-1252: the character "✓" on line 2 has no windows-1252 form. Remove it or save as UTF-8.');
    expect(encodeFromEditor('lone \ud800 surrogate', 'utf8', false, '\n')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  });
});

describe('helpers', () => {
  it('detectEol picks the majority and defaults to LF', () => {
    expect(detectEol('')).toBe('\n');
    expect(detectEol('a\r\nb\nc\n')).toBe('\n');
    expect(detectEol('a\r\nb\r\nc\n')).toBe('\r\n');
    expect(detectEol('a\r\nb\n')).toBe('\n');
  });

  it('formatSize uses words and binary units', () => {
    expect(formatSize(1)).toBe('1 byte');
    expect(formatSize(1023)).toBe('1023 bytes');
    expect(formatSize(12_600)).toBe('12.3 KB');
    expect(formatSize(20 * 1024 * 1024)).toBe('20 MB');
  });

  it('hexDump pads a short last row', () => {
    expect(hexDump(Buffer.from('AB'))).toBe(`00000000: 4142${' '.repeat(36)} AB\n`);
    expect(hexDump(Buffer.alloc(0))).toBe('');
  });
});
