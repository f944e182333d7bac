/**
 * The input builder's form state (one per model input) and how it becomes the `InputSpec` the core
 * runs: default values for symbolic dims, the image layout guessed from the shape, and the obvious
 * mistakes refused before a call is made. Pure.
 */
import type { DType, Dim, ValueInfo } from '../../src-main/common/onnx/model-types';
import { IMAGE_PRESETS, type ImagePreprocess, type ImagePreset, type InputSource, type InputSpec } from '../../src-main/common/tensor/tensor-types';

export type SourceKind = InputSource['kind'];

export interface ImageForm {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly fit: ImagePreprocess['fit'];
  readonly layout: ImagePreprocess['layout'];
  readonly order: ImagePreprocess['order'];
  /** The preset last chosen; 'custom' once scale/mean/std were edited by hand. */
  readonly preset: ImagePreset | 'custom';
  readonly scale: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

export interface InputForm {
  readonly name: string;
  readonly source: SourceKind;
  /** One value per dim of the input's shape; fixed dims keep the file's size. */
  readonly dims: readonly number[];
  readonly random: {
    readonly distribution: 'normal' | 'uniform';
    readonly seed: number;
    readonly mean: number;
    readonly std: number;
    readonly low: number;
    readonly high: number;
  };
  readonly jsonText: string;
  readonly npyPath: string;
  readonly image: ImageForm;
}

/** A dim's name says it is the batch: batch, batch_size, N, B, … */
export function isBatchLike(name: string): boolean {
  return /batch|^n$|^b$|^bs$/i.test(name);
}

/**
 * The value a dim starts with. Fixed dims are what they are; batch-like ones (and the first dim when it
 * has no name) 1; height/width-like 224; anything else 1.
 */
export function defaultDim(dim: Dim, index: number): number {
  if (typeof dim === 'number' && dim >= 0) return dim;
  const name = typeof dim === 'string' ? dim : '';
  if (name === '' && index === 0) return 1;
  if (isBatchLike(name)) return 1;
  if (/height|width|^h$|^w$|^img|size/i.test(name)) return 224;
  return 1;
}

/** Whether the user may edit a dim (symbolic, unknown or negative in the file). */
export function isEditableDim(dim: Dim): boolean {
  return typeof dim !== 'number' || dim < 0;
}

/** Where an image's channels go, guessed from a rank-3/4 shape: [N,]3,H,W is NCHW, [N,]H,W,3 is NHWC. */
export function guessLayout(shape: readonly Dim[] | null): ImagePreprocess['layout'] {
  if (!shape || shape.length < 3) return 'NCHW';
  const c1 = shape[shape.length - 3];
  const cLast = shape[shape.length - 1];
  const isChannels = (d: Dim | undefined) => d === 1 || d === 3 || d === 4;
  if (isChannels(c1)) return 'NCHW';
  if (isChannels(cLast)) return 'NHWC';
  return 'NCHW';
}

/** The image's target size from the input's (concrete) dims and layout. */
export function imageSizeFromDims(dims: readonly number[], layout: ImagePreprocess['layout']): { width: number; height: number } {
  const r = dims.length;
  if (r < 3) return { width: 224, height: 224 };
  const [h, w] = layout === 'NCHW' ? [dims[r - 2], dims[r - 1]] : [dims[r - 3], dims[r - 2]];
  const ok = (v: number | undefined) => (v !== undefined && v >= 1 ? v : 224);
  return { width: ok(w), height: ok(h) };
}

/** Whether the image source fits the input at all: a float tensor of rank 3 or 4. */
export function imageApplies(info: ValueInfo): boolean {
  return info.kind === 'tensor' && (info.shape === null || info.shape.length === 3 || info.shape.length === 4) && /^(float|bfloat)/.test(info.dtype);
}

const FLOATS: readonly DType[] = ['float32', 'float16', 'bfloat16', 'float64'];

/** The form an input starts with: seeded random normal (uniform in the type's small range for integers). */
export function defaultForm(info: ValueInfo): InputForm {
  const dims = (info.shape ?? [1]).map(defaultDim);
  const layout = guessLayout(info.shape);
  const { width, height } = imageSizeFromDims(dims, layout);
  const isFloat = FLOATS.includes(info.dtype);
  return {
    name: info.name,
    source: info.dtype === 'bool' ? 'zeros' : 'random',
    dims,
    random: { distribution: isFloat ? 'normal' : 'uniform', seed: 0, mean: 0, std: 1, low: 0, high: isFloat ? 1 : 10 },
    jsonText: '',
    npyPath: '',
    image: { path: '', width, height, fit: 'center-crop', layout, order: 'RGB', preset: 'imagenet', ...IMAGE_PRESETS.imagenet },
  };
}

/** Apply a preset's scale/mean/std. */
export function withPreset(image: ImageForm, preset: ImagePreset): ImageForm {
  return { ...image, preset, ...IMAGE_PRESETS[preset] };
}

/** The tensor shape the image source makes: 1×3×H×W or 1×H×W×3 (3-D inputs drop the batch). */
export function imageDims(image: Pick<ImageForm, 'width' | 'height' | 'layout'>, rank: number): number[] {
  const chw = image.layout === 'NCHW' ? [3, image.height, image.width] : [image.height, image.width, 3];
  return rank === 3 ? chw : [1, ...chw];
}

export type BuildResult = { readonly ok: true; readonly spec: InputSpec } | { readonly ok: false; readonly problem: string };

/** Turn one form into the spec the core runs, or say what is wrong with it. */
export function buildInputSpec(form: InputForm, info: ValueInfo): BuildResult {
  const fail = (problem: string): BuildResult => ({ ok: false, problem: `${info.name}: ${problem}` });
  if (info.kind !== 'tensor') return fail(`it is a ${info.kind}; Lathe builds tensor inputs only.`);
  const shape = info.shape ?? form.dims.map(() => null);
  if (form.source === 'image') return buildImage(form, info, fail);
  for (let i = 0; i < form.dims.length; i++) {
    const v = form.dims[i]!;
    const dim = shape[i] ?? null;
    if (!Number.isInteger(v)) return fail(`dim ${i} (${dimLabel(dim, i)}) must be a whole number.`);
    if (isEditableDim(dim) && v < 1) return fail(`dim ${i} (${dimLabel(dim, i)}) must be at least 1.`);
  }
  const base = { name: info.name, dtype: info.dtype, dims: [...form.dims] };
  switch (form.source) {
    case 'zeros':
    case 'ones':
      return { ok: true, spec: { ...base, source: { kind: form.source } } };
    case 'random':
      return buildRandom(form, base, fail);
    case 'json':
      return buildJson(form, base, fail);
    case 'npy': {
      const path = form.npyPath.trim();
      if (path === '') return fail('choose a .npy file from the project.');
      if (!path.toLowerCase().endsWith('.npy')) return fail(`${path} is not a .npy file.`);
      return { ok: true, spec: { ...base, source: { kind: 'npy', path } } };
    }
  }
}

type Base = Pick<InputSpec, 'name' | 'dtype' | 'dims'>;
type Fail = (problem: string) => BuildResult;

function buildRandom(form: InputForm, base: Base, fail: Fail): BuildResult {
  const r = form.random;
  if (!Number.isInteger(r.seed)) return fail('the seed must be a whole number.');
  if (r.distribution === 'normal') {
    if (!Number.isFinite(r.mean) || !Number.isFinite(r.std) || r.std < 0) return fail('normal needs a mean and a std ≥ 0.');
    return { ok: true, spec: { ...base, source: { kind: 'random', distribution: 'normal', seed: r.seed, mean: r.mean, std: r.std } } };
  }
  if (!Number.isFinite(r.low) || !Number.isFinite(r.high) || r.low > r.high) return fail('uniform needs low ≤ high.');
  return { ok: true, spec: { ...base, source: { kind: 'random', distribution: 'uniform', seed: r.seed, low: r.low, high: r.high } } };
}

function buildJson(form: InputForm, base: Base, fail: Fail): BuildResult {
  const text = form.jsonText.trim();
  if (text === '') return fail('the JSON is empty: type an array such as [[1, 2], [3, 4]].');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail(`the JSON does not parse (${(e as Error).message}).`);
  }
  if (!Array.isArray(value)) return fail('the JSON must be an array.');
  const count = countLeaves(value);
  const expected = base.dims.reduce((a, b) => a * b, 1);
  if (count !== expected) return fail(`the JSON has ${count} values; shape [${base.dims.join(', ')}] needs ${expected}.`);
  return { ok: true, spec: { ...base, source: { kind: 'json', text } } };
}

