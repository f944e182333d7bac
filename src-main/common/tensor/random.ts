/**
 * Seeded random numbers for model inputs: mulberry32 (a tiny, fast 32-bit PRNG; the same seed gives the
 * same tensor on every machine) and normals by Box–Muller.
 * Pure: no node:*, no electron.
 */

/** Uniform in [0, 1), 32 bits of randomness per draw. */
export function mulberry32(seed: number): () => number {
  let a = Math.trunc(seed) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in [low, high). */
export function uniform(seed: number, low: number, high: number): () => number {
  const next = mulberry32(seed);
  const span = high - low;
  return () => low + span * next();
}

/** Normal(mean, std) by Box–Muller, using both values of each pair. */
export function normal(seed: number, mean: number, std: number): () => number {
  const next = mulberry32(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return mean + std * v;
    }
    const u1 = 1 - next(); // (0, 1]: log stays finite
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return mean + std * r * Math.cos(2 * Math.PI * u2);
  };
}
