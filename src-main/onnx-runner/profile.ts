/**
 * Profiling a model: a fresh session with onnxruntime's session profiling, warm-up runs, then the timed
 * runs. ORT profiles from the session's creation, so the warm-up's events are cut from the trace (every
 * event that starts before the first profiled run), and the trace keeps only what the user asked for.
 */
import type { SessionConfig } from '../common/onnx/ep';
import type { InputSpec } from '../common/tensor/tensor-types';
import { ok, type Result } from '../common/result';
import type { ProfileSummary } from '../common/onnx/profile-types';
import { timedRun } from './bench';
import type { LoadedModel } from './models';
import { finishProfile, profilingSession } from './sessions';
import { buildFeeds } from './tensors';

export interface ProfileHooks {
  progress(phase: 'create' | 'warmup' | 'runs', done: number, total: number, lastMs: number | null): void;
  parse(text: string): Result<{ summary: ProfileSummary }>;
}

export async function profileModel(
  model: LoadedModel,
  config: SessionConfig,
  specs: readonly InputSpec[],
  warmup: number,
  runs: number,
  hooks: ProfileHooks,
): Promise<Result<{ trace: Uint8Array; summary: ProfileSummary }>> {
  const built = buildFeeds(model.info, specs);
  if (!built.ok) return built;
  hooks.progress('create', 0, 1, null);
  const made = await profilingSession(model.path, config);
  if (!made.ok) return made;
  const live = made.value;
  let cutUs = 0;
  let events: unknown[];
  try {
    for (let i = 0; i < warmup; i++) {
      const r = await timedRun(live.session, built.value.feeds);
      if (!r.ok) return r;
      hooks.progress('warmup', i + 1, warmup, r.value);
    }
    // ORT's trace times are µs since the session's profiling began; performance.now() is not on that clock,
    // so the cut is found in the trace: the start of the (warmup+1)-th model_run.
    for (let i = 0; i < runs; i++) {
      const r = await timedRun(live.session, built.value.feeds);
      if (!r.ok) return r;
      hooks.progress('runs', i + 1, runs, r.value);
    }
  } finally {
    events = await finishProfile(live);
  }
  if (warmup > 0) {
    const starts = events
      .filter((e): e is { name: string; ts: number } => isEvent(e) && e.name === 'model_run')
      .map((e) => e.ts)
      .sort((a, b) => a - b);
    cutUs = starts[warmup] ?? Infinity;
    events = events.filter((e) => !isEvent(e) || e.cat === 'Session' && e.name !== 'model_run' && e.name !== 'SequentialExecutor::Execute' || e.ts >= cutUs);
  }
  const text = JSON.stringify(events);
  const parsed = hooks.parse(text);
  if (!parsed.ok) return parsed;
  return ok({ trace: new TextEncoder().encode(text), summary: parsed.value.summary });
}

function isEvent(e: unknown): e is { name: string; cat?: string; ts: number } {
  return typeof e === 'object' && e !== null && typeof (e as { ts?: unknown }).ts === 'number';
}
