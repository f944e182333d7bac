/**
 * bench/peers/ort-profile.mjs: a peer, like ort-loop.mjs beside it: onnxruntime-node on its own, in its own
 * process, with nothing of Lathe. It profiles a model and writes ORT's own Chrome trace, untouched, to OUT:
 * the reference Lathe's trace parser is checked against. Used by
 * src-main/common/onnx/__fixtures__/traces/make-traces.mjs (the committed golden traces), by
 * profile-trace.int.test.ts (resnet18) and by bench/lib-traces.mjs (a big trace); never imported by the app.
 *
 * Usage: node ort-profile.mjs MODEL OUT [--runs N] [--opt disabled|basic|extended|all] [--intra T]
 * Inputs: every tensor input is filled with seeded pseudo-random values (floats in [-1, 1), integers 0),
 * symbolic dimensions set to 1. The session profiles from its creation, so the trace holds
 * model_loading_uri, session_initialization and N model_run spans. Prints { file, runs, bytes } as JSON.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import ort from 'onnxruntime-node';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '3' }, opt: { type: 'string', default: 'disabled' }, intra: { type: 'string', default: '1' } },
});
const [model, out] = positionals;
if (!model || !out) {
  console.error('usage: node ort-profile.mjs MODEL OUT [--runs N] [--opt LEVEL] [--intra T]');
  process.exit(2);
}
const runs = Math.max(1, Number(values.runs) || 3);

let seed = 1;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x40000000) - 1;

function feedFor(meta) {
  const dims = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
  const size = dims.reduce((a, b) => a * b, 1);
  switch (meta.type) {
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from({ length: size }, rand), dims);
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(size), dims);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(size), dims);
    default:
      throw new Error(`input ${meta.name}: type ${meta.type} not handled by ort-profile.mjs`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'lathe-ort-profile-'));
try {
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: values.opt,
    intraOpNumThreads: Number(values.intra) || 1,
    executionMode: 'sequential',
    enableProfiling: true,
    profileFilePrefix: join(dir, 'trace'),
    logSeverityLevel: 3,
  });
  const feeds = Object.fromEntries(session.inputMetadata.map((m) => [m.name, feedFor(m)]));
  for (let i = 0; i < runs; i++) await session.run(feeds);
  session.endProfiling();
  await session.release();
  const file = readdirSync(dir).find((f) => f.endsWith('.json'));
  if (!file) throw new Error('onnxruntime wrote no trace');
  const text = readFileSync(join(dir, file));
  writeFileSync(out, text);
  console.log(JSON.stringify({ file: out, runs, bytes: text.length }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
