// Writes the golden fixtures for text-codec.test.ts. Run once from the repository root:
//   node src-main/core/workspace/__fixtures__/generate.mjs
// The files are committed; the tests never regenerate them.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';

const here = dirname(fileURLToPath(import.meta.url));
const write = (name, bytes) => writeFileSync(join(here, name), bytes);
const bom = { utf8: [0xef, 0xbb, 0xbf], utf16le: [0xff, 0xfe], utf16be: [0xfe, 0xff] };

write('utf8.txt', Buffer.from('héllo wörld ✓\nsecond line\n', 'utf8'));
write('utf8-bom.txt', Buffer.concat([Buffer.from(bom.utf8), Buffer.from("print('ünïcode')\n", 'utf8')]));
write('utf16le-bom.txt', Buffer.concat([Buffer.from(bom.utf16le), iconv.encode('hello\r\nwörld €\r\n', 'utf16le')]));
write('utf16be-bom.txt', Buffer.concat([Buffer.from(bom.utf16be), iconv.encode('hello\nwörld €\n', 'utf16be')]));
write('utf16le-nobom.txt', iconv.encode('plain text in UTF-16\nno byte order mark\n', 'utf16le'));
write('windows-1252.txt', iconv.encode('Prix : 12 € — café crème, déjà vu.\nÇa coûte très cher… « naïf »\n', 'windows-1252'));
write('latin1-short.txt', iconv.encode('café naïve résumé\n', 'latin1'));
write('shift_jis.txt', iconv.encode('こんにちは、世界。これは日本語のテキストです。\n', 'shift_jis'));
write('crlf.txt', Buffer.from('line one\r\nline two\r\nline three\r\n'));
write('mixed-eol.txt', Buffer.from('a\r\nb\r\nc\nd\r\n'));
// A complete 1×1 PNG.
write(
  'pixel.png',
  Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201b9d6d3a70000000049454e44ae426082',
    'hex',
  ),
);
write('nul.bin', Buffer.from('abc\0def\n'));
