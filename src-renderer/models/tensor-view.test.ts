import { describe, expect, it } from 'vitest';
import { decodeBase64, heatmapRgba, matrixLayout, nonFiniteCount, viridis } from './tensor-view';

describe('output layout', () => {
  it('shows 2-D (after leading 1s) as rows × cols when the rows fit', () => {
    expect(matrixLayout([1, 1000], 1000)).toBeNull(); // logits: too wide, a flat list
    expect(matrixLayout([4, 10], 40)).toEqual({ rows: 4, cols: 10, totalRows: 4 });
    expect(matrixLayout([1, 1, 300, 8], 1000)).toEqual({ rows: 125, cols: 8, totalRows: 300 });
    expect(matrixLayout([2, 3, 4], 24)).toBeNull();
    expect(matrixLayout([10], 10)).toBeNull();
    expect(matrixLayout([5, 0], 0)).toBeNull();
  });
});

describe('heat maps', () => {
  it('decodes base64 bytes', () => {
    expect([...decodeBase64(btoa(String.fromCharCode(0, 127, 255)))]).toEqual([0, 127, 255]);
  });

  it('maps grey through viridis to opaque RGBA', () => {
    const lut = viridis();
    expect([...lut.slice(0, 3)]).toEqual([68, 1, 84]);
    expect([...lut.slice(255 * 3)]).toEqual([253, 231, 37]);
    const rgba = heatmapRgba(new Uint8Array([0, 255]));
    expect([...rgba]).toEqual([68, 1, 84, 255, 253, 231, 37, 255]);
    // Brightness rises along the map (a perceptual map reads low → high).
    const luma = (i: number) => 0.2126 * lut[i * 3]! + 0.7152 * lut[i * 3 + 1]! + 0.0722 * lut[i * 3 + 2]!;
    for (let i = 8; i < 256; i += 8) expect(luma(i)).toBeGreaterThan(luma(i - 8));
  });

  it('counts NaN and infinities', () => {
    expect(nonFiniteCount({ min: 0, max: 1, mean: 0, std: 0, nan: 2, posInf: 1, negInf: 1 })).toBe(4);
    expect(nonFiniteCount(null)).toBe(0);
  });
});
