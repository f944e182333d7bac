/**
 * float32 → float16 bits against numpy's own conversion (`a.astype(np.float16).view(np.uint16)`), run in
 * `/usr/bin/python3`: every half's neighbourhood (the value, its midpoints to the next half: the ties),
 * the subnormal and overflow edges, and 200,000 random float32 bit patterns. And all 65,536 halves decoded.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missing } from '../../../test/skip';
import { floatToHalfBits, halfBitsToFloat, toHalfBits } from './float16';

const PYTHON = '/usr/bin/python3';
const hasNumpy = existsSync(PYTHON) && (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
})();

/** numpy's float16 bits for float32 values (raw little-endian bytes through stdin/stdout). */
function numpyHalfBits(values: Float32Array): Uint16Array {
  const script = 'import sys, numpy as np; np.seterr(all="ignore"); a = np.frombuffer(sys.stdin.buffer.read(), dtype="<f4"); sys.stdout.buffer.write(a.astype(np.float16).view("<u2").tobytes())';
  const out = execFileSync(PYTHON, ['-c', script], { input: Buffer.from(values.buffer), maxBuffer: 64 << 20, timeout: 60_000 });
  return new Uint16Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

describe.skipIf(missing(!hasNumpy && `${PYTHON} with numpy is missing: the float16 conversion is not checked against numpy`))('float16 against numpy', () => {
  it('every half, the midpoints between neighbours (ties to even) and just either side of them', () => {
    const values: number[] = [];
    for (let h = 0; h < 0x7c00; h++) {
      const a = halfBitsToFloat(h);
      const b = halfBitsToFloat(h + 1);
      const mid = (a + b) / 2; // exact in float32: halves have 11 significant bits
      for (const v of [a, mid, Math.fround(mid * (1 + 2 ** -20)), Math.fround(mid * (1 - 2 ** -20))]) values.push(v, -v);
    }
    values.push(Infinity, -Infinity, NaN, 65520, 65519.99, 1e-10, 2 ** -25, 2 ** -25 * 1.0001, 2 ** -24 * 1.5, 3e38);
    const f32 = Float32Array.from(values);
    const want = numpyHalfBits(f32);
    const got = toHalfBits(f32);
    let mismatches = 0;
    for (let i = 0; i < got.length; i++) {
      const w = want[i] as number;
      const wantNan = (w & 0x7c00) === 0x7c00 && (w & 0x3ff) !== 0;
      if (wantNan ? !Number.isNaN(halfBitsToFloat(got[i] as number)) : got[i] !== w) mismatches++;
    }
    expect(got.length).toBeGreaterThan(240_000);
    expect(mismatches).toBe(0);
  });

  it('200,000 random float32 bit patterns', () => {
    const next = mulberry32(7);
    const f32 = new Float32Array(200_000);
    const bits = new Uint32Array(f32.buffer);
    for (let i = 0; i < bits.length; i++) bits[i] = next();
    const want = numpyHalfBits(f32);
    let mismatches = 0;
    for (let i = 0; i < f32.length; i++) {
      const g = floatToHalfBits(f32[i] as number);
      const w = want[i] as number;
      const wantNan = (w & 0x7c00) === 0x7c00 && (w & 0x3ff) !== 0;
      if (wantNan ? !Number.isNaN(halfBitsToFloat(g)) : g !== w) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('decodes all 65,536 halves as numpy does', () => {
    const script = 'import sys, numpy as np; sys.stdout.buffer.write(np.arange(65536, dtype="<u2").view(np.float16).astype("<f8").tobytes())';
    const out = execFileSync(PYTHON, ['-c', script], { maxBuffer: 64 << 20, timeout: 60_000 });
    const want = new Float64Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
    for (let h = 0; h < 65536; h++) {
      const g = halfBitsToFloat(h);
      if (!Object.is(g, want[h]) && !(Number.isNaN(g) && Number.isNaN(want[h]))) throw new Error(`half 0x${h.toString(16)}: got ${g}, numpy ${want[h]}`);
    }
  });
});
