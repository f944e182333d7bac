/**
 * The benchmark loop: a fresh session (its creation timed), the first run timed apart, W warm-up runs,
 * then N timed runs (or until the time budget is spent). Each run is timed here, around `session.run`,
 * so IPC and the UI never show up in the figures. Between runs the loop yields, so a cancel is heard.
 */
import { cpus, arch, release, totalmem, type } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { SessionConfig } from '../common/onnx/ep';
import type { BenchFigures, BenchRequest, BenchResult, MachineInfo } from '../common/protocols/onnx';
import { explainOrtError } from '../common/onnx/ort-errors';
import { err, ok, type Result } from '../common/result';
import { latencyStats } from '../common/tensor/summarize';
import type { InputSpec } from '../common/tensor/tensor-types';
import type { LoadedModel } from './models';
import { collectPlacement, getSession } from './sessions';
import { buildFeeds } from './tensors';

export interface BenchHooks {
  progress(phase: 'create' | 'first-run' | 'warmup' | 'runs', done: number, total: number, lastMs: number | null): void;
  cancelled(): boolean;
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
    arch: arch(),
    node: process.versions.node,
    ort: ort.env.versions.node ?? ort.env.versions.common,
  };
}

export async function benchmark(
  model: LoadedModel,
  config: SessionConfig,
  specs: readonly InputSpec[],
  request: BenchRequest,
  hooks: BenchHooks,
): Promise<Result<BenchResult>> {
  const built = buildFeeds(model.info, specs);
  if (!built.ok) return built;
  const { feeds } = built.value;

  hooks.progress('create', 0, 1, null);
  const made = await getSession(model.path, model.info.sha256, config, { fresh: true, profile: true });
  if (!made.ok) return made;
  const live = made.value;
  const sessionCreateMs = live.facts.createMs ?? 0;

  hooks.progress('first-run', 0, 1, null);
  const first = await timedRun(live.session, feeds);
  if (!first.ok) return first;
  await collectPlacement(live);

  const progressEvery = 100; // ms
  let lastProgress = 0;
  const tick = (phase: 'warmup' | 'runs', done: number, total: number, lastMs: number) => {
    const now = performance.now();
    if (now - lastProgress < progressEvery && done < total) return;
    lastProgress = now;
    hooks.progress(phase, done, total, lastMs);
  };

  for (let i = 0; i < request.warmup; i++) {
    if (hooks.cancelled()) return finish(true);
    const r = await timedRun(live.session, feeds);
    if (!r.ok) return r;
    tick('warmup', i + 1, request.warmup, r.value);
  }

  const latencies: number[] = [];
  const deadline = request.budgetMs === null ? Infinity : performance.now() + request.budgetMs;
  let cancelled = false;
  for (let i = 0; i < request.runs; i++) {
    if (hooks.cancelled()) {
      cancelled = true;
      break;
    }
    if (performance.now() >= deadline) break;
    const r = await timedRun(live.session, feeds);
    if (!r.ok) return r;
    latencies.push(r.value);
    tick('runs', i + 1, request.runs, r.value);
  }
  return finish(cancelled);

  function finish(wasCancelled: boolean): Result<BenchResult> {
    const batch = batchOf(specs, model);
    const total = latencies.reduce((a, b) => a + b, 0);
    const figures: BenchFigures = {
      sessionCreateMs,
      firstRunMs: first.ok ? first.value : 0,
      warmup: request.warmup,
      runs: latencies.length,
      latenciesMs: latencies,
      stats: latencyStats(latencies),
      throughput: total > 0 ? (latencies.length * batch * 1000) / total : 0,
      batch,
      cancelled: wasCancelled,
    };
    return ok({ session: live.facts, figures, machine: machineInfo() });
  }
}

/** The batch size: the first dim of the first input, where the model leaves it open (symbolic); else 1. */
function batchOf(specs: readonly InputSpec[], model: LoadedModel): number {
  const first = model.info.summary.inputs[0];
  const spec = first ? specs.find((s) => s.name === first.name) : undefined;
  const dim0 = first?.shape?.[0];
  if (!spec || spec.dims.length === 0 || typeof dim0 === 'number') return 1;
  return Math.max(1, spec.dims[0] ?? 1);
}

export async function timedRun(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<Result<number>> {
  const t0 = performance.now();
  try {
    await session.run(feeds);
  } catch (e) {
    const why = explainOrtError(String((e as Error).message ?? e));
    return err(why.code, `The run failed. ${why.message}`);
  }
  return ok(performance.now() - t0);
}
