/**
 * The input builder: every source, the checks against the model's input before building, and the
 * conversions. .npy sources read the numpy-written fixtures in `__fixtures__/` (see generate.py there);
 * images come from RGBA buffers made here (decoding is image-decode.test.ts's, the resize image.int.test.ts's).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DType, Dim } from '../onnx/model-types';
import { err, ok, type Result } from '../result';
import { buildInput, type ExpectedInput, type InputFiles, MAX_INPUT_ELEMENTS } from './build-input';
import { floatToHalfBits, fromHalfBits } from './float16';
import type { RgbaImage } from './image';
import { tensorStats } from './summarize';
import { IMAGE_PRESETS, type InputSource, type InputSpec, type Tensor } from './tensor-types';

const FIXTURES = join(__dirname, '__fixtures__');

/** Real files from the fixtures folder; one made-up 4×2 image. */
const files: InputFiles = {
  read(path) {
    try {
      return new Uint8Array(readFileSync(join(FIXTURES, path)));
    } catch {
      return null;
    }
  },
  image(path): Result<RgbaImage> {
    if (path !== 'four-by-two.png') return err('INPUT_INVALID', `Can't read the image ${path}`);
    const rgba = new Uint8Array(4 * 2 * 4);
    for (let i = 0; i < 8; i++) rgba.set([i * 30, 255 - i * 30, 100, 255], i * 4);
    return ok({ width: 4, height: 2, rgba });
  },
};

const spec = (dtype: DType, dims: number[], source: InputSource, name = 'x'): InputSpec => ({ name, dtype, dims, source });
const model = (dtype: DType, shape: Dim[] | null): ExpectedInput => ({ dtype, shape });

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r.value;
}

function failure<T>(r: Result<T>): string {
  if (r.ok) throw new Error('expected a failure');
  expect(r.code).toBe('INPUT_INVALID');
  return r.message;
}

const build = (s: InputSpec, expected: ExpectedInput | null = null): Result<Tensor> => buildInput(s, files, expected);
const numbers = (t: Tensor): number[] => Array.from(t.data as ArrayLike<number | bigint>, Number);

describe('checks against the model before building', () => {
  const resnet = model('float32', ['batch', 3, 224, 224]);
  const zeros: InputSource = { kind: 'zeros' };

  it('a fixed dim that differs', () => {
    expect(failure(build(spec('float32', [1, 3, 200, 200], zeros, 'input'), resnet))).toBe(
      "input 'input' wants float32 [batch, 3, 224, 224]; got [1, 3, 200, 200]: dim 2 is 200, the model needs 224.",
    );
  });

  it('the wrong rank, the wrong dtype, a zero batch, a negative or fractional dim', () => {
    expect(failure(build(spec('float32', [3, 224, 224], zeros, 'input'), resnet))).toBe("input 'input' wants float32 [batch, 3, 224, 224]; got [3, 224, 224]: the model needs 4 dims, not 3.");
    expect(failure(build(spec('float64', [1, 3, 224, 224], zeros, 'input'), resnet))).toBe("input 'input' wants float32 [batch, 3, 224, 224]; got float64: build it as float32.");
    expect(failure(build(spec('float32', [0, 3, 224, 224], zeros, 'input'), resnet))).toBe(
      "input 'input' wants float32 [batch, 3, 224, 224]; got [0, 3, 224, 224]: dim 0 (batch) is 0: give it a value of 1 or more.",
    );
    expect(failure(build(spec('float32', [-1, 3, 224, 224], zeros, 'input'), resnet))).toMatch(/dim 0 is -1, sizes are whole numbers/);
    expect(failure(build(spec('float32', [1.5], zeros), model('float32', [null])))).toMatch(/dim 0 is 1.5/);
    expect(failure(build(spec('float32', [2, 0], zeros)))).toBe("input 'x' is set to [2, 0]: dim 1 is 0: give it a value of 1 or more.");
  });

  it('symbolic and unknown dims take any size ≥ 1; an unknown rank takes any rank', () => {
    expect(value(build(spec('float32', [7, 3, 224, 224], zeros), resnet)).shape).toEqual([7, 3, 224, 224]);
    expect(value(build(spec('int64', [2, 5], zeros), model('int64', [null, 'seq'])))).toMatchObject({ shape: [2, 5] });
    expect(value(build(spec('int64', [2, 5, 1], zeros), model('int64', null))).shape).toEqual([2, 5, 1]);
  });

  it('more than 512 M values', () => {
    expect(failure(build(spec('float32', [1024, 1024, 513], zeros), model('float32', ['a', 'b', 'c'])))).toBe(
      `input 'x' [1024, 1024, 513] would hold 537,919,488 values; Lathe builds inputs of at most ${MAX_INPUT_ELEMENTS.toLocaleString('en-US')}.`,
    );
  });

  it('dtypes Lathe cannot build, and strings from anything but JSON', () => {
    expect(failure(build(spec('bfloat16', [2], zeros)))).toMatch(/cannot build bfloat16/);
    expect(failure(build(spec('string', [2], zeros)))).toMatch(/holds strings: give them as a JSON array/);
  });
});

