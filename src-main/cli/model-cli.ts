/**
 * `lathe run <model.onnx>` and `lathe bench <model.onnx>`: the app's runner, from a terminal. They use
 * the same ModelService (and so the same onnx runner, the same figures and the same benchmark records)
 * as the app. The project is the current folder when the model is inside it, else the model's folder.
 *
 * Exit codes: 0 done; 1 the model could not be read, built or run; 2 bad arguments.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SESSION_CONFIG, EP_NAMES, type EpName, type SessionConfig } from '../common/onnx/ep';
import { concreteDims } from '../common/onnx/default-inputs';
import type { ModelInfo } from '../common/onnx/model-types';
import type { RunResult, SessionFacts } from '../common/protocols/onnx';
import type { BenchmarkFile } from '../common/onnx/benchmark-record';
import type { ProfileFile } from '../common/onnx/profile-types';
import { IMAGE_PRESETS, type ImagePreset, type InputSource, type InputSpec } from '../common/tensor/tensor-types';
import { parseNpy } from '../common/tensor/npy';
import { EventHub } from '../core/event-hub';
import { ModelService } from '../core/models/model-service';

export interface ModelCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

const COMMON_OPTIONS = `  --ep LIST            EPs in order, comma-separated (${EP_NAMES.join(', ')}). Default: cpu.
  --fail-fast          Every EP must load and no node may fall back to CPU (default: fallback).
  --opt LEVEL          Graph optimisation: disabled, basic, extended, all (default all).
  --intra N, --inter N Intra-/inter-op threads (default: onnxruntime's choice).
  --parallel           Parallel execution mode (default sequential).
  --input NAME=SOURCE  How to build an input: random (default, seed 0), uniform, zeros, ones,
                       a .npy file, or an image file (png/jpeg) with :imagenet, :unit, :symmetric or :raw.
  --dim NAME=N         A value for a symbolic dimension (default 1).
  --seed N             Seed for random inputs (default 0).
  --json               Print the result as JSON.
  -h, --help           Show this help.`;

export const RUN_HELP = `Usage: lathe run <model.onnx> [options]

Runs the model once on generated or given inputs and prints its outputs
(shape, dtype, statistics, top-5 for logits) and which EP ran the nodes.

Options:
${COMMON_OPTIONS}
`;

export const PROFILE_HELP = `Usage: lathe profile <model.onnx> [options]

Profiles the model with onnxruntime's session profiling (after warm-up) and
prints the time per op type and the slowest nodes. The trace is saved in
.lathe/profiles/ (a Chrome trace: it opens in Perfetto and chrome://tracing).

Options:
  --warmup N           Warm-up runs, left out of the profile (default 5).
  --runs N             Profiled runs (default 50).
  --opt LEVEL          Graph optimisation (default disabled: the node names
                       then match the model's graph).
  -o, --output FILE    Also write the trace to FILE.
${COMMON_OPTIONS.replace(/ {2}--opt LEVEL[^\n]*\n/, '')}
`;

export const BENCH_HELP = `Usage: lathe bench <model.onnx> [options]

Times the model in Lathe's onnx runner: session creation and first run apart,
then warm-up runs, then timed runs. Prints min/mean/std/p50/p90/p95/p99/p999/max
and throughput, and writes a record to .lathe/benchmarks/ in the project.

Options:
  --warmup N           Warm-up runs (default 10).
  --runs N             Timed runs (default 100).
  --budget-ms MS       Stop the timed runs after this long.
${COMMON_OPTIONS}
`;

interface Parsed {
  readonly model: string;
  readonly config: SessionConfig;
  readonly sources: Readonly<Record<string, string>>;
  readonly dims: Readonly<Record<string, number>>;
  readonly seed: number;
  readonly json: boolean;
  readonly warmup: number;
  readonly runs: number;
  readonly budgetMs: number | null;
  /** `lathe profile -o FILE`: also write the trace there. */
  readonly output: string | null;
}

export type ModelCommand = 'run' | 'bench' | 'profile';

