/**
 * The inputs Lathe proposes for a model before the user says anything: seeded random normal values,
 * symbolic dims given a value (the user's, else 1), unknown dims 1.
 * Pure: no node:*, no electron.
 */
import type { Dim, ValueInfo } from './model-types';
import type { InputSource, InputSpec } from '../tensor/tensor-types';

export const DEFAULT_SOURCE = { kind: 'random', distribution: 'normal', seed: 0, mean: 0, std: 1 } as const satisfies InputSource;

/** A concrete shape for a model input: fixed dims kept, symbolic ones from `dims` (by name), else 1. */
export function concreteDims(shape: readonly Dim[] | null, dims: Readonly<Record<string, number>> = {}): number[] {
  return (shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : typeof d === 'string' ? (dims[d] ?? 1) : 1));
}

export function defaultInputSpecs(inputs: readonly ValueInfo[], dims: Readonly<Record<string, number>> = {}, source: InputSource = DEFAULT_SOURCE): InputSpec[] {
  return inputs.map((i) => ({ name: i.name, dims: concreteDims(i.shape, dims), dtype: i.dtype, source }));
}
