import { describe, expect, it } from 'vitest';
import { diffProfiles } from '../../../src-main/common/onnx/profile-diff';
import { parseTrace } from '../../../src-main/common/onnx/profile-trace';
import int8Trace from '../../../src-main/common/onnx/__fixtures__/traces/int8_qdq.ort.json?raw';
import cnnTrace from '../../../src-main/common/onnx/__fixtures__/traces/small_cnn.ort.json?raw';
import { distinctLabels } from './DiffView';
import { describeRatio, runsOf, splitDiff } from './diff';
import { nodeRow, summaryOf } from './fixtures';
import { metaLabel, splitProfiles } from './labels';

function parsed(text: string) {
  const r = parseTrace(text);
  if (!r.ok) throw new Error(r.message);
  return r.value.summary;
}

describe('the diff view', () => {
  it('splits rows into both / only in A / only in B', () => {
    const a = summaryOf([nodeRow({ name: 'conv', op: 'Conv', totalUs: 300 }), nodeRow({ name: 'relu', op: 'Relu', totalUs: 100 })]);
    const b = summaryOf([nodeRow({ name: 'conv', op: 'Conv', totalUs: 150 }), nodeRow({ name: 'q', op: 'QuantizeLinear', totalUs: 20 }), nodeRow({ name: 'dq', op: 'DequantizeLinear', totalUs: 30 })]);
    const parts = splitDiff(diffProfiles(a, b));
    expect(parts.nodes.map((r) => r.key)).toEqual(['conv']);
    expect(parts.nodes[0]).toMatchObject({ aUs: 300, bUs: 150, ratio: 0.5, deltaUs: -150 });
    expect(parts.onlyA.map((r) => r.key)).toEqual(['relu']);
    expect(parts.onlyB.map((r) => r.key)).toEqual(['dq', 'q']);
    expect(parts.opsOnlyB.map((r) => r.key)).toEqual(['DequantizeLinear', 'QuantizeLinear']);
  });

  it('on two real traces (fp32 CNN vs int8 QDQ), names the quantisation op types as B-only', () => {
    const a = parsed(cnnTrace);
    const b = parsed(int8Trace);
    const diff = diffProfiles(a, b, { a: 'fp32', b: 'int8' });
    const parts = splitDiff(diff);
    const bOnly = parts.opsOnlyB.map((r) => r.key);
    expect(bOnly).toContain('QuantizeLinear');
    expect(bOnly).toContain('DequantizeLinear');
    expect(diff.verdict).toMatch(/^int8 is .* (faster|slower|the same time)/);
    expect(parts.ops.every((r) => r.aUs > 0 && r.bUs > 0)).toBe(true);
    expect(runsOf(a)).toBe(a.runs.length);
  });

  it('describes ratios in words and labels the sides', () => {
    expect(describeRatio(0.5)).toBe('2.00× faster');
    expect(describeRatio(1.5)).toBe('1.50× slower');
    expect(describeRatio(1.01)).toBe('about the same');
    expect(describeRatio(null)).toBe('—');
    expect(distinctLabels('cpu · opt disabled', 'cpu · opt disabled')).toEqual({ a: 'A', b: 'B' });
    expect(distinctLabels('cpu', 'cuda')).toEqual({ a: 'cpu', b: 'cuda' });
    const meta = { version: 1 as const, createdAt: '', source: 'app' as const, model: { path: 'm.onnx', sha256: '' }, eps: ['cuda', 'cpu'], graphOptimization: 'disabled', warmup: 1, runs: 2 };
    expect(metaLabel(meta, '.lathe/profiles/x.json')).toBe('cuda→cpu · opt disabled');
    expect(metaLabel(null, 'traces/torch.json')).toBe('torch.json');
    const entries = [{ meta }, { meta: null }, { meta: { ...meta, model: { path: 'other.onnx', sha256: '' } } }];
    const split = splitProfiles(entries, 'm.onnx');
    expect(split.mine).toEqual([entries[0]]);
    expect(split.others).toEqual([entries[1], entries[2]]);
  });
});
