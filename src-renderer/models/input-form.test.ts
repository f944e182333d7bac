import { describe, expect, it } from 'vitest';
import type { ValueInfo } from '../../src-main/common/onnx/model-types';
import { IMAGE_PRESETS } from '../../src-main/common/tensor/tensor-types';
import { buildInputSpec, buildInputSpecs, defaultDim, defaultForm, guessLayout, imageDims, imageSizeFromDims, isEditableDim, withPreset, type InputForm } from './input-form';

const image: ValueInfo = { name: 'input', kind: 'tensor', dtype: 'float32', shape: ['batch', 3, 224, 224], doc: '' };
const nhwc: ValueInfo = { name: 'x', kind: 'tensor', dtype: 'float32', shape: [1, 'height', 'width', 3], doc: '' };
const tokens: ValueInfo = { name: 'ids', kind: 'tensor', dtype: 'int64', shape: ['batch_size', 'seq_len'], doc: '' };

describe('default dims', () => {
  it('keeps fixed dims and gives batch-like ones 1', () => {
    expect(image.shape!.map(defaultDim)).toEqual([1, 3, 224, 224]);
    expect(tokens.shape!.map(defaultDim)).toEqual([1, 1]);
    expect(['N', 'B', 'bs'].map((d) => defaultDim(d, 2))).toEqual([1, 1, 1]);
    expect(defaultDim(null, 0)).toBe(1);
    expect(defaultDim(-1, 0)).toBe(1);
  });

  it('gives height/width-like dims 224', () => {
    expect(nhwc.shape!.map(defaultDim)).toEqual([1, 224, 224, 3]);
  });

  it('lets only symbolic, unknown or negative dims be edited', () => {
    expect([3, 'batch', null, -1].map(isEditableDim)).toEqual([false, true, true, true]);
  });
});

describe('image layout guess', () => {
  it('reads where the channels are', () => {
    expect(guessLayout(['batch', 3, 224, 224])).toBe('NCHW');
    expect(guessLayout([1, 'h', 'w', 3])).toBe('NHWC');
    expect(guessLayout([1, 224, 224, 1])).toBe('NHWC');
    expect(guessLayout([3, 32, 32])).toBe('NCHW');
    expect(guessLayout(['n', 'c', 'h', 'w'])).toBe('NCHW');
    expect(guessLayout(null)).toBe('NCHW');
  });

  it('takes the image size from the dims', () => {
    expect(imageSizeFromDims([1, 3, 240, 320], 'NCHW')).toEqual({ width: 320, height: 240 });
    expect(imageSizeFromDims([1, 240, 320, 3], 'NHWC')).toEqual({ width: 320, height: 240 });
    expect(imageSizeFromDims([10], 'NCHW')).toEqual({ width: 224, height: 224 });
    expect(imageDims({ width: 320, height: 240, layout: 'NHWC' }, 4)).toEqual([1, 240, 320, 3]);
    expect(imageDims({ width: 320, height: 240, layout: 'NCHW' }, 3)).toEqual([3, 240, 320]);
  });
});

