/**
 * Profiles: per-op latency from a Chrome trace (onnxruntime's session profiling, torch.profiler's
 * export_chrome_trace, or any Chrome trace JSON). Produced by the pure parser `profile-trace.ts` (in the
 * onnx runner or the core, never on the UI thread), carried to the renderer as plain JSON.
 * Pure: no node:*, no electron.
 */

/** Where a trace came from. */
export type TraceSource = 'ort' | 'torch' | 'chrome';

/** One graph node (ORT) or one op/kernel name (torch/other), aggregated over every run in the trace. */
export interface ProfileNodeRow {
  readonly name: string;
  readonly op: string;
  /** 'cpu', 'cuda', … for ORT ('' when the trace does not say). */
  readonly ep: string;
  readonly calls: number;
  readonly totalUs: number;
  readonly meanUs: number;
  readonly minUs: number;
  readonly maxUs: number;
  /** totalUs / the sum of every node's totalUs (0..1). */
  readonly share: number;
  /** e.g. 'float[1,3,224,224]' (ORT's input_type_shape / output_type_shape), '' when absent. */
  readonly inputShapes: readonly string[];
  readonly outputShapes: readonly string[];
}

export interface ProfileOpRow {
  readonly op: string;
  readonly nodes: number;
  readonly calls: number;
  readonly totalUs: number;
  readonly share: number;
}

/** A run-level span: ORT's model_run / SequentialExecutor::Execute / session_initialization… */
export interface ProfileSpan {
  readonly name: string;
  readonly startUs: number;
  readonly durUs: number;
}

/**
 * Every span for the timeline, packed so 100k spans stay small: `spans` holds 4 numbers per span
 * (lane index, name index, start µs from the trace's start, duration µs).
 */
export interface Timeline {
  /** Lane labels: 'thread 1234', 'cpu · thread 1234', … */
  readonly lanes: readonly string[];
  /** Span names (deduplicated); for ORT node spans, the node name. */
  readonly names: readonly string[];
  /** Op type per name index ('' when not an op). */
  readonly ops: readonly string[];
  readonly spans: readonly number[];
  readonly startUs: number;
  readonly endUs: number;
}

export interface ProfileSummary {
  readonly source: TraceSource;
  readonly nodes: readonly ProfileNodeRow[];
  readonly ops: readonly ProfileOpRow[];
  /** Model runs (ORT: 'model_run' spans), in order. */
  readonly runs: readonly ProfileSpan[];
  /** Other session-level spans (session_initialization, SequentialExecutor::Execute, model_loading…). */
  readonly sessionSpans: readonly ProfileSpan[];
  /** Sum of every node's total. */
  readonly totalNodeUs: number;
  /** Sum of the model runs' durations (0 when the trace has none). */
  readonly totalRunUs: number;
  /** EPs seen in the nodes, with their node counts. */
  readonly byEp: Readonly<Record<string, number>>;
  readonly timeline: Timeline;
  /** Events read; events skipped as not understood. */
  readonly events: number;
  readonly skipped: number;
}

/** What Lathe records with a profile it captured. */
export interface ProfileMeta {
  readonly version: 1;
  readonly createdAt: string;
  readonly source: 'app' | 'cli' | 'import';
  readonly model: { readonly path: string; readonly sha256: string } | null;
  /** EPs requested, in order, and the mode (fallback nodes are highlighted against this). */
  readonly eps: readonly string[];
  readonly graphOptimization: string | null;
  readonly warmup: number;
  readonly runs: number;
}

export interface ProfileFile {
  /** Project-relative path of the trace file (a Chrome trace: it opens in Perfetto and chrome://tracing). */
  readonly file: string;
  readonly meta: ProfileMeta | null;
  readonly summary: ProfileSummary;
}

export interface ProfileEntry {
  readonly file: string;
  readonly meta: ProfileMeta | null;
  readonly bytes: number;
}

export const PROFILES_DIR = '.lathe/profiles';