function parse(command: ModelCommand, args: string[]): Parsed | string {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ep: { type: 'string' },
        'fail-fast': { type: 'boolean' },
        opt: { type: 'string' },
        intra: { type: 'string' },
        inter: { type: 'string' },
        parallel: { type: 'boolean' },
        input: { type: 'string', multiple: true },
        dim: { type: 'string', multiple: true },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        warmup: { type: 'string' },
        runs: { type: 'string' },
        'budget-ms': { type: 'string' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return (e as Error).message;
  }
  if (values.help) return 'help';
  if (positionals.length !== 1) return positionals.length === 0 ? 'name the .onnx model to ' + command : `one model at a time (got ${positionals.length})`;
  const int = (name: string, raw: string | undefined, fallback: number, min: number): number | string => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    return Number.isInteger(n) && n >= min ? n : `--${name} wants a whole number ≥ ${min}, not "${raw}"`;
  };
  const eps = (values.ep ?? 'cpu').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
  const badEp = eps.find((e) => !(EP_NAMES as readonly string[]).includes(e));
  if (badEp) return `unknown EP "${badEp}" (known: ${EP_NAMES.join(', ')})`;
  // Profiles default to no graph optimisation: node names then match the model's graph.
  const opt = values.opt ?? (command === 'profile' ? 'disabled' : 'all');
  if (!['disabled', 'basic', 'extended', 'all'].includes(opt)) return `--opt is disabled, basic, extended or all, not "${opt}"`;
  const numbers = {
    intra: int('intra', values.intra, 0, 0),
    inter: int('inter', values.inter, 0, 0),
    seed: int('seed', values.seed, 0, 0),
    warmup: int('warmup', values.warmup, command === 'profile' ? 5 : 10, 0),
    runs: int('runs', values.runs, command === 'profile' ? 50 : 100, 1),
    budget: int('budget-ms', values['budget-ms'], 0, 1),
  };
  for (const v of Object.values(numbers)) if (typeof v === 'string') return v;
  const pairs = (list: string[] | undefined, what: string): Record<string, string> | string => {
    const out: Record<string, string> = {};
    for (const item of list ?? []) {
      const at = item.indexOf('=');
      if (at <= 0) return `${what} wants NAME=VALUE, not "${item}"`;
      out[item.slice(0, at)] = item.slice(at + 1);
    }
    return out;
  };
  const sources = pairs(values.input, '--input');
  if (typeof sources === 'string') return sources;
  const dimText = pairs(values.dim, '--dim');
  if (typeof dimText === 'string') return dimText;
  const dims: Record<string, number> = {};
  for (const [k, v] of Object.entries(dimText)) {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) return `--dim ${k} wants a whole number ≥ 1, not "${v}"`;
    dims[k] = n;
  }
  return {
    model: positionals[0]!,
    config: {
      ...DEFAULT_SESSION_CONFIG,
      eps: eps as EpName[],
      mode: values['fail-fast'] ? 'fail-fast' : 'fallback',
      graphOptimization: opt as SessionConfig['graphOptimization'],
      intraOpThreads: numbers.intra as number,
      interOpThreads: numbers.inter as number,
      executionMode: values.parallel ? 'parallel' : 'sequential',
    },
    sources,
    dims,
    seed: numbers.seed as number,
    json: values.json ?? false,
    warmup: numbers.warmup as number,
    runs: numbers.runs as number,
    budgetMs: values['budget-ms'] === undefined ? null : (numbers.budget as number),
    output: values.output ?? null,
  };
}

/** `--input NAME=SOURCE` to an input source; file paths are made project-relative. */
function sourceOf(text: string | undefined, seed: number, toProject: (p: string) => string | null, dims: readonly number[]): InputSource | string {
  if (text === undefined || text === 'random' || text === 'normal') return { kind: 'random', distribution: 'normal', seed, mean: 0, std: 1 };
  if (text === 'uniform') return { kind: 'random', distribution: 'uniform', seed, low: 0, high: 1 };
  if (text === 'zeros' || text === 'ones') return { kind: text };
  const [file, preset = 'imagenet'] = text.split(/:(?=[a-z]+$)/);
  const rel = toProject(file!);
  if (rel === null) return `${file} is outside the project folder`;
  if (/\.npy$/i.test(file!)) return { kind: 'npy', path: rel };
  if (/\.(png|jpe?g)$/i.test(file!)) {
    if (!(preset in IMAGE_PRESETS)) return `unknown image preset "${preset}" (imagenet, unit, symmetric, raw)`;
    const nhwc = dims.length === 4 && dims[3] === 3 && dims[1] !== 3;
    return {
      kind: 'image',
      path: rel,
      preprocess: {
        width: (nhwc ? dims[2] : dims[3]) ?? 224,
        height: (nhwc ? dims[1] : dims[2]) ?? 224,
        fit: 'stretch',
        layout: nhwc ? 'NHWC' : 'NCHW',
        order: 'RGB',
        ...IMAGE_PRESETS[preset as ImagePreset],
      },
    };
  }
  return `don't know how to build an input from "${text}" (random, uniform, zeros, ones, a .npy or an image file)`;
}

