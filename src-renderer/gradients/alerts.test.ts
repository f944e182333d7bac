import { describe, expect, it } from 'vitest';
import type { GradWatch } from '../../src-main/common/protocols/grads';
import { DEFAULT_THRESHOLDS, nanAlerts, newScan, scanAlerts, thresholdsOf } from './alerts';
import { appendSteps, newWatch } from './grad-data';

const info: GradWatch = { watch: 'w1', model: 'M', layers: ['fc1.weight', 'fc2.weight'], every: 1, histograms: false, startedAt: 0 };

function feed(w: ReturnType<typeof newWatch>, from: number, rows: readonly (readonly [number | null, number | null])[], nanAt: number | null = null) {
  appendSteps(
    w,
    rows.map((g, i) => ({
      watch: 'w1',
      step: (from + i) * 10,
      gradNorm: [...g],
      weightNorm: [1, 1],
      updateRatio: [null, null],
      nan: from + i === nanAt ? [0, 1] : [0, 0],
      inf: [0, 0],
      hist: null,
      overheadMs: 0,
      stepMs: null,
    })),
  );
}

describe('alerts', () => {
  it('vanishing: k logged steps in a row under the threshold, once per episode', () => {
    const w = newWatch(info);
    const scan = newScan(2, { ...DEFAULT_THRESHOLDS, vanishingSteps: 3 });
    feed(w, 0, [[1e-8, 1], [1e-8, 1], [1, 1], [1e-8, 1], [1e-8, 1]]);
    expect(scanAlerts(scan, w)).toEqual([]);
    feed(w, 5, [[1e-9, 1], [1e-9, 1], [1e-9, 1]]);
    const fired = scanAlerts(scan, w);
    expect(fired.map((a) => [a.kind, a.layer, a.step])).toEqual([['vanishing', 'fc1.weight', 30]]);
    feed(w, 8, [[1, 1], [1e-8, 1], [1e-8, 1], [1e-8, 1]]);
    expect(scanAlerts(scan, w).map((a) => [a.kind, a.step])).toEqual([['vanishing', 90]]);
    expect(scan.alerts).toHaveLength(2);
  });

  it('exploding over the threshold, and a ×jumpFactor jump in one step', () => {
    const w = newWatch(info);
    const scan = newScan(2, DEFAULT_THRESHOLDS);
    feed(w, 0, [[1, 0.01], [2000, 0.02], [3000, 0.5], [1, 0.6], [5000, 0.7]]);
    const fired = scanAlerts(scan, w);
    expect(fired.map((a) => [a.kind, a.layer, a.step])).toEqual([
      ['exploding', 'fc1.weight', 10],
      ['jump', 'fc2.weight', 20],
      ['exploding', 'fc1.weight', 40],
    ]);
    expect(fired[1]!.message).toContain('×25');
  });

  it('NaN/Inf names the layer and step; the driver’s first-NaN record carries its source', () => {
    const w = newWatch(info);
    const scan = newScan(2, DEFAULT_THRESHOLDS);
    feed(w, 0, [[1, 1], [1, null], [1, null]], 1);
    const fired = scanAlerts(scan, w);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ kind: 'nan', layer: 'fc2.weight', step: 10, layerIndex: 1 });
    expect(fired[0]!.message).toBe('NaN gradient in fc2.weight at step 10');
    const records = nanAlerts(
      [
        { watch: 'w1', step: 10, kind: 'grad', module: 'fc2', layer: 'fc2.weight', file: '/p/model.py', line: 12 },
        { watch: 'w9', step: 1, kind: 'forward', module: 'x', layer: null, file: null, line: null },
      ],
      w,
    );
    expect(records).toEqual([
      { kind: 'first-nan', watch: 'w1', step: 10, layer: 'fc2.weight', layerIndex: 1, message: 'First non-finite gradient: fc2.weight (backward) at step 10', file: '/p/model.py', line: 12 },
    ]);
  });

  it('thresholds come from settings, with defaults for missing or invalid values', () => {
    expect(thresholdsOf({})).toEqual(DEFAULT_THRESHOLDS);
    expect(thresholdsOf({ 'gradients.vanishingNorm': 1e-5, 'gradients.vanishingSteps': 0, 'gradients.explodingNorm': 'x', 'gradients.jumpFactor': 4 })).toEqual({
      vanishingNorm: 1e-5,
      vanishingSteps: 5,
      explodingNorm: 1e3,
      jumpFactor: 4,
    });
  });
});