function buildImage(form: InputForm, info: ValueInfo, fail: Fail): BuildResult {
  const img = form.image;
  if (!imageApplies(info)) return fail(`an image makes a float tensor of rank 3 or 4; this input is ${info.dtype} of rank ${info.shape?.length ?? '?'}.`);
  const path = img.path.trim();
  if (path === '') return fail('choose a png or jpeg file from the project.');
  if (!/\.(png|jpe?g)$/i.test(path)) return fail(`${path} is not a png or jpeg file.`);
  if (!(Number.isInteger(img.width) && img.width >= 1 && Number.isInteger(img.height) && img.height >= 1)) return fail('width and height must be whole numbers ≥ 1.');
  if (!Number.isFinite(img.scale) || [...img.mean, ...img.std].some((v) => !Number.isFinite(v))) return fail('scale, mean and std must be numbers.');
  if (img.std.some((v) => v === 0)) return fail('std must not be 0.');
  const rank = info.shape?.length ?? 4;
  const dims = imageDims(img, rank);
  // Fixed dims in the file must agree with what the image makes.
  const shape = info.shape ?? [];
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d === 'number' && d >= 0 && d !== dims[i]) {
      return fail(`the image makes [${dims.join(', ')}] but the model wants ${d} at dim ${i}; check the layout and the size.`);
    }
  }
  const preprocess: ImagePreprocess = {
    width: img.width,
    height: img.height,
    fit: img.fit,
    layout: img.layout,
    order: img.order,
    scale: img.scale,
    mean: [...img.mean] as [number, number, number],
    std: [...img.std] as [number, number, number],
  };
  return { ok: true, spec: { name: info.name, dtype: info.dtype, dims, source: { kind: 'image', path, preprocess } } };
}

function countLeaves(v: unknown): number {
  return Array.isArray(v) ? v.reduce((n: number, x) => n + countLeaves(x), 0) : 1;
}

function dimLabel(dim: Dim, index: number): string {
  return typeof dim === 'string' ? dim : `#${index}`;
}

/** Build every input's spec; the first problem stops it. Inputs with no form get the default one. */
export function buildInputSpecs(
  inputs: readonly ValueInfo[],
  forms: Readonly<Record<string, InputForm>>,
): { ok: true; specs: InputSpec[] } | { ok: false; problem: string } {
  const specs: InputSpec[] = [];
  for (const info of inputs) {
    const r = buildInputSpec(forms[info.name] ?? defaultForm(info), info);
    if (!r.ok) return r;
    specs.push(r.spec);
  }
  return { ok: true, specs };
}
