import { describe, expect, it } from 'vitest';
import type { GradHistory } from '../../common/protocols/grads';
import { gradsCsv, gradsJson } from './grad-export';

const history: GradHistory = {
  sessionId: 's1',
  watches: [{ watch: 'w1', model: 'MLP', layers: ['fc1.weight', 'fc1.bias'], every: 1, histograms: false, startedAt: 0, active: true }],
  steps: [
    { watch: 'w1', step: 1, gradNorm: [0.5, null], weightNorm: [2, 0.1], updateRatio: [null, null], nan: [0, 0], inf: [0, 0], hist: null, overheadMs: 0.2, stepMs: 3 },
    { watch: 'w1', step: 2, gradNorm: [0.25, 0.01], weightNorm: [2.1, 0.1], updateRatio: [0.01, 0.02], nan: [0, 3], inf: [0, 0], hist: null, overheadMs: 0.2, stepMs: 3 },
  ],
  nans: [],
  scalars: [{ name: 'loss', step: 2, value: 1.5 }],
  dropped: 0,
};

describe('gradient export', () => {
  it('CSV: a row per step and layer, empty cells for missing values, scalars after', () => {
    expect(gradsCsv(history, null).split('\n')).toEqual([
      'watch,step,layer,grad_norm,weight_norm,update_ratio,nan,inf',
      'w1,1,fc1.weight,0.5,2,,0,0',
      'w1,1,fc1.bias,,0.1,,0,0',
      'w1,2,fc1.weight,0.25,2.1,0.01,0,0',
      'w1,2,fc1.bias,0.01,0.1,0.02,3,0',
      ',2,scalar:loss,1.5,,,,',
      '',
    ]);
  });

  it('JSON: the history, filtered to one watch', () => {
    expect(JSON.parse(gradsJson(history, 'w2'))).toMatchObject({ watches: [], steps: [] });
    expect(JSON.parse(gradsJson(history, 'w1')).steps).toHaveLength(2);
  });
});
