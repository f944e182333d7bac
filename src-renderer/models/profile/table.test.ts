import { describe, expect, it } from 'vitest';
import { nodeRow } from './fixtures';
import { DEFAULT_SORT, acceleratorsRequested, filterRows, formatShare, formatUs, isFallback, nextSort, parseFilter, sortRows, totals } from './table';

const rows = [
  nodeRow({ name: '/layer1/conv1/Conv', op: 'Conv', ep: 'cuda', totalUs: 500, calls: 10 }),
  nodeRow({ name: '/layer1/relu/Relu', op: 'Relu', ep: 'cpu', totalUs: 40, calls: 10 }),
  nodeRow({ name: '/fc/Gemm', op: 'Gemm', ep: 'cuda', totalUs: 120, calls: 10 }),
  nodeRow({ name: '/layer10/ConvTranspose', op: 'ConvTranspose', ep: 'cpu', totalUs: 120, calls: 5 }),
];

describe('sorting', () => {
  it('starts in run order; by total, largest first, ties keep name order', () => {
    expect(DEFAULT_SORT).toBeNull();
    expect(sortRows(rows, DEFAULT_SORT)).toEqual(rows);
    expect(nextSort(null, 'totalUs')).toEqual({ key: 'totalUs', dir: 'desc' });
    expect(sortRows(rows, { key: 'totalUs', dir: 'desc' }).map((r) => r.name)).toEqual(['/layer1/conv1/Conv', '/fc/Gemm', '/layer10/ConvTranspose', '/layer1/relu/Relu']);
  });

  it('a click on a new number column sorts descending, on a text column ascending; a second click reverses', () => {
    expect(nextSort({ key: 'totalUs', dir: 'desc' }, 'calls')).toEqual({ key: 'calls', dir: 'desc' });
    expect(nextSort({ key: 'totalUs', dir: 'desc' }, 'op')).toEqual({ key: 'op', dir: 'asc' });
    expect(nextSort({ key: 'op', dir: 'asc' }, 'op')).toEqual({ key: 'op', dir: 'desc' });
    expect(sortRows(rows, { key: 'op', dir: 'asc' }).map((r) => r.op)).toEqual(['Conv', 'ConvTranspose', 'Gemm', 'Relu']);
    expect(sortRows(rows, { key: 'calls', dir: 'asc' })[0]!.name).toBe('/layer10/ConvTranspose');
  });

  it('sorts names naturally (layer2 before layer10) and does not touch its input', () => {
    const named = [nodeRow({ name: 'layer10' }), nodeRow({ name: 'layer2' })];
    expect(sortRows(named, { key: 'name', dir: 'asc' }).map((r) => r.name)).toEqual(['layer2', 'layer10']);
    expect(named[0]!.name).toBe('layer10');
  });
});

describe('filtering', () => {
  it('parses field prefixes and free words', () => {
    expect(parseFilter('  op:Conv EP:cpu layer1 name:relu op: ')).toEqual({ words: ['layer1'], op: ['conv'], ep: ['cpu'], name: ['relu'] });
  });

  it('free words match name, op or EP; op: is a prefix of the op type; fields combine with and', () => {
    expect(filterRows(rows, 'relu').map((r) => r.name)).toEqual(['/layer1/relu/Relu']);
    expect(filterRows(rows, 'op:conv').map((r) => r.op)).toEqual(['Conv', 'ConvTranspose']);
    expect(filterRows(rows, 'op:conv ep:cpu').map((r) => r.op)).toEqual(['ConvTranspose']);
    expect(filterRows(rows, 'cuda').length).toBe(2);
    expect(filterRows(rows, 'name:layer1 ep:cuda').map((r) => r.name)).toEqual(['/layer1/conv1/Conv']);
    expect(filterRows(rows, 'nothing-like-this')).toEqual([]);
    expect(filterRows(rows, '   ')).toBe(rows);
  });
});

describe('CPU fallbacks', () => {
  it('are CPU rows when a non-CPU EP was requested, and nothing when only CPU was', () => {
    expect(acceleratorsRequested(['cuda', 'cpu'])).toEqual(['cuda']);
    expect(rows.filter((r) => isFallback(r, ['cuda', 'cpu'])).map((r) => r.op)).toEqual(['Relu', 'ConvTranspose']);
    expect(rows.filter((r) => isFallback(r, ['cpu']))).toEqual([]);
    expect(rows.filter((r) => isFallback(r, []))).toEqual([]);
    expect(totals(rows, ['cuda'])).toMatchObject({ rows: 4, calls: 35, totalUs: 780, fallbacks: 2 });
  });
});

describe('formatting', () => {
  it('picks the unit that reads best', () => {
    expect(formatUs(0.5)).toBe('0.50 µs');
    expect(formatUs(7.25)).toBe('7.3 µs');
    expect(formatUs(850)).toBe('850 µs');
    expect(formatUs(1234)).toBe('1.23 ms');
    expect(formatUs(12_400)).toBe('12.4 ms');
    expect(formatUs(3_210_000)).toBe('3.21 s');
    expect(formatUs(NaN)).toBe('—');
    expect(formatShare(0.4567)).toBe('45.7 %');
    expect(formatShare(0.0123)).toBe('1.23 %');
  });
});
