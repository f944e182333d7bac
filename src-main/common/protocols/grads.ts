/**
 * Gradient health from training in a session (`lathe.watch(model)` in resources/python/lathe/): what the
 * driver sends to the core (inside the terminal stream, as private nonce-protected OSC markers, like every
 * other driver marker: `DriverMessage` in repl.ts includes `GradMarker`), and what the
 * core streams to the renderer.
 * Pure: no node:*, no electron.
 */

/** A watch (one `lathe.watch(model)` call) and its layers, in model order. */
export interface GradWatch {
  /** 'w1', 'w2', … within the session. */
  readonly watch: string;
  /** The model's class name, e.g. 'ResNet'. */
  readonly model: string;
  /** Parameter tensors by module path, in model order (`layer1.0.conv1.weight`). */
  readonly layers: readonly string[];
  readonly every: number;
  readonly histograms: boolean;
  readonly startedAt: number;
}

/** One logged step of one watch: arrays are parallel to the watch's `layers`. */
export interface GradStep {
  readonly watch: string;
  readonly step: number;
  /** L2 norm of each parameter's gradient (null: no grad this step). NaN/Inf as null + counts below. */
  readonly gradNorm: readonly (number | null)[];
  readonly weightNorm: readonly (number | null)[];
  /** |Δw| / |w| since the previous logged optimizer step (null until there is one). */
  readonly updateRatio: readonly (number | null)[];
  readonly nan: readonly number[];
  readonly inf: readonly number[];
  /** 32-bin histograms of gradient values (when the watch asked for them): per layer [lo, hi, ...counts]. */
  readonly hist: readonly (readonly number[] | null)[] | null;
  /** Time the hooks and norms took this step, and the step's wall time (for the overhead shown). */
  readonly overheadMs: number;
  readonly stepMs: number | null;
}

/** The first non-finite value a watch saw. */
export interface GradNan {
  readonly watch: string;
  readonly step: number;
  /** 'grad': the first module in backward order whose gradient went non-finite; 'forward': the first whose output did. */
  readonly kind: 'grad' | 'forward';
  /** Module path (`layer3.1.conv2`) and, for parameters, the tensor (`layer3.1.conv2.weight`). */
  readonly module: string;
  readonly layer: string | null;
  /** Source of the module's class (opens in the editor). */
  readonly file: string | null;
  readonly line: number | null;
}

export interface GradScalar {
  readonly name: string;
  readonly step: number;
  readonly value: number | null;
}

/** Driver → core markers (added to `DriverMessage`). */
export type GradMarker =
  | ({ readonly t: 'grads-watch' } & GradWatch)
  | { readonly t: 'grads-unwatch'; readonly watch: string }
  | ({ readonly t: 'grads' } & GradStep)
  | ({ readonly t: 'grads-nan' } & GradNan)
  | ({ readonly t: 'scalar' } & GradScalar);

/** Core → renderer: a batch (about every 100 ms) of what arrived for one session. */
export interface GradBatch {
  readonly sessionId: string;
  readonly watches: readonly GradWatch[];
  readonly steps: readonly GradStep[];
  readonly nans: readonly GradNan[];
  readonly scalars: readonly GradScalar[];
  readonly unwatched: readonly string[];
}

/** Everything the core kept for a session (for a reload, or a second window). */
export interface GradHistory {
  readonly sessionId: string;
  readonly watches: readonly (GradWatch & { readonly active: boolean })[];
  readonly steps: readonly GradStep[];
  readonly nans: readonly GradNan[];
  readonly scalars: readonly GradScalar[];
  /** Steps dropped from the front because the core keeps at most this many per watch. */
  readonly dropped: number;
}

/** Steps the core keeps per watch (the renderer downsamples for the heat map). */
export const GRAD_STEPS_KEPT = 20_000;
