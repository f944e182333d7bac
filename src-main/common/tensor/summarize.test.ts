/**
 * Output summaries: stats with NaN/Inf, the head, top-k with softmax, heat maps, base64, every dtype,
 * and the 10 M element time. numpy's figures for the same data are in summarize.int.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { floatToHalfBits } from './float16';
import { base64, HEAD_VALUES, latencyStats, summarizeTensor, topK } from './summarize';
import type { Heatmap, Tensor } from './tensor-types';

const f32 = (shape: number[], values: number[] | Float32Array): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from(values) });
const pixels = (h: Heatmap): number[] => [...Buffer.from(h.pixels, 'base64')];

describe('stats and head', () => {
  it('counts NaN and ±Inf apart and takes the stats over the finite values', () => {
    const s = summarizeTensor('y', f32([2, 4], [1, 2, NaN, Infinity, -Infinity, 3, NaN, 4]));
    expect(s).toMatchObject({ name: 'y', dtype: 'float32', shape: [2, 4], count: 8 });
    expect(s.stats).toEqual({ min: 1, max: 4, mean: 2.5, std: Math.sqrt(1.25), nan: 2, posInf: 1, negInf: 1 });
    // As strings: JSON (the server transport) would make NaN and ±Infinity null.
    expect(s.head).toEqual([1, 2, 'NaN', 'Infinity', '-Infinity', 3, 'NaN', 4]);
    expect(JSON.parse(JSON.stringify(s.head))).toEqual(s.head);
  });

  it('stays accurate far from zero (shifted sums)', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1e8 + (i % 2)); // float64: mean 1e8+0.5, std 0.5
    const s = summarizeTensor('big', { dtype: 'float64', shape: [1000], data: Float64Array.from(values) });
    expect(s.stats?.mean).toBe(1e8 + 0.5);
    expect(s.stats?.std).toBeCloseTo(0.5, 12);
  });

  it('every dtype: float16 decoded, int64 as numbers, bool as booleans without stats, strings as they are', () => {
    const h = summarizeTensor('h', { dtype: 'float16', shape: [3], data: Uint16Array.from([1, -2.5, 65504].map(floatToHalfBits)) });
    expect(h.head).toEqual([1, -2.5, 65504]);
    expect(h.stats?.max).toBe(65504);
    const i = summarizeTensor('i', { dtype: 'int64', shape: [3], data: BigInt64Array.from([-5n, 2n ** 40n, 7n]) });
    expect(i.head).toEqual([-5, 2 ** 40, 7]);
    expect(i.stats?.min).toBe(-5);
    expect(i.topk).toBeNull(); // ids, not logits
    const u = summarizeTensor('u', { dtype: 'uint8', shape: [2], data: Uint8Array.from([0, 255]) });
    expect(u.stats).toMatchObject({ min: 0, max: 255, mean: 127.5 });
    const b = summarizeTensor('b', { dtype: 'bool', shape: [3], data: Uint8Array.from([1, 0, 1]) });
    expect(b).toMatchObject({ stats: null, head: [true, false, true], topk: null });
    const s = summarizeTensor('s', { dtype: 'string', shape: [2], data: ['cat', 'dog'] });
    expect(s).toMatchObject({ count: 2, stats: null, head: ['cat', 'dog'], topk: null, heatmaps: null });
  });

  it('empty and all-NaN tensors, a 0-d tensor, and the head cut at 1,000', () => {
    expect(summarizeTensor('e', f32([0, 3], [])).stats).toBeNull();
    const n = summarizeTensor('n', f32([2], [NaN, NaN])).stats;
    expect(n?.nan).toBe(2);
    expect(n?.mean).toBeNaN();
    expect(summarizeTensor('z', f32([], [7]))).toMatchObject({ count: 1, head: [7], topk: null, heatmaps: null });
    expect(summarizeTensor('long', f32([5000], new Float32Array(5000))).head).toHaveLength(HEAD_VALUES);
  });
});

describe('top-k', () => {
  it('1-D logits: the k largest with a stable softmax (huge logits do not overflow)', () => {
    const s = summarizeTensor('logits', f32([5], [1000, 1001, 999, NaN, 1002]), 3);
    const e = [Math.exp(-2), Math.exp(-1), Math.exp(-3), 1];
    const sum = e.reduce((a, b) => a + b);
    expect(s.topk?.map((t) => t.index)).toEqual([4, 1, 0]);
    expect(s.topk?.map((t) => t.value)).toEqual([1002, 1001, 1000]);
    s.topk?.forEach((t, i) => expect(t.prob).toBeCloseTo([1, e[1] as number, e[0] as number][i]! / sum, 12));
  });

  it('2-D [rows ≤ 64, classes] uses the first row; more rows or other ranks give none', () => {
    const rows = summarizeTensor('r', f32([2, 3], [0, 5, 1, 9, 9, 9]), 2);
    expect(rows.topk?.map((t) => t.index)).toEqual([1, 2]);
    expect(summarizeTensor('tall', f32([65, 2], new Float32Array(130))).topk).toBeNull();
    expect(summarizeTensor('3d', f32([1, 1, 4], [1, 2, 3, 4])).topk).toBeNull();
  });

  it('ties keep index order; k beyond the row; an infinite logit takes all the mass', () => {
    expect(topK([3, 3, 1, 3], 4, 2).map((t) => t.index)).toEqual([0, 1]);
    expect(topK([2, 1], 2, 5)).toHaveLength(2);
    expect(topK([1, Infinity, 2], 3, 3).map((t) => t.prob)).toEqual([1, 0, 0]);
    const probs = topK([0, 0, 0, 0], 4, 4).map((t) => t.prob);
    expect(probs).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});

describe('heat maps', () => {
  it('a small [C,H,W]: each channel mapped min..max to 0..255, at full size', () => {
    const s = summarizeTensor('feat', f32([2, 2, 2], [0, 1, 2, 3, 5, 5, 5, 5]));
    expect(s.heatmaps).toHaveLength(2);
    const [a, b] = s.heatmaps as Heatmap[];
    expect(a).toMatchObject({ channel: 0, width: 2, height: 2, min: 0, max: 3 });
    expect(pixels(a!)).toEqual([0, 85, 170, 255]);
    expect(pixels(b!)).toEqual([0, 0, 0, 0]); // flat channel
  });

  it('[N,C,H,W]: the first item, at most 16 channels, the long side down to 128 by area averaging', () => {
    const [n, c, h, w] = [2, 20, 300, 512];
    const data = new Float32Array(n * c * h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[3 * h * w + y * w + x] = x; // channel 3: a ramp
    const s = summarizeTensor('seg', f32([n, c, h, w], data));
    expect(s.heatmaps).toHaveLength(16);
    const ramp = s.heatmaps?.[3] as Heatmap;
    expect(ramp).toMatchObject({ width: 128, height: 75, min: 1.5, max: 509.5 }); // 4×4 blocks: means of x..x+3
    const row = pixels(ramp).slice(0, 128);
    expect(row[0]).toBe(0);
    expect(row[127]).toBe(255);
    expect(row.every((v, i) => i === 0 || v >= (row[i - 1] as number))).toBe(true);
  });

  it('leaves NaN out of the averages and paints an all-NaN cell black', () => {
    const s = summarizeTensor('nan', f32([1, 2, 2], [NaN, 4, 2, NaN]));
    expect(s.heatmaps?.[0]).toMatchObject({ min: 2, max: 4 });
    expect(pixels(s.heatmaps?.[0] as Heatmap)).toEqual([0, 255, 0, 0]);
  });
});

describe('base64', () => {
  it('matches Buffer for every length mod 3 and all byte values', () => {
    for (const len of [0, 1, 2, 3, 4, 5, 256, 10_001]) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 37 + 11) & 255);
      expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });
});

describe('latencyStats', () => {
  it('no samples: zeros; one sample: itself', () => {
    expect(latencyStats([])).toEqual({ min: 0, mean: 0, std: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 });
    expect(latencyStats([3])).toEqual({ min: 3, mean: 3, std: 0, p50: 3, p90: 3, p95: 3, p99: 3, p999: 3, max: 3 });
  });

  it('interpolates between ranks', () => {
    const s = latencyStats([4, 1, 3, 2]); // sorted 1 2 3 4: p50 at rank 1.5, p90 at 2.7
    expect(s.p50).toBe(2.5);
    expect(s.p90).toBeCloseTo(3.7, 12);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(1.25), 12);
  });
});

describe('speed', () => {
  it('summarises 10 M float32 values (a [1,10,1000,1000] output) in well under a second', () => {
    const data = new Float32Array(10_000_000);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i) * 3;
    data[5] = NaN;
    const t0 = performance.now();
    const s = summarizeTensor('big', f32([1, 10, 1000, 1000], data));
    const ms = performance.now() - t0;
    const t1 = performance.now();
    summarizeTensor('logits', f32([1, 10_000_000], data));
    const logitsMs = performance.now() - t1;
    console.log(`summarizeTensor over 10 M float32: ${ms.toFixed(0)} ms as [1,10,1000,1000] (stats + 10 heat maps), ${logitsMs.toFixed(0)} ms as [1,10M] logits (stats + top-5 + softmax)`);
    expect(s.stats?.nan).toBe(1);
    expect(s.heatmaps).toHaveLength(10);
    expect(ms).toBeLessThan(2000);
    expect(logitsMs).toBeLessThan(2000);
  });
});
