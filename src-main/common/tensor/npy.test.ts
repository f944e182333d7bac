/**
 * The .npy reader and writer against files numpy wrote. The fixtures come from
 * `__fixtures__/generate.py` (run once with `/usr/bin/python3 src-main/common/tensor/__fixtures__/generate.py`;
 * the output is committed): one file per dtype, a 0-d and an empty array, Fortran order, big-endian,
 * format versions 2.0 and 3.0, and three refused ones (objects, a structured dtype, complex).
 * `expected.json` holds what numpy says each file contains.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../result';
import { halfBitsToFloat } from './float16';
import { parseNpy, writeNpy } from './npy';
import type { Tensor } from './tensor-types';

const FIXTURES = join(__dirname, '__fixtures__');
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));

type Expected =
  | { dtype: string; shape: number[]; values: (number | string | boolean)[]; roundTrip?: true; sameAs?: string }
  | { error: string };
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Expected>;

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r.value;
}

function failure<T>(r: Result<T>): string {
  if (r.ok) throw new Error('expected a failure');
  expect(r.code).toBe('INPUT_INVALID');
  return r.message;
}

/** The tensor's values as expected.json writes them. */
function jsonValues(t: Tensor): (number | string | boolean)[] {
  const out: (number | string | boolean)[] = [];
  const data = t.data as ArrayLike<number | bigint | string>;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number | bigint | string;
    if (typeof v === 'bigint' || typeof v === 'string') out.push(String(v));
    else if (t.dtype === 'bool') out.push(v === 1);
    else {
      const x = t.dtype === 'float16' ? halfBitsToFloat(v) : v;
      out.push(Number.isNaN(x) ? 'nan' : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : x);
    }
  }
  return out;
}

describe('parseNpy on numpy-written files', () => {
  for (const [name, want] of Object.entries(EXPECTED)) {
    if ('error' in want) continue;
    it(`${name}: ${want.dtype} ${JSON.stringify(want.shape)}`, () => {
      const t = value(parseNpy(read(name)));
      expect(t.dtype).toBe(want.dtype);
      expect(t.shape).toEqual(want.shape);
      expect(jsonValues(t)).toEqual(want.values);
      if (want.dtype === 'bool') expect(t.data).toBeInstanceOf(Uint8Array);
      if (want.dtype === 'float16') expect(t.data).toBeInstanceOf(Uint16Array);
      if (want.dtype === 'int64') expect(t.data).toBeInstanceOf(BigInt64Array);
    });
  }

  it('keeps -0 and the exact int64 extremes', () => {
    const f8 = value(parseNpy(read('f8_special.npy'))).data as Float64Array;
    expect(Object.is(f8[1], -0)).toBe(true);
    const i8 = value(parseNpy(read('bigendian_i8.npy'))).data as BigInt64Array;
    expect([...i8]).toEqual([-(2n ** 63n), -1n, 0n, 2n ** 53n + 1n, 2n ** 63n - 1n]);
  });

  it('works on a Buffer holding the file at an odd offset (data is copied, aligned)', () => {
    const file = read('f4_2x3x2x2.npy');
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    const t = value(parseNpy(shifted.subarray(3)));
    expect((t.data as Float32Array)[23]).toBeCloseTo(23 / 7, 6);
  });
});

describe('writeNpy writes what numpy writes', () => {
  for (const [name, want] of Object.entries(EXPECTED)) {
    if ('error' in want) continue;
    it(`${name} → ${want.sameAs ?? name}`, () => {
      const written = writeNpy(value(parseNpy(read(name))));
      expect(Buffer.from(written).equals(Buffer.from(read(want.sameAs ?? name)))).toBe(true);
    });
  }

  it('writes a boolean[] bool tensor and a 0-d tensor', () => {
    const b = writeNpy({ dtype: 'bool', shape: [2, 3], data: [true, false, true, false, false, true] });
    expect(Buffer.from(b).equals(Buffer.from(read('b1_2x3.npy')))).toBe(true);
    const s = writeNpy({ dtype: 'float32', shape: [], data: new Float32Array([3.25]) });
    expect(Buffer.from(s).equals(Buffer.from(read('scalar_f4.npy')))).toBe(true);
  });

  it('aligns the data to 64 bytes, whatever the header length', () => {
    for (const shape of [[1], [10, 20], [1, 2, 3, 4, 5, 6, 7, 8], new Array<number>(20).fill(1)]) {
      const bytes = writeNpy({ dtype: 'uint8', shape, data: new Uint8Array(shape.reduce((a, b) => a * b, 1)) });
      const headerLen = (bytes[8] as number) + 256 * (bytes[9] as number);
      expect((10 + headerLen) % 64).toBe(0);
      expect(bytes[10 + headerLen - 1]).toBe(0x0a);
      expect(value(parseNpy(bytes)).shape).toEqual(shape);
    }
  });

  it('refuses (throws on) a dtype numpy has no name for', () => {
    expect(() => writeNpy({ dtype: 'bfloat16', shape: [1], data: new Uint16Array(1) })).toThrow(/bfloat16/);
  });
});

describe('parseNpy refuses what it cannot read, saying why', () => {
  for (const [name, want] of Object.entries(EXPECTED)) {
    if (!('error' in want)) continue;
    it(name, () => {
      expect(failure(parseNpy(read(name)))).toContain(want.error);
    });
  }

  it('a truncated file: the header says N values but the file holds M', () => {
    const file = read('f4_2x3x2x2.npy');
    expect(failure(parseNpy(file.subarray(0, file.length - 9)))).toBe('The .npy file is truncated: the header says 24 values but the file holds 21.');
    expect(failure(parseNpy(file.subarray(0, 40)))).toMatch(/truncated: its header should be \d+ bytes/);
  });

  it('not a .npy file, an unknown version, a broken header', () => {
    expect(failure(parseNpy(new TextEncoder().encode('PK\u0003\u0004 this is a zip')))).toMatch(/Not a \.npy file/);
    const v9 = read('f4_2x3.npy').slice();
    v9[6] = 9;
    expect(failure(parseNpy(v9))).toMatch(/version 9\.0/);
    const broken = read('f4_2x3.npy').slice();
    broken[11] = 0x28; // '{' → '('
    expect(failure(parseNpy(broken))).toMatch(/header/);
  });
});
