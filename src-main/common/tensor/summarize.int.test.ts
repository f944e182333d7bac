/**
 * Summaries against numpy (`/usr/bin/python3`) on the same numbers: stats over the finite values
 * (np.nanmin/max/mean/std after masking ±Inf), the top-5 with softmax (scipy-style stable softmax in
 * numpy), heat maps of an exact 4× shrink (numpy block means), and the benchmark percentiles
 * (np.percentile, default 'linear' method) for sample counts from 1 to 1,001.
 * Data goes over as .npy files written by Lathe's writeNpy; numpy answers in JSON.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../../../test/skip';
import { writeNpy } from './npy';
import { mulberry32, normal } from './random';
import { latencyStats, summarizeTensor } from './summarize';
import type { Tensor } from './tensor-types';

const PYTHON = '/usr/bin/python3';
const hasNumpy = existsSync(PYTHON) && (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
})();

const dir = mkdtempSync(join(tmpdir(), 'lathe-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function numpy<T>(script: string, tensors: Record<string, Tensor>): T {
  for (const [name, t] of Object.entries(tensors)) writeFileSync(join(dir, `${name}.npy`), writeNpy(t));
  const prelude = `import json, sys, numpy as np\nD = ${JSON.stringify(dir)}\nload = lambda n: np.load(D + "/" + n + ".npy")\n`;
  return JSON.parse(execFileSync(PYTHON, ['-c', prelude + script], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 })) as T;
}

/** Relative closeness for figures numpy computes in float64 with pairwise sums. */
const close = (a: number, b: number, rel = 1e-9): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

