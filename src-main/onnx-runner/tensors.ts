/**
 * Between Lathe's tensors (`common/tensor`) and onnxruntime's, and the inputs' files (npy, images).
 */
import { readFileSync, statSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { DType, Dim } from '../common/onnx/model-types';
import { buildInput, type InputFiles } from '../common/tensor/build-input';
import type { InputSpec, Tensor, TensorData } from '../common/tensor/tensor-types';
import { err, ok, type Result } from '../common/result';
import type { ModelInfo } from '../common/onnx/model-types';
import { decodeImage } from './image-decode';

/** Input files bigger than this are refused (a model input this big would not fit anyway). */
const MAX_INPUT_FILE = 2 ** 31 - 1;

export const inputFiles: InputFiles = {
  read(path) {
    try {
      if (statSync(path).size > MAX_INPUT_FILE) return null;
      return new Uint8Array(readFileSync(path));
    } catch {
      return null;
    }
  },
  image(path) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (e) {
      return err('INPUT_INVALID', `Can't read the image ${path}: ${(e as Error).message}`);
    }
    return decodeImage(bytes);
  },
};

/** Every model input built from its spec and checked against the model, or the first problem. */
export function buildFeeds(info: ModelInfo, specs: readonly InputSpec[]): Result<{ feeds: Record<string, ort.Tensor>; tensors: Record<string, Tensor> }> {
  const feeds: Record<string, ort.Tensor> = {};
  const tensors: Record<string, Tensor> = {};
  const known = new Set(info.summary.inputs.map((i) => i.name));
  for (const spec of specs) {
    if (!known.has(spec.name)) return err('INPUT_INVALID', `The model has no input named "${spec.name}" (it has ${[...known].map((n) => `"${n}"`).join(', ') || 'none'}).`);
  }
  for (const input of info.summary.inputs) {
    const spec = specs.find((s) => s.name === input.name);
    if (!spec) return err('INPUT_INVALID', `Input "${input.name}" has no value: choose how to build it.`);
    if (input.kind !== 'tensor') return err('INPUT_INVALID', `Input "${input.name}" is a ${input.kind}, not a tensor: Lathe can only feed tensors.`);
    const built = buildInput(spec, inputFiles, { dtype: input.dtype, shape: input.shape ?? ([] as Dim[]) });
    if (!built.ok) return built;
    tensors[input.name] = built.value;
    feeds[input.name] = toOrt(built.value);
  }
  return ok({ feeds, tensors });
}

export function toOrt(t: Tensor): ort.Tensor {
  const data = t.data as unknown as ort.Tensor.DataType;
  return new ort.Tensor(t.dtype as ort.Tensor.Type, data, t.shape as number[]);
}

export function fromOrt(t: ort.Tensor): Tensor {
  let data = t.data as unknown as TensorData;
  if (t.type === 'bool' && !(data instanceof Uint8Array)) data = Uint8Array.from(data as unknown as ArrayLike<number>);
  return { dtype: t.type as DType, shape: [...t.dims], data };
}
