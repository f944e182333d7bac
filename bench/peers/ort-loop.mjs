/**
 * bench/peers/ort-loop.mjs: the peer of bench/onnx-latency.mjs — a bare onnxruntime-node loop in one
 * process, with nothing of Lathe: create a session, warm up, time N runs around `session.run`.
 *
 * Usage: node bench/peers/ort-loop.mjs MODEL FEEDS.json WARMUP RUNS INTRA_THREADS
 * FEEDS.json: { name: { dtype, dims, npy } } (the same .npy files Lathe is given). Prints JSON: { p50, latencies }.
 */
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

const [model, feedsFile, warmup, runs, intra] = process.argv.slice(2);

/** A .npy file (v1/v2, little-endian, C order) as { dtype, dims, data }: just enough for the feeds. */
function readNpy(path) {
  const buf = readFileSync(path);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.subarray(start, start + headerLen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = buf.subarray(start + headerLen);
  const copy = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
  const types = { '<f4': ['float32', Float32Array], '<i8': ['int64', BigInt64Array], '<f8': ['float64', Float64Array], '<i4': ['int32', Int32Array] };
  const [dtype, Ctor] = types[descr];
  return { dtype, dims: shape, data: new Ctor(copy) };
}

const feeds = {};
for (const [name, spec] of Object.entries(JSON.parse(readFileSync(feedsFile, 'utf8')))) {
  const t = readNpy(spec.npy);
  feeds[name] = new ort.Tensor(t.dtype, t.data, t.dims);
}
const options = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', executionMode: 'sequential', ...(Number(intra) > 0 ? { intraOpNumThreads: Number(intra) } : {}) };
const session = await ort.InferenceSession.create(model, options);
for (let i = 0; i < Number(warmup); i++) await session.run(feeds);
const latencies = [];
for (let i = 0; i < Number(runs); i++) {
  const t0 = performance.now();
  await session.run(feeds);
  latencies.push(performance.now() - t0);
}
const sorted = [...latencies].sort((a, b) => a - b);
const at = (p) => {
  const x = (sorted.length - 1) * p;
  const lo = Math.floor(x);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (x - lo);
};
process.stdout.write(JSON.stringify({ p50: at(0.5), p99: at(0.99), latencies }) + '\n');
await session.release();