describe('random', () => {
  const normal = (seed: number, extra: Partial<Extract<InputSource, { kind: 'random' }>> = {}): InputSource => ({ kind: 'random', distribution: 'normal', seed, ...extra });
  const uniform = (seed: number, extra: Partial<Extract<InputSource, { kind: 'random' }>> = {}): InputSource => ({ kind: 'random', distribution: 'uniform', seed, ...extra });

  it('is the same tensor for the same seed, another for another seed', () => {
    const a = numbers(value(build(spec('float32', [1000], normal(42)))));
    const b = numbers(value(build(spec('float32', [1000], normal(42)))));
    const c = numbers(value(build(spec('float32', [1000], normal(43)))));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    // Pinned values, so a change of generator is noticed (saved benchmarks name their seed).
    expect(a.slice(0, 3).map((v) => Number(v.toFixed(5)))).toEqual([-1.28484, 0.43278, -0.94535]);
  });

  it('normal: mean and std as asked (200,000 draws)', () => {
    const s = tensorStats(value(build(spec('float64', [200_000], normal(1)))).data as Float64Array);
    expect(Math.abs(s.mean)).toBeLessThan(0.01);
    expect(Math.abs(s.std - 1)).toBeLessThan(0.01);
    const t = tensorStats(value(build(spec('float32', [200_000], normal(2, { mean: 5, std: 0.5 })))).data as Float32Array);
    expect(Math.abs(t.mean - 5)).toBeLessThan(0.01);
    expect(Math.abs(t.std - 0.5)).toBeLessThan(0.01);
  });

  it('uniform: [0, 1) by default, [low, high) when given, flat', () => {
    const d = value(build(spec('float64', [200_000], uniform(3)))).data as Float64Array;
    const s = tensorStats(d);
    expect(s.min).toBeGreaterThanOrEqual(0);
    expect(s.max).toBeLessThan(1);
    expect(Math.abs(s.mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(s.std - Math.sqrt(1 / 12))).toBeLessThan(0.005);
    const r = tensorStats(value(build(spec('float32', [100_000], uniform(4, { low: -3, high: -1 })))).data as Float32Array);
    expect(r.min).toBeGreaterThanOrEqual(-3);
    expect(r.max).toBeLessThanOrEqual(-1);
    expect(failure(build(spec('float32', [1], uniform(4, { low: 2, high: 1 }))))).toMatch(/low must be at most high/);
  });

  it('integers are rounded and clamped to the type; bool is value > 0.5', () => {
    const u8 = value(build(spec('uint8', [10_000], normal(5, { mean: 100, std: 200 })))).data as Uint8Array;
    expect(u8).toBeInstanceOf(Uint8Array);
    expect(u8.includes(0) && u8.includes(255)).toBe(true);
    const ints = value(build(spec('int32', [1000], uniform(6, { low: -10, high: 10 })))).data as Int32Array;
    expect(ints.every((v) => Number.isInteger(v) && v >= -10 && v <= 10)).toBe(true);
    const i64 = value(build(spec('int64', [1000], uniform(7, { low: 0, high: 30_000 })))).data;
    expect(i64).toBeInstanceOf(BigInt64Array);
    expect(new Set(Array.from(i64 as BigInt64Array)).size).toBeGreaterThan(900);
    const big = value(build(spec('int64', [10], normal(8, { mean: 0, std: 1e30 })))).data as BigInt64Array;
    expect(Array.from(big).every((v) => v === 2n ** 63n - 1n || v === -(2n ** 63n))).toBe(true);
    const b = value(build(spec('bool', [10_000], uniform(9)))).data as Uint8Array;
    const trues = b.reduce((a, v) => a + v, 0);
    expect(b.every((v) => v === 0 || v === 1)).toBe(true);
    expect(Math.abs(trues - 5000)).toBeLessThan(200);
  });

  it('float16 is the float32 tensor of the same seed, as half bits', () => {
    const f32 = value(build(spec('float32', [1000], normal(10)))).data as Float32Array;
    const f16 = value(build(spec('float16', [1000], normal(10)))).data as Uint16Array;
    expect(f16).toBeInstanceOf(Uint16Array);
    expect(Array.from(f16)).toEqual(Array.from(f32, floatToHalfBits));
    const back = fromHalfBits(f16);
    for (let i = 0; i < 1000; i++) expect(Math.abs((back[i] as number) - (f32[i] as number))).toBeLessThanOrEqual(Math.abs(f32[i] as number) * 2 ** -11 + 2 ** -25);
  });
});

describe('zeros and ones', () => {
  it('in every numeric dtype, in the typed array onnxruntime takes', () => {
    const kinds: [DType, unknown][] = [
      ['float32', Float32Array],
      ['float16', Uint16Array],
      ['float64', Float64Array],
      ['int8', Int8Array],
      ['uint8', Uint8Array],
      ['int16', Int16Array],
      ['uint16', Uint16Array],
      ['int32', Int32Array],
      ['uint32', Uint32Array],
      ['int64', BigInt64Array],
      ['uint64', BigUint64Array],
      ['bool', Uint8Array],
    ];
    for (const [dtype, ctor] of kinds) {
      const z = value(build(spec(dtype, [2, 3], { kind: 'zeros' })));
      const o = value(build(spec(dtype, [2, 3], { kind: 'ones' })));
      expect(z.data).toBeInstanceOf(ctor);
      expect(numbers(z)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(numbers(o)).toEqual(new Array(6).fill(dtype === 'float16' ? 0x3c00 : 1));
    }
    expect(value(build(spec('float32', [], { kind: 'ones' })))).toEqual({ dtype: 'float32', shape: [], data: new Float32Array([1]) });
  });
});

describe('JSON', () => {
  const json = (v: unknown): InputSource => ({ kind: 'json', text: typeof v === 'string' ? v : JSON.stringify(v) });

  it('nested as the dims, or flat with the right count, or a bare scalar', () => {
    expect(numbers(value(build(spec('float32', [2, 3], json([[1, 2, 3], [4, 5, 6]])))))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(numbers(value(build(spec('int32', [2, 3], json([1, 2, 3, 4, 5, 6])))))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(numbers(value(build(spec('float64', [], json(2.5)))))).toEqual([2.5]);
    expect(numbers(value(build(spec('float32', [2, 0], json([[], []])), model('float32', ['n', 0]))))).toEqual([]);
    expect(numbers(value(build(spec('float32', [2], json([true, false])))))).toEqual([1, 0]);
    expect(numbers(value(build(spec('bool', [3], json([true, 0, 1])))))).toEqual([1, 0, 1]);
    expect(numbers(value(build(spec('float16', [2], json([1, -2])))))).toEqual([0x3c00, 0xc000]);
  });

  it('int64 from numbers, or from decimal strings beyond 2^53, exactly', () => {
    const t = value(build(spec('int64', [3], json(['9007199254740993', -5, '-9223372036854775808']))));
    expect(Array.from(t.data as BigInt64Array)).toEqual([9007199254740993n, -5n, -(2n ** 63n)]);
    expect(failure(build(spec('int64', [1], json(['9223372036854775808']))))).toMatch(/outside int64's range/);
  });

  it('strings for string inputs', () => {
    expect(value(build(spec('string', [2], json(['a', 'b'])))).data).toEqual(['a', 'b']);
    expect(failure(build(spec('string', [2], json(['a', 3]))))).toBe("input 'x': the JSON at [1]: 3 is not a string (the input holds strings).");
  });

  it('names the first bad position', () => {
    expect(failure(build(spec('float32', [2, 3], json([[1, 2, 3], [4, 'five', 6]]))))).toBe(`input 'x': the JSON at [1][1]: "five" is not a number.`);
    expect(failure(build(spec('float32', [2, 3], json([[1, 2, 3], [4, 5]]))))).toBe("input 'x': the JSON does not match [2, 3]: [1] has 2 items; dim 1 is 3.");
    expect(failure(build(spec('float32', [2, 3], json([[1, 2, 3], 4]))))).toBe("input 'x': the JSON does not match [2, 3]: [1] should be a list of 3 (dim 1), got 4.");
    expect(failure(build(spec('float32', [2], json([[1], [2]]))))).toBe("input 'x': the JSON does not match [2]: [0] is a list, but [2] has only 1 dims.");
    expect(failure(build(spec('float32', [2, 3], json([1, 2, 3, 4, 5]))))).toBe("input 'x': the flat JSON array has 5 values; [2, 3] needs 6.");
    expect(failure(build(spec('int32', [2, 2], json([[1, 2], [3, 4.5]]))))).toBe("input 'x': the JSON at [1][1]: 4.5 is not a whole number (the input is int32).");
    expect(failure(build(spec('uint8', [3], json([1, 256, 3]))))).toBe("input 'x': the JSON at [1]: 256 is outside uint8's range.");
    expect(failure(build(spec('bool', [1], json([2]))))).toMatch(/2 is not a bool/);
    expect(failure(build(spec('float32', [2], json('[1, 2'))))).toMatch(/^input 'x': the JSON is not valid: /);
  });
});

describe('.npy files', () => {
  const npy = (path: string): InputSource => ({ kind: 'npy', path });

  it('as the file holds it when dtype and dims match', () => {
    const t = value(build(spec('float32', [2, 3], npy('f4_2x3.npy')), model('float32', ['batch', 3])));
    expect(numbers(t)).toEqual([-1, -0.5, 0, 0.5, 1, 1.5]);
    const f = value(build(spec('int16', [2, 3, 4], npy('fortran_i2_2x3x4.npy'))));
    expect(numbers(f)).toEqual(Array.from({ length: 24 }, (_, i) => i - 12));
  });

  it('converts float to float and int to int (values must fit), refuses across', () => {
    const f32 = value(build(spec('float32', [9], npy('f8_special.npy'))));
    expect(f32.data).toBeInstanceOf(Float32Array);
    expect((f32.data as Float32Array)[4]).toBe(Math.fround(Math.PI));
    expect(numbers(value(build(spec('float16', [2, 3], npy('f4_2x3.npy')))))).toEqual([-1, -0.5, 0, 0.5, 1, 1.5].map(floatToHalfBits));
    expect(numbers(value(build(spec('int64', [5], npy('i1.npy')))))).toEqual([-128, -1, 0, 1, 127]);
    expect(failure(build(spec('int32', [5], npy('i8.npy'))))).toBe("input 'x': i8.npy: value 0 is -9223372036854775808, outside int32's range; save it as int32.");
    expect(failure(build(spec('int32', [2, 3], npy('f4_2x3.npy'))))).toBe(
      "input 'x': f4_2x3.npy: it holds float32 and the input is int32; Lathe converts only float to float and int to int: save it as int32.",
    );
  });

  it('refuses dims that differ, a missing file, and a file that is not .npy', () => {
    expect(failure(build(spec('float32', [3, 2], npy('f4_2x3.npy'))))).toBe("input 'x': f4_2x3.npy holds float32 [2, 3], but the input is set to [3, 2].");
    expect(failure(build(spec('float32', [3, 2], npy('nope.npy'))))).toBe("input 'x': can't read nope.npy: check that the file exists.");
    expect(failure(build(spec('float32', [3, 2], npy('generate.py'))))).toMatch(/^input 'x': Not a \.npy file/);
    expect(failure(build(spec('float32', [3], npy('refused/complex64.npy'))))).toMatch(/complex64/);
  });
});

describe('images', () => {
  const image = (over: Partial<Extract<InputSource, { kind: 'image' }>['preprocess']> = {}, path = 'four-by-two.png'): InputSource => ({
    kind: 'image',
    path,
    preprocess: { width: 4, height: 2, fit: 'stretch', layout: 'NCHW', order: 'RGB', ...IMAGE_PRESETS.raw, ...over },
  });

  it('makes [1,3,H,W] or [1,H,W,3], as float32, float16 or uint8', () => {
    const t = value(build(spec('float32', [1, 3, 2, 4], image()), model('float32', ['batch', 3, 'h', 'w'])));
    expect(numbers(t).slice(0, 8)).toEqual([0, 30, 60, 90, 120, 150, 180, 210]); // the R plane, untouched at the same size
    expect(numbers(t).slice(16)).toEqual(new Array(8).fill(100));
    const nhwc = value(build(spec('uint8', [1, 2, 4, 3], image({ layout: 'NHWC', order: 'BGR' }))));
    expect(nhwc.data).toBeInstanceOf(Uint8Array);
    expect(numbers(nhwc).slice(0, 6)).toEqual([100, 255, 0, 100, 225, 30]);
    expect(value(build(spec('float16', [1, 3, 2, 4], image()))).data).toBeInstanceOf(Uint16Array);
  });

  it('refuses a size or layout that does not make the input, a bad preset, an int input, an unreadable file', () => {
    expect(failure(build(spec('float32', [1, 3, 224, 224], image())))).toBe(
      "input 'x': an 4×2 NCHW image makes [1, 3, 2, 4], but the input is set to [1, 3, 224, 224]: set the image size and layout to match.",
    );
    expect(failure(build(spec('float32', [1, 3, 2, 4], image({ std: [1, 0, 1] }))))).toBe("input 'x': std[1] must be a non-zero number (got 0).");
    expect(failure(build(spec('int64', [1, 3, 2, 4], image())))).toBe("input 'x': an image makes float or uint8 values, and the input is int64.");
    expect(failure(build(spec('float32', [1, 3, 2, 4], image({}, 'gone.png'))))).toBe("input 'x': Can't read the image gone.png");
  });
});
