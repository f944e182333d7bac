/**
 * Messages between the core (`core/models`) and the onnx runner child process (`onnx-runner/`), over the
 * supervisor's IPC channel (advanced serialization, so typed arrays pass as they are).
 *
 * Every request carries an `id`; the runner answers each with exactly one `reply`. A benchmark also sends
 * `progress` messages before its reply. Paths are absolute: the core has confined them to the project.
 * Pure: no node:*, no electron.
 */
import type { Result } from '../result';
import type { EpInfo, EpName, SessionConfig } from '../onnx/ep';
import type { ModelInfo } from '../onnx/model-types';
import type { ProfileSummary } from '../onnx/profile-types';
import type { InputSpec, TensorSummary } from '../tensor/tensor-types';

/** Which EP ran how many nodes, and each node's EP (from the profile's `provider` field). */
export interface Placement {
  readonly byEp: Readonly<Record<string, number>>;
  /** Node name → EP name ('cpu', 'cuda', …). Nodes ORT fused away do not appear. */
  readonly nodes: Readonly<Record<string, string>>;
}

export interface SessionFacts {
  /** The EPs the session was made with, in order (after fallback dropped any). */
  readonly eps: readonly EpName[];
  /** EPs dropped by fallback, each with ORT's reason. */
  readonly dropped: readonly { readonly ep: EpName; readonly reason: string }[];
  /** null when the session came from the cache. */
  readonly createMs: number | null;
  readonly placement: Placement | null;
}

export interface RunResult {
  /** Identifies the run's outputs, kept in the runner for `saveOutput` (the last few runs). */
  readonly runId: string;
  readonly session: SessionFacts;
  readonly runMs: number;
  readonly inputs: readonly { readonly name: string; readonly dtype: string; readonly shape: readonly number[] }[];
  readonly outputs: readonly TensorSummary[];
}

export interface LatencyStats {
  readonly min: number;
  readonly mean: number;
  readonly std: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export interface BenchRequest {
  readonly warmup: number;
  /** Timed runs; with `budgetMs`, the loop stops at whichever comes first. */
  readonly runs: number;
  readonly budgetMs: number | null;
}

export interface BenchFigures {
  readonly sessionCreateMs: number;
  readonly firstRunMs: number;
  readonly warmup: number;
  /** Timed runs actually made (fewer when cancelled or the budget ran out). */
  readonly runs: number;
  /** Every timed run, in order (ms, measured in the runner around `session.run`). */
  readonly latenciesMs: readonly number[];
  readonly stats: LatencyStats;
  /** Inferences per second: runs / sum(latency) × batch. */
  readonly throughput: number;
  readonly batch: number;
  readonly cancelled: boolean;
}

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
  readonly arch: string;
  readonly node: string;
  readonly ort: string;
}

export interface BenchResult {
  readonly session: SessionFacts;
  readonly figures: BenchFigures;
  readonly machine: MachineInfo;
}

export type ToRunner =
  | { readonly t: 'inspect'; readonly id: number; readonly path: string }
  /** Values of one initialiser (by name, searched in all graphs), summarised like an output. */
  | { readonly t: 'initializer'; readonly id: number; readonly path: string; readonly name: string }
  | { readonly t: 'eps'; readonly id: number; readonly refresh?: boolean }
  | {
      readonly t: 'run';
      readonly id: number;
      readonly path: string;
      readonly config: SessionConfig;
      /** `npy`/`image` sources carry absolute paths here. */
      readonly inputs: readonly InputSpec[];
    }
  | {
      readonly t: 'bench';
      readonly id: number;
      readonly path: string;
      readonly config: SessionConfig;
      readonly inputs: readonly InputSpec[];
      readonly bench: BenchRequest;
    }
  /** Stop a running benchmark (its reply then has `cancelled: true`). */
  | { readonly t: 'cancel'; readonly id: number; readonly target: number }
  /** One output of a kept run, encoded as a .npy or JSON file's bytes (the core writes it, atomically). */
  | { readonly t: 'save-output'; readonly id: number; readonly runId: string; readonly output: string; readonly format: 'npy' | 'json' }
  /**
   * Profile: a fresh session with onnxruntime's profiling, `warmup` runs, then `runs` runs; the trace's
   * bytes come back (the core saves them) with their summary.
   */
  | {
      readonly t: 'profile';
      readonly id: number;
      readonly path: string;
      readonly config: SessionConfig;
      readonly inputs: readonly InputSpec[];
      readonly warmup: number;
      readonly runs: number;
    }
  /** Parse a Chrome trace file (any size) into a summary, off the host's event loop. */
  | { readonly t: 'parse-trace'; readonly id: number; readonly path: string }
  /** Dispose the cached sessions and parsed model for a file (its tab closed). */
  | { readonly t: 'release'; readonly id: number; readonly path: string };

export type FromRunner =
  | { readonly t: 'ready'; readonly pid: number }
  | { readonly t: 'reply'; readonly id: number; readonly result: Result<unknown> }
  | {
      readonly t: 'progress';
      readonly id: number;
      readonly phase: 'create' | 'first-run' | 'warmup' | 'runs';
      readonly done: number;
      readonly total: number;
      /** The last timed run (ms), for a live readout. */
      readonly lastMs: number | null;
    };

/** The reply type of each request. */
export interface RunnerReplies {
  inspect: ModelInfo;
  initializer: TensorSummary;
  eps: readonly EpInfo[];
  run: RunResult;
  bench: BenchResult;
  cancel: void;
  'save-output': Uint8Array;
  profile: { readonly trace: Uint8Array; readonly summary: ProfileSummary };
  'parse-trace': { readonly summary: ProfileSummary; readonly meta: unknown };
  release: void;
}
