/**
 * A benchmark as a file in the project: `.lathe/benchmarks/<date>-<model>-<eps>.json`, written by the app
 * and by `lathe bench`, read back by the history view. Diffable in git.
 * Pure: no node:*, no electron.
 */
import type { SessionConfig } from './ep';
import type { BenchFigures, MachineInfo, SessionFacts } from '../protocols/onnx';
import type { InputSpec } from '../tensor/tensor-types';

export const BENCHMARKS_DIR = '.lathe/benchmarks';

export interface BenchmarkRecord {
  readonly version: 1;
  readonly createdAt: string;
  /** Where it ran from: 'app' or 'cli'. */
  readonly source: 'app' | 'cli';
  readonly model: { readonly path: string; readonly sha256: string; readonly bytes: number };
  readonly config: SessionConfig;
  readonly inputs: readonly InputSpec[];
  /** The session's EPs after fallback, dropped EPs, and how many nodes each EP ran (per-node detail left out). */
  readonly session: Omit<SessionFacts, 'placement'> & { readonly byEp: Readonly<Record<string, number>> | null };
  readonly machine: MachineInfo;
  readonly figures: BenchFigures;
}

export interface BenchmarkFile {
  /** Project-relative path of the record. */
  readonly file: string;
  readonly record: BenchmarkRecord;
}

/** A file name that sorts by time and says what ran: 2026-11-29T04-30-12-resnet18-cpu.json */
export function recordFileName(record: { readonly createdAt: string; readonly model: { readonly path: string }; readonly session: { readonly eps: readonly string[] } }): string {
  const stamp = record.createdAt.replace(/\.\d+Z$/, '').replace(/:/g, '-');
  const base = (record.model.path.split('/').pop() ?? 'model').replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60);
  const eps = record.session.eps.join('+') || 'none';
  return `${stamp}-${base}-${eps}.json`;
}
