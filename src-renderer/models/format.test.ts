import { describe, expect, it } from 'vitest';
import { baseName, domainName, formatBytes, formatCount, formatMs, formatPercent, formatRate, formatShape, formatType, formatValue, shortHash } from './format';

describe('model view formatting', () => {
  it('counts parameters the way people quote them', () => {
    expect(formatCount(11_689_512)).toBe('11.7 M'); // resnet18
    expect(formatCount(980)).toBe('980');
    expect(formatCount(1_000)).toBe('1 k');
    expect(formatCount(25_557_032)).toBe('25.6 M');
    expect(formatCount(175_000_000_000)).toBe('175 B');
    expect(formatCount(0)).toBe('0');
  });

  it('gives sizes in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(46_758_000)).toBe('46.8 MB');
    expect(formatBytes(1_500)).toBe('1.5 KB');
    expect(formatBytes(2_000_000_000)).toBe('2 GB');
  });

  it('gives milliseconds the precision their size needs', () => {
    expect(formatMs(0.1234)).toBe('0.123 ms');
    expect(formatMs(4.567)).toBe('4.57 ms');
    expect(formatMs(45.67)).toBe('45.7 ms');
    expect(formatMs(456.7)).toBe('457 ms');
    expect(formatMs(4567)).toBe('4.57 s');
    expect(formatMs(45_670)).toBe('45.7 s');
    expect(formatMs(null)).toBe('—');
    expect(formatMs(NaN)).toBe('—');
  });

  it('names symbolic dims and marks unknown ones', () => {
    expect(formatShape(['batch', 3, 224, 224])).toBe('[batch, 3, 224, 224]');
    expect(formatShape([null, 10])).toBe('[?, 10]');
    expect(formatShape([])).toBe('[]');
    expect(formatShape(null)).toBe('unknown rank');
  });

  it('shows the default domain as ai.onnx and non-tensor kinds with their element', () => {
    expect(domainName('')).toBe('ai.onnx');
    expect(domainName('com.microsoft')).toBe('com.microsoft');
    expect(formatType({ kind: 'tensor', dtype: 'float32' })).toBe('float32');
    expect(formatType({ kind: 'sequence', dtype: 'int64' })).toBe('sequence<int64>');
  });

  it('formats values, percentages, rates and names', () => {
    expect(formatValue(3)).toBe('3');
    expect(formatValue(0.123456789)).toBe('0.123457');
    expect(formatValue(1.5)).toBe('1.5');
    expect(formatValue(1e-7)).toBe('1.000e-7');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(true)).toBe('true');
    expect(formatPercent(0.4567)).toBe('45.7 %');
    expect(formatPercent(0.01234)).toBe('1.23 %');
    expect(formatRate(123.456)).toBe('123 /s');
    expect(formatRate(12.3456)).toBe('12.3 /s');
    expect(shortHash('a'.repeat(64))).toBe('aaaaaaaaaaaa');
    expect(baseName('models/resnet18.onnx')).toBe('resnet18.onnx');
    expect(baseName('x.onnx')).toBe('x.onnx');
  });
});
