/**
 * ONNX models for the contract's `models.*`: confines paths to the project, forwards work to the onnx
 * runner (a supervised child, forked on first use), relays its progress as events, writes benchmark
 * records under `.lathe/benchmarks/`, and runs onnxruntime-node's GPU installer on request.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Disposable } from '../../common/disposable';
import type { EpInfo, SessionConfig } from '../../common/onnx/ep';
import { BENCHMARKS_DIR, recordFileName, type BenchmarkFile, type BenchmarkRecord } from '../../common/onnx/benchmark-record';
import type { ModelInfo } from '../../common/onnx/model-types';
import { PROFILES_DIR, type ProfileEntry, type ProfileFile, type ProfileMeta } from '../../common/onnx/profile-types';
import type { BenchRequest, BenchResult, FromRunner, RunResult, RunnerReplies, ToRunner } from '../../common/protocols/onnx';
import { err, ok, type Result } from '../../common/result';
import type { InputSpec, TensorSummary } from '../../common/tensor/tensor-types';
import type { EventHub } from '../event-hub';
import { Supervisor } from '../supervisor';
import { atomicWrite } from '../workspace/atomic-write';
import { resolveInProject } from '../workspace/confine';

export interface ModelServiceOptions {
  readonly hub: EventHub;
  /** The built onnx runner (out/main/onnx-runner.js). */
  readonly runnerEntry: string;
  readonly projectRoot: () => string | null;
  /** Records say where they came from. */
  readonly source?: 'app' | 'cli';
  /** onnxruntime-node's installer script (tests point it elsewhere). */
  readonly installScript?: () => string;
}

const INSTALL_FLAG = '--onnxruntime-node-install';

type Request = ToRunner extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

interface BenchEntry {
  id: number | null;
  cancelled: boolean;
}

interface Pending {
  readonly resolve: (r: Result<unknown>) => void;
  readonly what: string;
  /** The project-relative model path, for progress events. */
  readonly path: string | null;
}

export class ModelService implements Disposable {
  private supervisor: Supervisor<ToRunner, FromRunner> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Benchmarks in flight, by model path (the runner's request id once it is sent). */
  private readonly benches = new Map<string, BenchEntry>();
  private installing = false;

  constructor(private readonly options: ModelServiceOptions) {}

  private get runner(): Supervisor<ToRunner, FromRunner> {
    this.supervisor ??= new Supervisor<ToRunner, FromRunner>({
      name: 'onnx runner',
      entry: this.options.runnerEntry,
      serialization: 'advanced',
      onMessage: (msg) => this.onMessage(msg),
      onExit: (detail) => this.onRunnerExit(detail),
      onState: (state, restarts, message) => {
        this.options.hub.emit('models.runner', { state, restarts, message });
        if (message) this.options.hub.emit('app.message', { level: state === 'failed' ? 'error' : 'warning', text: message });
      },
    });
    return this.supervisor;
  }

  /** The user asked to try again after the runner crashed too often in a row and was left stopped. */
  restartRunner(): void {
    if (this.supervisor?.state === 'failed') this.supervisor.retry();
  }

  /** For tests: the runner's process. */
  get runnerProcess() {
    return this.supervisor?.process ?? null;
  }

  private request<K extends keyof RunnerReplies>(msg: Extract<Request, { t: K }>, what: string, path: string | null = null): { id: number; done: Promise<Result<RunnerReplies[K]>> } {
    const id = this.nextId++;
    const done = new Promise<Result<unknown>>((resolve) => {
      const runner = this.runner;
      if (runner.state === 'failed') {
        resolve(err('RUNNER_DIED', 'The onnx runner crashed too often in a row and Lathe stopped restarting it. Choose "Restart" in the Models side bar to try again.'));
        return;
      }
      this.pending.set(id, { resolve, what, path });
      if (!runner.send({ ...msg, id } as ToRunner)) {
        this.pending.delete(id);
        resolve(err('RUNNER_DIED', 'The onnx runner is restarting: try again in a moment.'));
      }
    });
    return { id, done: done as Promise<Result<RunnerReplies[K]>> };
  }

  private onMessage(msg: FromRunner): void {
    if (msg.t === 'reply') {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.resolve(msg.result);
    } else if (msg.t === 'progress') {
      const p = this.pending.get(msg.id);
      if (p?.path) this.options.hub.emit('models.progress', { path: p.path, phase: msg.phase, done: msg.done, total: msg.total, lastMs: msg.lastMs });
    }
  }

  private onRunnerExit({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }): void {
    const how = signal ? `was killed (${signal})` : `exited (status ${code})`;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve(
        err('RUNNER_DIED', `The onnx runner ${how} while ${p.what}: onnxruntime or an EP crashed. Lathe restarted it; try again (or another EP).`),
      );
    }
  }