export async function modelCommand(command: ModelCommand, args: string[], runnerEntry: string, io: ModelCliIo = processIo()): Promise<number> {
  const parsed = parse(command, args);
  if (parsed === 'help') {
    io.stdout(command === 'run' ? RUN_HELP : command === 'bench' ? BENCH_HELP : PROFILE_HELP);
    return 0;
  }
  if (typeof parsed === 'string') {
    io.stderr(`lathe ${command}: ${parsed}\nRun "lathe ${command} --help".\n`);
    return 2;
  }
  const modelAbs = resolve(io.cwd, parsed.model);
  if (!existsSync(modelAbs)) {
    io.stderr(`lathe ${command}: ${parsed.model}: no such file\n`);
    return 1;
  }
  const inside = (root: string, p: string) => p === root || p.startsWith(root + sep);
  const root = inside(io.cwd, modelAbs) ? io.cwd : dirname(modelAbs);
  const toProject = (p: string): string | null => {
    const abs = resolve(io.cwd, p);
    return inside(root, abs) ? relative(root, abs).split(sep).join('/') : null;
  };
  const hub = new EventHub();
  const models = new ModelService({ hub, runnerEntry, projectRoot: () => root, source: 'cli' });
  const progress = hub.subscribe((event, payload) => {
    if (event !== 'models.progress' || parsed.json) return;
    const p = payload as { phase: string; done: number; total: number };
    if (p.phase === 'runs' && p.done < p.total) io.stderr(`\r  ${p.phase} ${p.done}/${p.total}`);
    else if (p.phase === 'create') io.stderr('  creating the session…\n');
  });
  try {
    const path = toProject(modelAbs)!;
    const info = await models.inspect(path);
    if (!info.ok) return fail(io, command, info.message);
    const inputs: InputSpec[] = [];
    for (const input of info.value.summary.inputs) {
      let dims = concreteDims(input.shape, parsed.dims);
      const source = sourceOf(parsed.sources[input.name], parsed.seed, toProject, dims);
      if (typeof source === 'string') return fail(io, command, `input "${input.name}": ${source}`, 2);
      // A .npy file brings its own shape (the model's open dims take it; fixed ones are checked in the runner).
      if (source.kind === 'npy') dims = npyShape(join(root, ...source.path.split('/'))) ?? dims;
      inputs.push({ name: input.name, dims, dtype: input.dtype, source });
    }
    const unknown = Object.keys(parsed.sources).find((n) => !info.value.summary.inputs.some((i) => i.name === n));
    if (unknown) return fail(io, command, `the model has no input "${unknown}"`, 2);
    if (command === 'run') {
      const result = await models.run(path, parsed.config, inputs);
      if (!result.ok) return fail(io, command, result.message);
      io.stdout(parsed.json ? `${JSON.stringify(result.value, null, 2)}\n` : formatRun(path, info.value, result.value));
      return 0;
    }
    if (command === 'profile') {
      const profile = await models.profile(path, parsed.config, inputs, parsed.warmup, parsed.runs);
      if (!profile.ok) return fail(io, command, profile.message);
      if (!parsed.json) io.stderr(`\r${' '.repeat(40)}\r`);
      if (parsed.output) {
        try {
          copyFileSync(join(root, ...profile.value.file.split('/')), resolve(io.cwd, parsed.output));
        } catch (e) {
          return fail(io, command, `the profile is in ${profile.value.file}, but it could not be copied to ${parsed.output}: ${(e as Error).message}`);
        }
      }
      io.stdout(parsed.json ? `${JSON.stringify(profile.value, null, 2)}\n` : formatProfile(profile.value, parsed.output));
      return 0;
    }
    const bench = await models.benchmark(path, parsed.config, inputs, { warmup: parsed.warmup, runs: parsed.runs, budgetMs: parsed.budgetMs });
    if (!bench.ok) return fail(io, command, bench.message);
    if (!parsed.json) io.stderr(`\r${' '.repeat(40)}\r`);
    io.stdout(parsed.json ? `${JSON.stringify(bench.value, null, 2)}\n` : formatBench(bench.value));
    return 0;
  } finally {
    progress.dispose();
    await models.dispose();
  }
}

function npyShape(file: string): number[] | null {
  try {
    const parsed = parseNpy(new Uint8Array(readFileSync(file)));
    return parsed.ok ? [...parsed.value.shape] : null;
  } catch {
    return null;
  }
}

