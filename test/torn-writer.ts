/**
 * Child for src-main/core/workspace/torn-writes.int.test.ts: saves two files through Lathe's save path,
 * over and over, alternating between two known contents, until it is killed (SIGKILL, at a random moment).
 * - `big.bin`: `atomicWrite` of old.bin / new.bin (5 MB each).
 * - `nb.ipynb`: `serializeNotebook` of nb-old.json / nb-new.json, then `atomicWrite`.
 * Usage: torn-writer.js DIR. Prints "ready" once it is in the loop (after the first pair of saves).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeNotebook } from '../src-main/common/notebook/ipynb';
import type { Notebook } from '../src-main/common/notebook/nbformat';
import { atomicWrite } from '../src-main/core/workspace/atomic-write';

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: torn-writer.js DIR');
  const bins = [readFileSync(join(dir, 'old.bin')), readFileSync(join(dir, 'new.bin'))];
  const notebooks = ['nb-old.json', 'nb-new.json'].map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as Notebook);
  for (let i = 0; ; i++) {
    // Starts on "new" (what is on disk before is "old"), so the first kill can catch the first replacement.
    const which = (i + 1) % 2;
    await atomicWrite(join(dir, 'big.bin'), bins[which]!);
    await atomicWrite(join(dir, 'nb.ipynb'), serializeNotebook(notebooks[which]!));
    if (i === 0) process.stdout.write('ready\n');
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