  private async resolve(rel: string): Promise<Result<string>> {
    const root = this.options.projectRoot();
    if (!root) return err('NO_PROJECT', 'Open a folder first');
    const at = await resolveInProject(root, rel);
    return at.ok ? ok(at.value.abs) : at;
  }

  /** The specs with their file paths made absolute (and confined). */
  private async resolveInputs(inputs: readonly InputSpec[]): Promise<Result<InputSpec[]>> {
    const out: InputSpec[] = [];
    for (const spec of inputs) {
      const source = spec.source;
      if (source.kind === 'npy' || source.kind === 'image') {
        const abs = await this.resolve(source.path);
        if (!abs.ok) return abs;
        out.push({ ...spec, source: { ...source, path: abs.value } });
      } else out.push(spec);
    }
    return ok(out);
  }

  async inspect(path: string): Promise<Result<ModelInfo>> {
    const abs = await this.resolve(path);
    if (!abs.ok) return abs;
    return this.request({ t: 'inspect', path: abs.value }, `reading ${path}`).done;
  }

  async initializer(path: string, name: string): Promise<Result<TensorSummary>> {
    const abs = await this.resolve(path);
    if (!abs.ok) return abs;
    return this.request({ t: 'initializer', path: abs.value, name }, `reading ${name} of ${path}`).done;
  }

  eps(refresh = false): Promise<Result<readonly EpInfo[]>> {
    return this.request({ t: 'eps', refresh }, 'probing the execution providers').done;
  }

  async run(path: string, config: SessionConfig, inputs: readonly InputSpec[]): Promise<Result<RunResult>> {
    const abs = await this.resolve(path);
    if (!abs.ok) return abs;
    const specs = await this.resolveInputs(inputs);
    if (!specs.ok) return specs;
    return this.request({ t: 'run', path: abs.value, config, inputs: specs.value }, `running ${path}`, path).done;
  }

  async benchmark(path: string, config: SessionConfig, inputs: readonly InputSpec[], bench: BenchRequest): Promise<Result<BenchmarkFile>> {
    const root = this.options.projectRoot();
    const abs = await this.resolve(path);
    if (!abs.ok || !root) return abs.ok ? err('NO_PROJECT', 'Open a folder first') : abs;
    if (this.benches.has(path)) return err('CONFLICT', `A benchmark of ${path} is already running: cancel it first.`);
    // Registered before any await, so a cancel that comes while the model is still being read is heard.
    const entry: BenchEntry = { id: null, cancelled: false };
    this.benches.set(path, entry);
    try {
      const specs = await this.resolveInputs(inputs);
      if (!specs.ok) return specs;
      const model = await this.inspect(path);
      if (!model.ok) return model;
      if (entry.cancelled) return err('CANCELLED', 'The benchmark was cancelled before it started.');
      const { id, done } = this.request({ t: 'bench', path: abs.value, config, inputs: specs.value, bench }, `benchmarking ${path}`, path);
      entry.id = id;
      const result = await done;
      if (!result.ok) return result;
      return await this.writeRecord(root, path, model.value, config, inputs, result.value);
    } finally {
      if (this.benches.get(path) === entry) this.benches.delete(path);
    }
  }

  private async writeRecord(
    root: string,
    path: string,
    model: ModelInfo,
    config: SessionConfig,
    inputs: readonly InputSpec[],
    result: BenchResult,
  ): Promise<Result<BenchmarkFile>> {
    const { placement, ...facts } = result.session;
    const record: BenchmarkRecord = {
      version: 1,
      createdAt: new Date().toISOString(),
      source: this.options.source ?? 'app',
      model: { path, sha256: model.sha256, bytes: model.bytes },
      config,
      inputs,
      session: { ...facts, byEp: placement?.byEp ?? null },
      machine: result.machine,
      figures: result.figures,
    };
    const file = `${BENCHMARKS_DIR}/${recordFileName(record)}`;
    const target = join(root, ...file.split('/'));
    try {
      await fs.mkdir(dirname(target), { recursive: true });
      await atomicWrite(target, `${JSON.stringify(record, null, 2)}\n`);
    } catch (e) {
      return err('IO_ERROR', `The benchmark ran, but its record could not be written to ${file}: ${(e as Error).message}`);
    }
    return ok({ file, record });
  }

