/**
 * Model files the runner has read: bytes, SHA-256 and the parsed summary/graph, cached per path until
 * the file changes (size or mtime) or its tab closes. External weights are never read here.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { ModelInfo } from '../common/onnx/model-types';
import { parseModel } from '../common/onnx/parse-model';
import { err, ok, type Result } from '../common/result';

export interface LoadedModel {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly info: ModelInfo;
  readonly size: number;
  readonly mtimeMs: number;
}

const loaded = new Map<string, LoadedModel>();

/** A model file over this many bytes is refused: protobuf caps a message at 2 GB anyway. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

export async function loadModel(path: string): Promise<Result<LoadedModel>> {
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (e) {
    return err('NOT_FOUND', `Can't read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (!stat.isFile()) return err('MODEL_INVALID', `${path} is not a file`);
  const hit = loaded.get(path);
  if (hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs) return ok(hit);
  if (stat.size > MAX_MODEL_BYTES) {
    return err('MODEL_INVALID', `The file is ${(stat.size / 2 ** 30).toFixed(1)} GB: an ONNX file can't exceed 2 GB (bigger models keep their weights in external data files).`);
  }
  const bytes = new Uint8Array(await fs.readFile(path));
  const parsed = parseModel(bytes);
  if (!parsed.ok) return parsed;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const model: LoadedModel = {
    path,
    bytes,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    info: { ...parsed.value, sha256, bytes: stat.size },
  };
  loaded.set(path, model);
  return ok(model);
}

export function forgetModel(path: string): LoadedModel | null {
  const model = loaded.get(path) ?? null;
  loaded.delete(path);
  return model;
}
