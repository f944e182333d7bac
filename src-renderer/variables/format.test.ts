import { describe, expect, it } from 'vitest';
import type { VariableInfo } from '../../src-main/common/contract';
import { filterAndSort, formatNumber, shortType, summarize } from './format';

const v = (name: string, type: string, patch: Partial<VariableInfo> = {}): VariableInfo => ({ name, type, repr: '', ...patch });

describe('summarize', () => {
  it('describes a tensor by shape, dtype, device and grad, with its stats', () => {
    const s = summarize(
      v('w', 'torch.Tensor', {
        shape: [64, 3, 7, 7],
        dtype: 'torch.float32',
        device: 'cuda:0',
        requiresGrad: true,
        stats: { min: -0.25, max: 0.25, mean: 0.0001234, nan: 0, inf: 0, sampled: false },
      }),
    );
    expect(s).toEqual({ main: '64×3×7×7 float32 · cuda:0 · requires_grad', stats: 'min -0.25 · max 0.25 · mean 1.23e-4', nonFinite: null });
  });

  it('marks sampled stats and counts NaN and Inf', () => {
    const s = summarize(v('a', 'numpy.ndarray', { shape: [1000000], dtype: 'float64', stats: { min: 0, max: 1, mean: 0.5, nan: 3, inf: 1, sampled: true } }));
    expect(s.stats).toBe('min ≈0 · max ≈1 · mean ≈0.5');
    expect(s.nonFinite).toBe('≈3 NaN · ≈1 Inf');
  });

  it('a scalar array, a DataFrame and a container', () => {
    expect(summarize(v('s', 'numpy.ndarray', { shape: [], dtype: 'int64' })).main).toBe('scalar int64');
    expect(summarize(v('df', 'pandas.DataFrame', { shape: [100, 8], columns: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] })).main).toBe(
      '100 rows × 8 cols · a, b, c, d, e, f, …',
    );
    expect(summarize(v('xs', 'list', { length: 12000 })).main).toBe('len 12,000');
    expect(summarize(v('x', 'int'))).toEqual({ main: '', stats: null, nonFinite: null });
  });

  it('all-NaN stats show the counts only', () => {
    const s = summarize(v('a', 'numpy.ndarray', { shape: [2], dtype: 'float32', stats: { min: null, max: null, mean: null, nan: 2, inf: 0, sampled: false } }));
    expect(s.stats).toBeNull();
    expect(s.nonFinite).toBe('2 NaN');
  });
});

describe('formatNumber', () => {
  it('keeps numbers short', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(0.1234567)).toBe('0.1235');
    expect(formatNumber(12345678)).toBe('1.23e+7');
    expect(formatNumber(-0.00001)).toBe('-1e-5');
  });
});

describe('filterAndSort', () => {
  const vars = [v('b', 'int'), v('a', 'torch.Tensor'), v('c', 'int'), v('model', 'torch.nn.Linear')];
  it('sorts by name or by type, either way', () => {
    expect(filterAndSort(vars, '', 'name', false).map((x) => x.name)).toEqual(['a', 'b', 'c', 'model']);
    expect(filterAndSort(vars, '', 'name', true).map((x) => x.name)).toEqual(['model', 'c', 'b', 'a']);
    expect(filterAndSort(vars, '', 'type', false).map((x) => x.name)).toEqual(['b', 'c', 'model', 'a']);
  });
  it('filters by name or type, ignoring case', () => {
    expect(filterAndSort(vars, 'TORCH', 'name', false).map((x) => x.name)).toEqual(['a', 'model']);
    expect(filterAndSort(vars, 'mod', 'name', false).map((x) => x.name)).toEqual(['model']);
  });
  it('shortens qualified types', () => {
    expect(shortType('torch.Tensor')).toBe('Tensor');
    expect(shortType('int')).toBe('int');
  });
});