function fail(io: ModelCliIo, command: string, message: string, code = 1): number {
  io.stderr(`lathe ${command}: ${message}\n`);
  return code;
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function formatSession(s: Pick<SessionFacts, 'eps' | 'dropped'> & { byEp: Readonly<Record<string, number>> | null }): string {
  const lines = [`EPs: ${s.eps.join(', ')}`];
  for (const d of s.dropped) lines.push(`  ${d.ep} was not used: ${d.reason}`);
  if (s.byEp) lines.push(`nodes per EP (after onnxruntime's fusions): ${Object.entries(s.byEp).map(([ep, n]) => `${ep} ${n}`).join(', ')}`);
  return lines.join('\n');
}

export function formatRun(path: string, info: ModelInfo, r: RunResult): string {
  const out = [`${path} (${info.summary.nodeCount} nodes)`, formatSession({ ...r.session, byEp: r.session.placement?.byEp ?? null })];
  out.push(`session: ${r.session.createMs === null ? 'cached' : `${ms(r.session.createMs)} ms to create`}; run ${ms(r.runMs)} ms`);
  for (const o of r.outputs) {
    out.push('', `${o.name}: ${o.dtype} [${o.shape.join(', ')}]`);
    if (o.stats) {
      const s = o.stats;
      out.push(`  min ${s.min.toPrecision(5)}  max ${s.max.toPrecision(5)}  mean ${s.mean.toPrecision(5)}  std ${s.std.toPrecision(5)}`);
      if (s.nan || s.posInf || s.negInf) out.push(`  NaN ${s.nan}  +Inf ${s.posInf}  -Inf ${s.negInf}`);
    }
    out.push(`  first values: ${o.head.slice(0, 8).map((v) => (typeof v === 'number' ? Number(v.toPrecision(5)) : v)).join(', ')}${o.count > 8 ? ', …' : ''}`);
    if (o.topk) out.push(`  top-${o.topk.length}: ${o.topk.map((t) => `#${t.index} ${(t.prob * 100).toFixed(1)}%`).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}

export function formatProfile({ file, meta, summary }: ProfileFile, copy: string | null): string {
  const us = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${v.toFixed(1)} µs`);
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const runs = summary.runs.length;
  const perRun = runs > 0 ? summary.totalRunUs / runs : 0;
  const lines = [
    `${meta?.model?.path ?? file} · ${meta?.eps.join(',') ?? '?'} · optimisation ${meta?.graphOptimization ?? '?'} · ${runs} profiled run(s), ${us(perRun)} per run`,
    `nodes per EP: ${Object.entries(summary.byEp).map(([ep, n]) => `${ep} ${n}`).join(', ') || 'not reported'}`,
    '',
    'op type                      nodes   calls       total   share',
    ...summary.ops.slice(0, 12).map((o) => `${o.op.padEnd(28)} ${String(o.nodes).padStart(5)} ${String(o.calls).padStart(7)} ${us(o.totalUs).padStart(11)} ${pct(o.share).padStart(7)}`),
    '',
    'slowest nodes                                   op             ep      mean   share',
    ...[...summary.nodes]
      .sort((a, b) => b.totalUs - a.totalUs)
      .slice(0, 10)
      .map((n) => `${n.name.slice(0, 46).padEnd(47)} ${n.op.slice(0, 14).padEnd(14)} ${n.ep.padEnd(6)} ${us(n.meanUs).padStart(9)} ${pct(n.share).padStart(7)}`),
    '',
    `trace           ${file}${copy ? ` (and ${copy})` : ''}: a Chrome trace, it opens in Perfetto and chrome://tracing`,
    '',
  ];
  return lines.join('\n');
}

export function formatBench({ file, record }: BenchmarkFile): string {
  const f = record.figures;
  const s = f.stats;
  const m = record.machine;
  return [
    `${record.model.path} · ${record.config.eps.join(',')} (${record.config.mode}, optimisation ${record.config.graphOptimization})`,
    `${m.cpu} · ${m.cores} cores · ${m.os} · onnxruntime-node ${m.ort}`,
    formatSession(record.session),
    `session create  ${ms(f.sessionCreateMs)} ms`,
    `first run       ${ms(f.firstRunMs)} ms`,
    `timed runs      ${f.runs} (after ${f.warmup} warm-up)${f.cancelled ? ' — cancelled' : ''}`,
    `  min ${ms(s.min)}  mean ${ms(s.mean)}  std ${ms(s.std)}  max ${ms(s.max)} ms`,
    `  p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  p999 ${ms(s.p999)} ms`,
    `throughput      ${f.throughput.toFixed(1)} inferences/s (batch ${f.batch})`,
    `record          ${file}`,
    '',
  ].join('\n');
}

function processIo(): ModelCliIo {
  return { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() };
}