describe.skipIf(missing(!hasNumpy && `${PYTHON} with numpy is missing: summaries are not checked against numpy`))('summaries against numpy', () => {
  it('stats over finite values with NaN/±Inf counts (float32, float64, int64)', () => {
    const next = normal(11, 3, 7);
    const f32 = new Float32Array(1_000_003).map(() => next());
    for (let i = 0; i < 50; i++) f32[i * 977] = [NaN, Infinity, -Infinity][i % 3] as number;
    const f64 = Float64Array.from({ length: 10_001 }, (_, i) => 1e6 + Math.cos(i) * 1e-3);
    const i64 = BigInt64Array.from({ length: 1000 }, (_, i) => BigInt(i * i) - 300_000n);
    const tensors: Record<string, Tensor> = {
      f32: { dtype: 'float32', shape: [1_000_003], data: f32 },
      f64: { dtype: 'float64', shape: [10_001], data: f64 },
      i64: { dtype: 'int64', shape: [10, 100], data: i64 },
    };
    const want = numpy<Record<string, number[]>>(
      `
out = {}
for n in ["f32", "f64", "i64"]:
    a = load(n).astype(np.float64).ravel()
    f = a[np.isfinite(a)]
    out[n] = [f.min(), f.max(), f.mean(), f.std(), int(np.isnan(a).sum()), int(np.isposinf(a).sum()), int(np.isneginf(a).sum())]
print(json.dumps(out))`,
      tensors,
    );
    for (const [name, t] of Object.entries(tensors)) {
      const s = summarizeTensor(name, t).stats;
      const [min, max, mean, std, nan, posInf, negInf] = want[name] as number[];
      expect(s, name).not.toBeNull();
      expect(s!.min, name).toBe(min);
      expect(s!.max, name).toBe(max);
      expect(close(s!.mean, mean as number), `${name} mean ${s!.mean} vs ${mean}`).toBe(true);
      expect(close(s!.std, std as number, 1e-7), `${name} std ${s!.std} vs ${std}`).toBe(true);
      expect([s!.nan, s!.posInf, s!.negInf], name).toEqual([nan, posInf, negInf]);
    }
  });

  it('top-5 with softmax of [1, 1000] logits', () => {
    const next = normal(12, 0, 4);
    const logits = new Float32Array(1000).map(() => next());
    const want = numpy<{ index: number[]; prob: number[] }>(
      `
a = load("logits")[0].astype(np.float64)
e = np.exp(a - a.max())
p = e / e.sum()
order = np.argsort(-a, kind="stable")[:5]
print(json.dumps({"index": order.tolist(), "prob": p[order].tolist()}))`,
      { logits: { dtype: 'float32', shape: [1, 1000], data: logits } },
    );
    const top = summarizeTensor('logits', { dtype: 'float32', shape: [1, 1000], data: logits }).topk!;
    expect(top.map((t) => t.index)).toEqual(want.index);
    top.forEach((t, i) => expect(close(t.prob, want.prob[i] as number, 1e-12)).toBe(true));
  });

  it('heat maps: a 4× shrink is numpy block means, scaled min..max to 0..255', () => {
    const rand = mulberry32(13);
    const data = new Float32Array(2 * 3 * 256 * 512).map(() => rand() * 10 - 5);
    const want = numpy<{ pixels: number[][]; min: number[]; max: number[] }>(
      `
a = load("seg")[0].astype(np.float64)              # first item: C x 256 x 512
m = a.reshape(3, 64, 4, 128, 4).mean(axis=(2, 4))  # 4x4 blocks
lo = m.min(axis=(1, 2)); hi = m.max(axis=(1, 2))
px = np.floor((m - lo[:, None, None]) / (hi - lo)[:, None, None] * 255 + 0.5).astype(int)
print(json.dumps({"pixels": [p.ravel().tolist() for p in px], "min": lo.tolist(), "max": hi.tolist()}))`,
      { seg: { dtype: 'float32', shape: [2, 3, 256, 512], data } },
    );
    const maps = summarizeTensor('seg', { dtype: 'float32', shape: [2, 3, 256, 512], data }).heatmaps!;
    expect(maps).toHaveLength(3);
    maps.forEach((h, c) => {
      expect([h.width, h.height]).toEqual([128, 64]);
      expect(close(h.min, want.min[c] as number, 1e-12) && close(h.max, want.max[c] as number, 1e-12)).toBe(true);
      const ours = [...Buffer.from(h.pixels, 'base64')];
      const theirs = want.pixels[c] as number[];
      // Rounding ties may fall either way after float sums in another order: allow one level, rarely.
      const off = ours.filter((v, i) => v !== theirs[i]);
      expect(ours.every((v, i) => Math.abs(v - (theirs[i] as number)) <= 1)).toBe(true);
      expect(off.length).toBeLessThan(5);
    });
  });

  it('latency percentiles are np.percentile (linear) for many sample counts', () => {
    const rand = mulberry32(14);
    const sets = [1, 2, 3, 7, 10, 99, 100, 101, 1000, 1001].map((n) => Array.from({ length: n }, () => Math.exp(rand() * 2) * 3 + (rand() < 0.02 ? 50 : 0)));
    sets.push([5, 5, 5, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const want = JSON.parse(
      execFileSync(
        PYTHON,
        [
          '-c',
          `import json, sys, numpy as np
out = []
for s in json.load(sys.stdin):
    a = np.array(s, dtype=np.float64)
    out.append([a.min(), a.mean(), a.std()] + np.percentile(a, [50, 90, 95, 99, 99.9]).tolist() + [a.max()])
print(json.dumps(out))`,
        ],
        { input: JSON.stringify(sets), encoding: 'utf8', timeout: 60_000 },
      ),
    ) as number[][];
    sets.forEach((s, i) => {
      const l = latencyStats(s);
      const ours = [l.min, l.mean, l.std, l.p50, l.p90, l.p95, l.p99, l.p999, l.max];
      ours.forEach((v, j) => expect(close(v, want[i]![j] as number, 1e-12), `set ${i} (n=${s.length}) figure ${j}: ${v} vs ${want[i]![j]}`).toBe(true));
    });
  });
});
