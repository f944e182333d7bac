/**
 * The onnx runner: a child process supervised by the core, and the only importer of onnxruntime-node.
 * ORT's `run` blocks its thread and an EP can crash its process; here, neither can touch the app.
 * It parses models, probes EPs, runs and benchmarks; see `common/protocols/onnx.ts`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { FromRunner, RunResult, ToRunner } from '../common/protocols/onnx';
import { explainOrtError } from '../common/onnx/ort-errors';
import { initializerTensor } from '../common/onnx/parse-model';
import { parseTrace } from '../common/onnx/profile-trace';
import { err, ok, type Result } from '../common/result';
import { writeNpy } from '../common/tensor/npy';
import { summarizeTensor } from '../common/tensor/summarize';
import type { Tensor } from '../common/tensor/tensor-types';
import { benchmark } from './bench';
import { probeEps } from './eps';
import { profileModel } from './profile';
import { forgetModel, loadModel } from './models';
import { collectPlacement, disposeProfiles, getSession, releaseSessions } from './sessions';
import { buildFeeds, fromOrt } from './tensors';

function send(msg: FromRunner): void {
  if (!process.connected) return;
  process.send!(msg, undefined, undefined, () => undefined);
}

/** Outputs of the last few runs, for "Save as…". */
const KEEP_RUNS = 8;
const kept = new Map<string, Record<string, Tensor>>();
let runSeq = 0;

/** Benchmarks in flight (request id → cancelled flag). */
const benches = new Map<number, { cancelled: boolean }>();

async function handle(msg: ToRunner): Promise<Result<unknown>> {
  switch (msg.t) {
    case 'inspect': {
      const model = await loadModel(msg.path);
      return model.ok ? ok(model.value.info) : model;
    }
    case 'initializer': {
      const model = await loadModel(msg.path);
      if (!model.ok) return model;
      const tensor = initializerTensor(model.value.bytes, msg.name, (file, offset, length) => readExternal(msg.path, file, offset, length));
      return tensor.ok ? ok(summarizeTensor(msg.name, tensor.value)) : tensor;
    }
    case 'eps':
      return ok(await probeEps(msg.refresh ?? false));
    case 'run':
      return run(msg);
    case 'bench': {
      const model = await loadModel(msg.path);
      if (!model.ok) return model;
      const flag = { cancelled: false };
      benches.set(msg.id, flag);
      try {
        return await benchmark(model.value, msg.config, msg.inputs, msg.bench, {
          progress: (phase, done, total, lastMs) => send({ t: 'progress', id: msg.id, phase, done, total, lastMs }),
          cancelled: () => flag.cancelled,
        });
      } finally {
        benches.delete(msg.id);
      }
    }
    case 'cancel': {
      const flag = benches.get(msg.target);
      if (flag) flag.cancelled = true;
      return ok();
    }
    case 'save-output': {
      const outputs = kept.get(msg.runId);
      const tensor = outputs?.[msg.output];
      if (!tensor) return err('NOT_FOUND', 'That run’s outputs are no longer kept (only the last 8 runs are): run the model again.');
      return ok(msg.format === 'npy' ? writeNpy(tensor) : new TextEncoder().encode(tensorJson(msg.output, tensor)));
    }
    case 'profile': {
      const model = await loadModel(msg.path);
      if (!model.ok) return model;
      return profileModel(model.value, msg.config, msg.inputs, msg.warmup, msg.runs, {
        progress: (phase, done, total, lastMs) => send({ t: 'progress', id: msg.id, phase, done, total, lastMs }),
        parse: parseTrace,
      });
    }
    case 'parse-trace': {
      let text: string;
      try {
        text = await readFile(msg.path, 'utf8');
      } catch (e) {
        return err('NOT_FOUND', `Can't read ${msg.path}: ${(e as Error).message}`);
      }
      return parseTrace(text);
    }
    case 'release': {
      const model = forgetModel(msg.path);
      if (model) await releaseSessions(model.info.sha256);
      return ok();
    }
  }
}

async function run(msg: Extract<ToRunner, { t: 'run' }>): Promise<Result<RunResult>> {
  const model = await loadModel(msg.path);
  if (!model.ok) return model;
  const built = buildFeeds(model.value.info, msg.inputs);
  if (!built.ok) return built;
  send({ t: 'progress', id: msg.id, phase: 'create', done: 0, total: 1, lastMs: null });
  const session = await getSession(msg.path, model.value.info.sha256, msg.config);
  if (!session.ok) return session;
  const live = session.value;
  const t0 = performance.now();
  let outputs;
  try {
    outputs = await live.session.run(built.value.feeds);
  } catch (e) {
    const why = explainOrtError(String((e as Error).message ?? e));
    return err(why.code, `The run failed. ${why.message}`);
  }
  const runMs = performance.now() - t0;
  const placement = await collectPlacement(live);
  const runId = `r${++runSeq}`;
  const tensors: Record<string, Tensor> = {};
  for (const name of live.session.outputNames) tensors[name] = fromOrt(outputs[name]!);
  kept.set(runId, tensors);
  for (const old of kept.keys()) if (kept.size > KEEP_RUNS) kept.delete(old);
  return ok({
    runId,
    session: { ...live.facts, placement },
    runMs,
    inputs: Object.entries(built.value.tensors).map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape })),
    outputs: Object.entries(tensors).map(([name, t]) => summarizeTensor(name, t)),
  });
}

/** Bytes of an external-data file, confined to the model's folder (a model can't name /etc/passwd). */
function readExternal(modelPath: string, file: string, offset: number, length: number): Uint8Array | null {
  const dir = dirname(modelPath);
  const full = resolve(dir, file);
  if (!full.startsWith(dir + sep)) return null;
  let fd: number | null = null;
  try {
    fd = openSync(full, 'r');
    const out = new Uint8Array(length);
    const got = readSync(fd, out, 0, length, offset);
    return got === length ? out : null;
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function tensorJson(name: string, t: Tensor): string {
  const data = Array.from(t.data as ArrayLike<number | bigint | string | boolean>, (v) => (typeof v === 'bigint' ? Number(v) : v));
  const values = data.map((v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  return `${JSON.stringify({ name, dtype: t.dtype, shape: t.shape, data: values })}\n`;
}

// Requests are handled one at a time, in order (ORT's run blocks this thread anyway), except `cancel`,
// which must overtake the benchmark it stops.
let queue: Promise<void> = Promise.resolve();
process.on('message', (raw) => {
  const msg = raw as ToRunner;
  const answer = async () => {
    let result: Result<unknown>;
    try {
      result = await handle(msg);
    } catch (e) {
      result = err('INTERNAL', `The onnx runner failed on "${msg.t}": ${(e as Error).stack ?? String(e)}`);
    }
    send({ t: 'reply', id: msg.id, result });
  };
  if (msg.t === 'cancel') void answer();
  else queue = queue.then(answer);
});

process.on('disconnect', () => {
  void releaseSessions(null).finally(() => {
    disposeProfiles();
    process.exit(0);
  });
});

send({ t: 'ready', pid: process.pid });
