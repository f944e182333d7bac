/**
 * IEEE 754 half precision (float16) held as raw bits in a Uint16Array, as onnxruntime takes it.
 * The float → half conversion is numpy's (`npy_floatbits_to_halfbits`): from the float32 value, rounding
 * to nearest with ties to even, overflow to ±Inf, underflow through the subnormals to ±0, NaN kept NaN.
 * Pure: no node:*, no electron.
 */

// One shared scratch word to read a float32's bits without allocating.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The half bits of `x` after rounding it to float32 (as numpy's `np.float32(x).astype(np.float16)`). */
export function floatToHalfBits(x: number): number {
  f32[0] = x;
  const f = u32[0] as number;
  const sign = (f >>> 16) & 0x8000;
  const fExp = f & 0x7f800000;
  let fSig = f & 0x007fffff;

  // Inf or NaN (keep a NaN a NaN even when its payload's top bits are zero).
  if (fExp >= 0x47800000) {
    if (fExp === 0x7f800000 && fSig !== 0) {
      const sig = fSig >>> 13;
      return sign | 0x7c00 | (sig === 0 ? 1 : sig);
    }
    return sign | 0x7c00; // overflow to ±Inf
  }

  // Subnormal half or zero.
  if (fExp <= 0x38000000) {
    if (fExp < 0x33000000) return sign; // too small even for a subnormal: ±0
    const exp = fExp >>> 23;
    fSig += 0x00800000; // the implicit leading one
    // value = fSig · 2^(exp-150) = sig · 2^-24: drop `shift` bits, rounding to nearest, ties to even.
    const shift = 126 - exp;
    const kept = fSig >>> shift;
    const rest = fSig - kept * 2 ** shift;
    const half = 2 ** (shift - 1);
    let sig = kept;
    if (rest > half || (rest === half && (kept & 1) === 1)) sig += 1;
    // A carry into the exponent field (0x400) gives the smallest normal, which is right.
    return sign | sig;
  }

  // Normal: rebias the exponent, round the significand to 10 bits (ties to even).
  const hExp = (fExp - 0x38000000) >>> 13;
  const kept = fSig >>> 13;
  const rest = fSig & 0x1fff;
  let h = hExp + kept;
  if (rest > 0x1000 || (rest === 0x1000 && (kept & 1) === 1)) h += 1; // may carry into the exponent, even to Inf
  return sign | h;
}

/** The value of half bits `h` (exact: every half is a float32 and a double). */
export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const sig = h & 0x3ff;
  if (exp === 0) return sign * sig * 2 ** -24;
  if (exp === 0x1f) return sig === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + sig / 1024) * 2 ** (exp - 15);
}

let table: Float32Array | null = null;

/** All 65,536 halves decoded once, for fast bulk reads (256 KB). */
export function halfTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = halfBitsToFloat(h);
  }
  return table;
}

/** Float values → half bits, element by element. */
export function toHalfBits(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = floatToHalfBits(values[i] as number);
  return out;
}

/** Half bits → float32 values. */
export function fromHalfBits(bits: Uint16Array): Float32Array {
  const t = halfTable();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i] as number] as number;
  return out;
}
