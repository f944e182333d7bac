import { describe, expect, it } from 'vitest';
import type { GradStep, GradWatch } from '../../src-main/common/protocols/grads';
import { applyBatch, applyHistory, CELL_INF, CELL_MISSING, CELL_NAN, CELL_OK, columnOfStep, emptySession, layerSeries, newWatch, overheadOf, appendSteps } from './grad-data';

const W: GradWatch = { watch: 'w1', model: 'Net', layers: ['a.weight', 'b.weight', 'c.weight'], every: 1, histograms: true, startedAt: 0 };

function step(n: number, g: (number | null)[], extra: Partial<GradStep> = {}): GradStep {
  return { watch: 'w1', step: n, gradNorm: g, weightNorm: g.map(() => 2), updateRatio: g.map(() => null), nan: g.map(() => 0), inf: g.map(() => 0), hist: null, overheadMs: 1, stepMs: 10, ...extra };
}

describe('grad-data', () => {
  it('appends steps step-major into growing typed arrays, flags and all', () => {
    const w = newWatch(W);
    const steps = Array.from({ length: 200 }, (_, i) => step(i, [i, i * 2, null]));
    expect(appendSteps(w, steps.slice(0, 100))).toBe(100);
    expect(appendSteps(w, steps.slice(100))).toBe(100);
    expect(w.length).toBe(200);
    expect(w.capacity).toBeGreaterThanOrEqual(200);
    expect(w.grad[150 * 3 + 1]).toBe(300);
    expect(w.flags[150 * 3 + 2]).toBe(CELL_MISSING);
    expect(Array.from(layerSeries(w, 0, 'grad').subarray(0, 3))).toEqual([0, 1, 2]);
    expect(layerSeries(w, 0, 'weight')[7]).toBe(2);
    expect(Number.isNaN(layerSeries(w, 0, 'update')[7])).toBe(true);
    expect(w.version).toBe(2);
  });

  it('tells NaN from Inf from no gradient', () => {
    const w = newWatch(W);
    appendSteps(w, [step(0, [null, null, 1], { nan: [1, 0, 0], inf: [0, 2, 0] })]);
    expect([w.flags[0], w.flags[1], w.flags[2]]).toEqual([CELL_NAN, CELL_INF, CELL_OK]);
    expect(Number.isNaN(w.grad[0])).toBe(true);
  });

  it('skips steps already held (history and live batches overlap)', () => {
    const w = newWatch(W);
    appendSteps(w, [step(1, [1, 1, 1]), step(2, [1, 1, 1])]);
    expect(appendSteps(w, [step(2, [9, 9, 9]), step(3, [3, 3, 3])])).toBe(1);
    expect(Array.from(w.steps.subarray(0, w.length))).toEqual([1, 2, 3]);
    expect(columnOfStep(w, 2)).toBe(1);
    expect(columnOfStep(w, 2.5)).toBe(1);
    expect(columnOfStep(w, 0)).toBe(-1);
  });

  it('keeps histograms per step and the mean overhead', () => {
    const w = newWatch(W);
    const hist = [[0, 1, ...Array<number>(32).fill(1)], null, null];
    appendSteps(w, [step(0, [1, 1, 1], { hist, overheadMs: 2, stepMs: 20 }), step(1, [1, 1, 1], { overheadMs: 4, stepMs: null })]);
    expect(w.hist[0]![1]).toBe(1);
    expect(Number.isNaN(w.hist[0]![34])).toBe(true);
    expect(w.hist[1]).toBeNull();
    expect(overheadOf(w)).toEqual({ meanOverheadMs: 3, meanStepMs: 20, fraction: 0.15 });
  });

  it('merges a history that starts before the live batches already held', () => {
    const g = emptySession('s1');
    applyBatch(g, { sessionId: 's1', watches: [W], steps: [step(5, [5, 5, 5]), step(6, [6, 6, 6])], nans: [], scalars: [{ name: 'loss', step: 6, value: 0.5 }], unwatched: [] });
    applyHistory(g, {
      sessionId: 's1',
      watches: [{ ...W, active: true }],
      steps: [step(1, [1, 1, 1]), step(5, [5, 5, 5])],
      nans: [],
      scalars: [{ name: 'loss', step: 1, value: 2 }],
      dropped: 0,
    });
    const w = g.watches.get('w1')!;
    expect(Array.from(w.steps.subarray(0, w.length))).toEqual([1, 5, 6]);
    const loss = g.scalars.get('loss')!;
    expect(Array.from(loss.steps.subarray(0, loss.length))).toEqual([1, 6]);
    applyBatch(g, { sessionId: 's1', watches: [], steps: [], nans: [], scalars: [], unwatched: ['w1'] });
    expect(g.watches.get('w1')!.active).toBe(false);
  });
});
