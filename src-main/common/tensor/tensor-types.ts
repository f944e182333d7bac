/**
 * Tensors as Lathe moves them: how an input is built (`InputSpec`, sent by the renderer and built in the
 * onnx runner) and what an output looks like to a person (`TensorSummary`, computed in the runner so the
 * full data never crosses to the renderer).
 * Pure: no node:*, no electron.
 */
import type { DType } from '../onnx/model-types';

/** A tensor's data in memory (in the runner, the CLI and tests). */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | readonly string[]
  | readonly boolean[];

export interface Tensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** bool is Uint8Array (0/1); float16 is Uint16Array (raw bits). */
  readonly data: TensorData;
}

/** Image preprocessing: value = (pixel * scale - mean[c]) / std[c], pixel in 0..255. */
export interface ImagePreprocess {
  /** Target size; the image is resized (bilinear, align_corners=false, like PIL/cv2 INTER_LINEAR). */
  readonly width: number;
  readonly height: number;
  /** 'stretch' resizes to width×height; 'center-crop' resizes the short side then crops the centre. */
  readonly fit: 'stretch' | 'center-crop';
  readonly layout: 'NCHW' | 'NHWC';
  readonly order: 'RGB' | 'BGR';
  readonly scale: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

export type ImagePreset = 'imagenet' | 'unit' | 'symmetric' | 'raw';

/** The presets the input builder offers (ImageNet, [0,1], [-1,1], raw 0..255). */
export const IMAGE_PRESETS: Readonly<Record<ImagePreset, Pick<ImagePreprocess, 'scale' | 'mean' | 'std'>>> = {
  imagenet: { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  unit: { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] },
  symmetric: { scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  raw: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
};

export type InputSource =
  | {
      readonly kind: 'random';
      readonly distribution: 'normal' | 'uniform';
      readonly seed: number;
      /** normal: mean/std; uniform: low/high. Integer dtypes round (and clamp to the type's range). */
      readonly mean?: number;
      readonly std?: number;
      readonly low?: number;
      readonly high?: number;
    }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  /** A (nested) JSON array; its shape must match `dims`, or it is flat with the right element count. */
  | { readonly kind: 'json'; readonly text: string }
  /** A .npy file, project-relative (the core confines it and passes it on absolute). */
  | { readonly kind: 'npy'; readonly path: string }
  /** A png/jpeg file, project-relative, preprocessed into a 1×3×H×W (or 1×H×W×3) tensor. */
  | { readonly kind: 'image'; readonly path: string; readonly preprocess: ImagePreprocess };

export interface InputSpec {
  readonly name: string;
  /** Concrete shape: symbolic dims already given values (batch defaults to 1). */
  readonly dims: readonly number[];
  readonly dtype: DType;
  readonly source: InputSource;
}

export interface TensorStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
}

export interface TopK {
  readonly index: number;
  /** The raw value (logit). */
  readonly value: number;
  /** softmax over the row. */
  readonly prob: number;
}

/** One channel of a 3-D/4-D output as a grey-scale picture: values min..max mapped to 0..255. */
export interface Heatmap {
  readonly channel: number;
  readonly width: number;
  readonly height: number;
  readonly min: number;
  readonly max: number;
  /** base64 of width*height bytes. */
  readonly pixels: string;
}

export interface TensorSummary {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly count: number;
  /** null for string/bool tensors and empty ones. */
  readonly stats: TensorStats | null;
  /** The first values (up to 1,000), in row-major order; int64 as numbers (exact up to 2^53). */
  readonly head: readonly (number | string | boolean)[];
  /** For 1-D, or 2-D with a small first dim, logits: the top k of the first row, with softmax. */
  readonly topk: readonly TopK[] | null;
  /** For 3-D (C×H×W) and 4-D (N×C×H×W, first item) outputs: the first channels (up to 16), downsampled. */
  readonly heatmaps: readonly Heatmap[] | null;
}