  /** Profile a model (see `profiles.capture`): the trace is saved under .lathe/profiles/ with Lathe's metadata. */
  async profile(path: string, config: SessionConfig, inputs: readonly InputSpec[], warmup: number, runs: number): Promise<Result<ProfileFile>> {
    const root = this.options.projectRoot();
    const abs = await this.resolve(path);
    if (!abs.ok || !root) return abs.ok ? err('NO_PROJECT', 'Open a folder first') : abs;
    const specs = await this.resolveInputs(inputs);
    if (!specs.ok) return specs;
    const model = await this.inspect(path);
    if (!model.ok) return model;
    const done = await this.request({ t: 'profile', path: abs.value, config, inputs: specs.value, warmup, runs }, `profiling ${path}`, path).done;
    if (!done.ok) return done;
    const meta: ProfileMeta = {
      version: 1,
      createdAt: new Date().toISOString(),
      source: this.options.source ?? 'app',
      model: { path, sha256: model.value.sha256 },
      eps: config.eps,
      graphOptimization: config.graphOptimization,
      warmup,
      runs,
    };
    const name = recordFileName({ createdAt: meta.createdAt, model: { path }, session: { eps: config.eps } });
    const file = `${PROFILES_DIR}/${name}`;
    const target = join(root, ...file.split('/'));
    // A Chrome trace in JSON Object Format: Perfetto and chrome://tracing open it; `lathe` is ours.
    const head = new TextEncoder().encode(`{"lathe":${JSON.stringify(meta)},"traceEvents":`);
    const bytes = new Uint8Array(head.length + done.value.trace.length + 2);
    bytes.set(head, 0);
    bytes.set(done.value.trace, head.length);
    bytes.set(new TextEncoder().encode('}\n'), head.length + done.value.trace.length);
    try {
      await fs.mkdir(dirname(target), { recursive: true });
      await atomicWrite(target, bytes);
    } catch (e) {
      return err('IO_ERROR', `The profile ran, but its trace could not be written to ${file}: ${(e as Error).message}`);
    }
    return ok({ file, meta, summary: done.value.summary });
  }

  /** Open any Chrome trace in the project (parsed in the runner, so a 100 MB trace never blocks the host). */
  async openProfile(path: string): Promise<Result<ProfileFile>> {
    const abs = await this.resolve(path);
    if (!abs.ok) return abs;
    const parsed = await this.request({ t: 'parse-trace', path: abs.value }, `reading ${path}`, path).done;
    if (!parsed.ok) return parsed;
    return ok({ file: path, meta: asProfileMeta(parsed.value.meta), summary: parsed.value.summary });
  }

  /** The profiles in .lathe/profiles/, newest first, with the metadata read from each file's head. */
  async profiles(): Promise<Result<readonly ProfileEntry[]>> {
    const root = this.options.projectRoot();
    if (!root) return err('NO_PROJECT', 'Open a folder first');
    const dir = join(root, ...PROFILES_DIR.split('/'));
    let names: string[];
    try {
      names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json'));
    } catch {
      return ok([]);
    }
    const out: ProfileEntry[] = [];
    for (const name of names) {
      try {
        const full = join(dir, name);
        const stat = await fs.stat(full);
        out.push({ file: `${PROFILES_DIR}/${name}`, meta: await readProfileMeta(full), bytes: stat.size });
      } catch {
        // Gone since the listing: left out.
      }
    }
    out.sort((a, b) => (b.meta?.createdAt ?? b.file).localeCompare(a.meta?.createdAt ?? a.file));
    return ok(out);
  }

  cancel(path: string): Result<void> {
    const entry = this.benches.get(path);
    if (!entry || entry.cancelled) return ok();
    entry.cancelled = true;
    if (entry.id !== null) void this.request({ t: 'cancel', target: entry.id }, 'cancelling a benchmark').done;
    return ok();
  }

  async saveOutput(runId: string, output: string, format: 'npy' | 'json', path: string): Promise<Result<void>> {
    const abs = await this.resolve(path);
    if (!abs.ok) return abs;
    const bytes = await this.request({ t: 'save-output', runId, output, format }, `encoding ${output}`).done;
    if (!bytes.ok) return bytes;
    try {
      await fs.mkdir(dirname(abs.value), { recursive: true });
      await atomicWrite(abs.value, bytes.value);
    } catch (e) {
      return err('IO_ERROR', `Could not write ${path}: ${(e as Error).message}`);
    }
    return ok();
  }

  async release(path: string): Promise<Result<void>> {
    if (!this.supervisor) return ok();
    const abs = await this.resolve(path);
    if (!abs.ok) return abs;
    return this.request({ t: 'release', path: abs.value }, `closing ${path}`).done;
  }

