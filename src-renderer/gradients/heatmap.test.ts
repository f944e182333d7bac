import { describe, expect, it } from 'vitest';
import type { GradWatch } from '../../src-main/common/protocols/grads';
import { appendSteps, newWatch } from './grad-data';
import { BAD_RGB, bucketStarts, cellAt, describeCell, downsample, paint, rampColour, scaleRange } from './heatmap';

function watchOf(layers: number, steps: number, norm: (l: number, s: number) => number | null) {
  const info: GradWatch = { watch: 'w1', model: 'M', layers: Array.from({ length: layers }, (_, i) => `l${i}`), every: 1, histograms: false, startedAt: 0 };
  const w = newWatch(info);
  appendSteps(
    w,
    Array.from({ length: steps }, (_, s) => {
      const g = Array.from({ length: layers }, (_, l) => norm(l, s));
      return { watch: 'w1', step: s, gradNorm: g, weightNorm: g, updateRatio: g, nan: g.map((v) => (v === null && s % 2 === 1 ? 1 : 0)), inf: g.map(() => 0), hist: null, overheadMs: 0, stepMs: null };
    }),
  );
  return w;
}

describe('heat map', () => {
  it('buckets columns evenly, never more buckets than steps', () => {
    expect(Array.from(bucketStarts(10, 4))).toEqual([0, 2, 5, 7, 10]);
    expect(Array.from(bucketStarts(3, 100))).toEqual([0, 1, 2, 3]);
    expect(Array.from(bucketStarts(0, 100))).toEqual([0]);
  });

  it('takes the max (or mean) of log10 per bucket and marks non-finite buckets', () => {
    const w = watchOf(2, 4, (l, s) => (l === 1 && s === 3 ? null : 10 ** (s - 2)));
    const max = downsample(w, 2, 'max');
    expect([max.rows, max.cols]).toEqual([2, 2]);
    expect(Array.from(max.values.subarray(0, 2))).toEqual([-1, 1]);
    expect(max.bad[3]).toBe(1);
    expect(max.values[3]).toBe(0);
    const mean = downsample(w, 2, 'mean');
    expect(mean.values[0]).toBeCloseTo(-1.5);
    expect([max.min, max.max]).toEqual([-1, 1]);
  });

  it('downsamples 500 layers × 10,000 steps into a 1,000-pixel-wide map quickly', () => {
    const w = watchOf(500, 10_000, (l, s) => (l + 1) * (s + 1) * 1e-6);
    const t0 = performance.now();
    const d = downsample(w, 1000, 'max');
    const px = paint(d, scaleRange(d.min, d.max), [255, 255, 255]);
    const ms = performance.now() - t0;
    console.log(`downsample+paint 500 × 10,000 → 1,000 px: ${ms.toFixed(0)} ms`);
    expect(d.cols).toBe(1000);
    expect(px.length).toBe(500 * 1000 * 4);
    // Loose (2 shared cores under load): it takes about 100 ms on an idle machine.
    expect(ms).toBeLessThan(2000);
  });

  it('colours: a ramp from dark to bright, a distinct colour for NaN/Inf, background for no gradient', () => {
    const lo = rampColour(0);
    const hi = rampColour(1);
    expect(lo[0] + lo[1] + lo[2]).toBeLessThan(hi[0] + hi[1] + hi[2]);
    expect(rampColour(2)).toEqual(hi);
    const w = watchOf(1, 3, (_l, s) => (s === 0 ? 1 : s === 1 ? null : null));
    const d = downsample(w, 3);
    const px = paint(d, [-1, 1], [1, 2, 3]);
    expect(Array.from(px.subarray(4, 7))).toEqual([...BAD_RGB]);
    expect(Array.from(px.subarray(8, 11))).toEqual([1, 2, 3]);
    expect(scaleRange(null, null)).toEqual([-8, 0]);
    expect(scaleRange(-2, -2)).toEqual([-2.5, -1.5]);
  });

  it('finds the cell under the pointer and describes it', () => {
    const w = watchOf(4, 100, (l, s) => (l === 2 && s === 51 ? null : 0.5));
    const d = downsample(w, 50);
    expect(cellAt(d, 0, 0, 100, 40)).toEqual({ row: 0, column: 0 });
    expect(cellAt(d, 99, 39, 100, 40)).toEqual({ row: 3, column: 98 });
    expect(cellAt(d, 100, 0, 100, 40)).toBeNull();
    expect(describeCell(w, 51, 2)).toBe('NaN');
    expect(describeCell(w, 50, 2)).toBe('0.500');
  });
});