describe('input spec building', () => {
  it('builds the default: seeded normal random with concrete dims', () => {
    const r = buildInputSpec(defaultForm(image), image);
    expect(r).toEqual({ ok: true, spec: { name: 'input', dtype: 'float32', dims: [1, 3, 224, 224], source: { kind: 'random', distribution: 'normal', seed: 0, mean: 0, std: 1 } } });
  });

  it('makes integer inputs uniform', () => {
    const r = buildInputSpec({ ...defaultForm(tokens), dims: [2, 8] }, tokens);
    expect(r).toEqual({ ok: true, spec: { name: 'ids', dtype: 'int64', dims: [2, 8], source: { kind: 'random', distribution: 'uniform', seed: 0, low: 0, high: 10 } } });
  });

  it('refuses a symbolic dim below 1, naming it', () => {
    const r = buildInputSpec({ ...defaultForm(tokens), dims: [0, 8] }, tokens);
    expect(r).toEqual({ ok: false, problem: 'ids: dim 0 (batch_size) must be at least 1.' });
    expect(buildInputSpec({ ...defaultForm(tokens), dims: [1.5, 8] }, tokens).ok).toBe(false);
  });

  it('refuses an empty JSON, one that does not parse, and one with the wrong count', () => {
    const json = (jsonText: string): InputForm => ({ ...defaultForm(tokens), dims: [1, 3], source: 'json', jsonText });
    expect(buildInputSpec(json('  '), tokens)).toMatchObject({ ok: false, problem: expect.stringContaining('the JSON is empty') });
    expect(buildInputSpec(json('[1, 2'), tokens)).toMatchObject({ ok: false, problem: expect.stringContaining('does not parse') });
    expect(buildInputSpec(json('{"a": 1}'), tokens)).toMatchObject({ ok: false, problem: expect.stringContaining('must be an array') });
    expect(buildInputSpec(json('[[1, 2]]'), tokens)).toEqual({ ok: false, problem: 'ids: the JSON has 2 values; shape [1, 3] needs 3.' });
    expect(buildInputSpec(json('[[1, 2, 3]]'), tokens)).toEqual({ ok: true, spec: { name: 'ids', dtype: 'int64', dims: [1, 3], source: { kind: 'json', text: '[[1, 2, 3]]' } } });
  });

  it('wants a .npy path for the npy source', () => {
    const form = { ...defaultForm(image), source: 'npy' as const };
    expect(buildInputSpec(form, image).ok).toBe(false);
    expect(buildInputSpec({ ...form, npyPath: 'data/x.txt' }, image)).toMatchObject({ ok: false });
    expect(buildInputSpec({ ...form, npyPath: ' data/x.npy ' }, image)).toMatchObject({ ok: true, spec: { source: { kind: 'npy', path: 'data/x.npy' } } });
  });

  it('builds an image spec whose dims follow the size and layout', () => {
    const form: InputForm = { ...defaultForm(image), source: 'image', image: { ...defaultForm(image).image, path: 'cat.jpg' } };
    const r = buildInputSpec(form, image);
    expect(r).toEqual({
      ok: true,
      spec: {
        name: 'input',
        dtype: 'float32',
        dims: [1, 3, 224, 224],
        source: {
          kind: 'image',
          path: 'cat.jpg',
          preprocess: { width: 224, height: 224, fit: 'center-crop', layout: 'NCHW', order: 'RGB', ...IMAGE_PRESETS.imagenet, mean: [...IMAGE_PRESETS.imagenet.mean], std: [...IMAGE_PRESETS.imagenet.std] },
        },
      },
    });
  });

  it('refuses an image that does not fit the fixed dims, or a non-image input', () => {
    const base = defaultForm(image);
    const wrongSize: InputForm = { ...base, source: 'image', image: { ...base.image, path: 'cat.png', width: 100 } };
    expect(buildInputSpec(wrongSize, image)).toMatchObject({ ok: false, problem: expect.stringContaining('wants 224 at dim 3') });
    const wrongLayout: InputForm = { ...base, source: 'image', image: { ...base.image, path: 'cat.png', layout: 'NHWC' } };
    expect(buildInputSpec(wrongLayout, image).ok).toBe(false);
    const notImage: InputForm = { ...defaultForm(tokens), source: 'image', image: { ...base.image, path: 'cat.png' } };
    expect(buildInputSpec(notImage, tokens)).toMatchObject({ ok: false, problem: expect.stringContaining('this input is int64 of rank 2') });
    expect(buildInputSpec({ ...base, source: 'image', image: { ...base.image, path: 'cat.gif' } }, image).ok).toBe(false);
    expect(buildInputSpec({ ...base, source: 'image', image: { ...base.image, path: 'cat.png', std: [1, 0, 1] } }, image).ok).toBe(false);
  });

  it('applies presets', () => {
    const img = withPreset(defaultForm(image).image, 'symmetric');
    expect(img).toMatchObject({ preset: 'symmetric', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
  });

  it('refuses non-tensor inputs and builds all inputs in order', () => {
    const seq: ValueInfo = { name: 's', kind: 'sequence', dtype: 'float32', shape: null, doc: '' };
    expect(buildInputSpec(defaultForm(seq), seq)).toMatchObject({ ok: false, problem: expect.stringContaining('tensor inputs only') });
    const all = buildInputSpecs([image, tokens], { ids: { ...defaultForm(tokens), source: 'zeros' } });
    expect(all.ok && all.specs.map((s) => [s.name, s.source.kind])).toEqual([
      ['input', 'random'],
      ['ids', 'zeros'],
    ]);
  });

  it('checks random parameters', () => {
    const f = defaultForm(image);
    expect(buildInputSpec({ ...f, random: { ...f.random, std: -1 } }, image).ok).toBe(false);
    expect(buildInputSpec({ ...f, random: { ...f.random, distribution: 'uniform', low: 2, high: 1 } }, image).ok).toBe(false);
    expect(buildInputSpec({ ...f, random: { ...f.random, seed: 0.5 } }, image).ok).toBe(false);
  });
});