  /** Every record in .lathe/benchmarks/ that parses, newest first (broken ones are skipped). */
  async benchmarks(): Promise<Result<readonly BenchmarkFile[]>> {
    const root = this.options.projectRoot();
    if (!root) return err('NO_PROJECT', 'Open a folder first');
    const dir = join(root, ...BENCHMARKS_DIR.split('/'));
    let names: string[];
    try {
      names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json'));
    } catch {
      return ok([]);
    }
    const files: BenchmarkFile[] = [];
    for (const name of names) {
      try {
        const record = JSON.parse(await fs.readFile(join(dir, name), 'utf8')) as BenchmarkRecord;
        if (record?.version === 1 && record.figures?.stats && record.model?.path) files.push({ file: `${BENCHMARKS_DIR}/${name}`, record });
      } catch {
        // Not a record (or half-edited by hand): left out of the history.
      }
    }
    files.sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt));
    return ok(files);
  }

  /**
   * onnxruntime-node's own installer, for the CUDA/TensorRT libraries (`--onnxruntime-node-install=cuda12`).
   * Its output streams as `models.install` events; when it is done the EPs are probed again.
   */
  installGpu(): Result<void> {
    if (this.installing) return err('CONFLICT', 'The GPU support install is already running.');
    const script = this.options.installScript?.() ?? join(dirname(createRequire(__filename).resolve('onnxruntime-node/package.json')), 'script', 'install.js');
    this.installing = true;
    const emit = (state: 'running' | 'done' | 'failed', text: string) => this.options.hub.emit('models.install', { state, text });
    emit('running', `Running onnxruntime-node's installer (${script} ${INSTALL_FLAG}: the CUDA 12 and TensorRT libraries)…`);
    // The installer lets its environment override its flag, and CI sets ONNXRUNTIME_NODE_INSTALL=skip
    // (which would make it exit at once, "successfully"): the user's explicit request wins here.
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    delete env.ONNXRUNTIME_NODE_INSTALL;
    delete env.npm_config_onnxruntime_node_install;
    delete env.ONNXRUNTIME_NODE_INSTALL_CUDA;
    delete env.npm_config_onnxruntime_node_install_cuda;
    // onnxruntime-node 1.30's installer drops the value of `--onnxruntime-node-install=cuda12` (its
    // parseInstallFlag returns undefined for any named manifest), and then, run from npm, exits 0 having
    // done nothing. The bare flag forces the platform's required manifests, which on Linux x64 is exactly
    // cuda12.
    delete env.npm_config_local_prefix;
    delete env.npm_package_json;
    const child = spawn(process.execPath, [script, INSTALL_FLAG], {
      cwd: dirname(dirname(script)),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-4000);
      for (const line of text.split(/\r?\n/)) if (line.trim()) emit('running', line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => {
      this.installing = false;
      emit('failed', `The installer could not start: ${e.message}`);
    });
    child.on('close', (code) => {
      this.installing = false;
      if (code === 0) {
        // Believe the files, not the exit status: probe again and look at CUDA's state.
        void this.eps(true).then((eps) => {
          const cuda = eps.ok ? eps.value.find((e) => e.name === 'cuda') : undefined;
          if (cuda?.state === 'needs-install') emit('failed', `The installer finished, but the CUDA libraries are still missing. ${installHint(tail)}`);
          else emit('done', `GPU support installed. CUDA is now: ${cuda ? `${cuda.state} (${cuda.reason})` : 'unknown'}.`);
        });
        return;
      }
      emit('failed', `The installer failed (exit status ${code}). ${installHint(tail)}`);
    });
    return ok();
  }

  async dispose(): Promise<void> {
    await this.supervisor?.dispose();
    this.supervisor = null;
  }
}

/** Lathe's metadata at the head of a saved profile (`{"lathe":{…},"traceEvents":[…]}`), or null. */
async function readProfileMeta(file: string): Promise<ProfileMeta | null> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(16 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8');
    const end = head.indexOf(',"traceEvents":');
    if (!head.startsWith('{"lathe":') || end < 0) return null;
    return asProfileMeta(JSON.parse(head.slice('{"lathe":'.length, end)) as unknown);
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

function asProfileMeta(meta: unknown): ProfileMeta | null {
  const m = meta as Partial<ProfileMeta> | null;
  return m && m.version === 1 && typeof m.createdAt === 'string' && Array.isArray(m.eps) ? (m as ProfileMeta) : null;
}

/** What an installer failure most likely means, from its output. */
function installHint(output: string): string {
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo/.test(output)) {
    const host = output.match(/ENOTFOUND (\S+)/)?.[1] ?? 'the download host';
    return `It could not reach ${host}: this machine has no internet access (or a proxy blocks it). Install on a connected machine, or set GLOBAL_AGENT_HTTPS_PROXY.`;
  }
  const last = output.trim().split('\n').filter(Boolean).slice(-3).join(' ');
  return last ? `Its last words: ${last}` : '';
}
