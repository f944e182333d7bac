/**
 * The model service through the real onnx runner child and real onnxruntime-node, on real models
 * exported by Debian's torch (scripts/make-onnx-fixtures.py, generated on first use) and the real
 * pretrained silero VAD from @ricky0123/vad-web.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events } from '../../common/contract';
import { DEFAULT_SESSION_CONFIG, type SessionConfig } from '../../common/onnx/ep';
import { defaultInputSpecs } from '../../common/onnx/default-inputs';
import { parseNpy } from '../../common/tensor/npy';
import type { InputSpec } from '../../common/tensor/tensor-types';
import { EventHub } from '../event-hub';
import { ModelService } from './model-service';
import { ONNX_RUNNER } from '../../../test/children';
import { hasTorch, onnxFixtures } from '../../../test/onnx-fixtures';
import { missing } from '../../../test/skip';

const skip = missing(hasTorch ? null : '/usr/bin/python3 with torch and onnx is missing (scripts/setup-system.sh installs them): no ONNX fixtures');

const CPU: SessionConfig = DEFAULT_SESSION_CONFIG;

describe.skipIf(skip)('model service (real onnx runner)', () => {
  let dir: string;
  let fixtures: string;
  let hub: EventHub;
  let events: Array<{ event: keyof Events; payload: unknown }>;
  let models: ModelService;

  /** Copies fixture files into the project (models must be inside it). */
  const use = (...names: string[]) => {
    for (const n of names) copyFileSync(join(fixtures, n), join(dir, n));
  };

  beforeAll(() => {
    fixtures = onnxFixtures();
    dir = mkdtempSync(join(tmpdir(), 'lathe-models-'));
    hub = new EventHub();
    events = [];
    hub.subscribe((event, payload) => void events.push({ event, payload }));
    models = new ModelService({ hub, runnerEntry: ONNX_RUNNER, projectRoot: () => dir });
  }, 600_000);

  afterAll(async () => {
    await models?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function inspect(name: string) {
    const info = await models.inspect(name);
    if (!info.ok) throw new Error(info.message);
    return info.value;
  }

  it('lists every EP with its state on this machine', async () => {
    const eps = await models.eps();
    if (!eps.ok) throw new Error(eps.message);
    const by = Object.fromEntries(eps.value.map((e) => [e.name, e]));
    expect(Object.keys(by).sort()).toEqual(['coreml', 'cpu', 'cuda', 'dml', 'qnn', 'tensorrt', 'webgpu']);
    expect(by.cpu!.state).toBe('available');
    for (const e of eps.value) expect(e.state === 'available' || (e.reason.length > 10 && e.action.length > 5)).toBe(true);
    if (process.platform === 'linux' && process.arch === 'x64') {
      // No CUDA libraries are downloaded here (npm ci skips onnxruntime-node's installer) and there is no GPU.
      expect(by.cuda!.state).toBe('needs-install');
      expect(by.cuda!.installable).toBe(true);
      expect(by.tensorrt!.state).toBe('needs-install');
      expect(by.webgpu!.state).toBe('no-device');
      expect(by.webgpu!.reason).toMatch(/adapter/i);
      expect(by.dml!.state).toBe('not-in-build');
      expect(by.coreml!.state).toBe('not-in-build');
      expect(by.qnn!.state).toBe('not-in-build');
    }
  }, 60_000);

  it('inference matches torch within 1e-4 (npy in, npy out)', async () => {
    for (const name of ['small_cnn', 'resnet18', 'symbolic_batch', 'if_subgraph']) {
      if (!existsSync(join(fixtures, `${name}.torch_out.npy`))) continue;
      use(`${name}.onnx`, `${name}.input.npy`);
      const info = await inspect(`${name}.onnx`);
      const input = info.summary.inputs[0]!;
      const npy = parseNpy(readFileSync(join(dir, `${name}.input.npy`)));
      if (!npy.ok) throw new Error(npy.message);
      const inputs: InputSpec[] = [{ name: input.name, dims: npy.value.shape, dtype: input.dtype, source: { kind: 'npy', path: `${name}.input.npy` } }];
      const run = await models.run(`${name}.onnx`, CPU, inputs);
      if (!run.ok) throw new Error(`${name}: ${run.message}`);
      const out = run.value.outputs[0]!;
      const saved = await models.saveOutput(run.value.runId, out.name, 'npy', `outputs/${name}.npy`);
      expect(saved.ok).toBe(true);
      const ours = parseNpy(readFileSync(join(dir, 'outputs', `${name}.npy`)));
      const torch = parseNpy(readFileSync(join(fixtures, `${name}.torch_out.npy`)));
      if (!ours.ok || !torch.ok) throw new Error('npy');
      expect(ours.value.shape).toEqual(torch.value.shape);
      let maxDiff = 0;
      const a = ours.value.data as Float32Array;
      const b = torch.value.data as Float32Array;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
      expect(maxDiff, name).toBeLessThan(1e-4);
      // The placement comes from the first run's profile: every node on the CPU.
      expect(Object.keys(run.value.session.placement!.byEp)).toEqual(['cpu']);
    }
  }, 300_000);

  it('runs resnet18 with random input and gives top-5 and stats; a second run reuses the session', async () => {
    use('resnet18.onnx');
    const info = await inspect('resnet18.onnx');
    const inputs = defaultInputSpecs(info.summary.inputs);
    // A config no earlier test used, so the first run makes its session.
    const config: SessionConfig = { ...CPU, graphOptimization: 'extended' };
    const first = await models.run('resnet18.onnx', config, inputs);
    if (!first.ok) throw new Error(first.message);
    const logits = first.value.outputs[0]!;
    expect(logits.shape).toEqual([1, 1000]);
    expect(logits.topk).toHaveLength(5);
    expect(logits.stats!.nan).toBe(0);
    expect(first.value.session.createMs).toBeGreaterThan(0);
    const again = await models.run('resnet18.onnx', config, inputs);
    if (!again.ok) throw new Error(again.message);
    expect(again.value.session.createMs).toBeNull();
    // Same seed, same input, same outputs.
    expect(again.value.outputs[0]!.head.slice(0, 10)).toEqual(logits.head.slice(0, 10));
  }, 120_000);

  it('runs the real silero VAD (state in, state out)', async () => {
    use('silero_vad_v5.onnx');
    const info = await inspect('silero_vad_v5.onnx');
    const names = info.summary.inputs.map((i) => i.name).sort();
    expect(names).toEqual(['input', 'sr', 'state']);
    const inputs: InputSpec[] = info.summary.inputs.map((i) => {
      if (i.name === 'sr') return { name: i.name, dims: [], dtype: i.dtype, source: { kind: 'json', text: '16000' } };
      if (i.name === 'state') return { name: i.name, dims: [2, 1, 128], dtype: i.dtype, source: { kind: 'zeros' } };
      return { name: i.name, dims: [1, 512], dtype: i.dtype, source: { kind: 'random', distribution: 'uniform', seed: 1, low: -0.1, high: 0.1 } };
    });
    const run = await models.run('silero_vad_v5.onnx', CPU, inputs);
    if (!run.ok) throw new Error(run.message);
    const prob = run.value.outputs.find((o) => o.name === 'output')!;
    expect(prob.stats!.min).toBeGreaterThanOrEqual(0);
    expect(prob.stats!.max).toBeLessThanOrEqual(1);
  }, 60_000);

  it('refuses a wrong-shape input before running, naming the input and the dim', async () => {
    use('small_cnn.onnx');
    const info = await inspect('small_cnn.onnx');
    const good = defaultInputSpecs(info.summary.inputs)[0]!;
    const bad = { ...good, dims: good.dims.map((d, i) => (i === good.dims.length - 1 ? d + 5 : d)) };
    const run = await models.run('small_cnn.onnx', CPU, [bad]);
    expect(run.ok).toBe(false);
    if (run.ok) return;
    expect(run.code).toBe('INPUT_INVALID');
    expect(run.message).toContain(good.name);
  }, 60_000);

  it('gives a clear error for corrupt, truncated and non-ONNX files, and the runner stays up', async () => {
    const bytes = readFileSync(join(fixtures, 'small_cnn.onnx'));
    writeFileSync(join(dir, 'truncated.onnx'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    writeFileSync(join(dir, 'text.onnx'), 'this is not a model\n'.repeat(20));
    writeFileSync(join(dir, 'empty.onnx'), '');
    for (const name of ['truncated.onnx', 'text.onnx', 'empty.onnx']) {
      const info = await models.inspect(name);
      expect(info.ok, name).toBe(false);
      if (!info.ok) {
        expect(info.code).toBe('MODEL_INVALID');
        expect(info.message.length).toBeGreaterThan(20);
      }
    }
    const missingFile = await models.inspect('nope.onnx');
    expect(missingFile.ok).toBe(false);
    expect((await models.eps()).ok).toBe(true);
  }, 60_000);

  it('fail-fast with a missing EP errors; fallback runs on the CPU and says why CUDA was dropped', async () => {
    use('small_cnn.onnx');
    const info = await inspect('small_cnn.onnx');
    const inputs = defaultInputSpecs(info.summary.inputs);
    const strict = await models.run('small_cnn.onnx', { ...CPU, eps: ['cuda'], mode: 'fail-fast' }, inputs);
    expect(strict.ok).toBe(false);
    if (!strict.ok) {
      expect(strict.code).toBe('EP_UNAVAILABLE');
      expect(strict.message).toMatch(/cuda/i);
    }
    const loose = await models.run('small_cnn.onnx', { ...CPU, eps: ['cuda', 'cpu'], mode: 'fallback' }, inputs);
    if (!loose.ok) throw new Error(loose.message);
    expect(loose.value.session.eps).toEqual(['cpu']);
    expect(loose.value.session.dropped.map((d) => d.ep)).toEqual(['cuda']);
    expect(loose.value.session.dropped[0]!.reason.length).toBeGreaterThan(20);
    expect(Object.keys(loose.value.session.placement!.byEp)).toEqual(['cpu']);
  }, 60_000);

  it('benchmarks: progress, figures, a record in .lathe/benchmarks/ read back by the history', async () => {
    use('small_cnn.onnx');
    const info = await inspect('small_cnn.onnx');
    events.length = 0;
    const bench = await models.benchmark('small_cnn.onnx', CPU, defaultInputSpecs(info.summary.inputs), { warmup: 5, runs: 50, budgetMs: null });
    if (!bench.ok) throw new Error(bench.message);
    const { record, file } = bench.value;
    expect(record.figures.runs).toBe(50);
    expect(record.figures.latenciesMs).toHaveLength(50);
    const s = record.figures.stats;
    expect(s.min).toBeLessThanOrEqual(s.p50);
    expect(s.p50).toBeLessThanOrEqual(s.p90);
    expect(s.p99).toBeLessThanOrEqual(s.max);
    expect(record.figures.sessionCreateMs).toBeGreaterThan(0);
    expect(record.figures.throughput).toBeGreaterThan(0);
    expect(record.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record.machine.cores).toBeGreaterThan(0);
    expect(record.session.byEp).toEqual({ cpu: expect.any(Number) });
    expect(file).toMatch(/^\.lathe\/benchmarks\/.*small_cnn-cpu\.json$/);
    expect(JSON.parse(readFileSync(join(dir, file), 'utf8'))).toEqual(JSON.parse(JSON.stringify(record)));
    const phases = events.filter((e) => e.event === 'models.progress').map((e) => (e.payload as { phase: string }).phase);
    expect(phases).toContain('create');
    expect(phases).toContain('runs');
    const history = await models.benchmarks();
    if (!history.ok) throw new Error(history.message);
    expect(history.value.map((h) => h.file)).toContain(file);
  }, 120_000);

  it('cancels a running benchmark', async () => {
    use('resnet18.onnx');
    const info = await inspect('resnet18.onnx');
    events.length = 0;
    const running = models.benchmark('resnet18.onnx', CPU, defaultInputSpecs(info.summary.inputs), { warmup: 0, runs: 100_000, budgetMs: null });
    await until(() => events.some((e) => e.event === 'models.progress' && (e.payload as { phase: string }).phase === 'runs'));
    expect(models.cancel('resnet18.onnx').ok).toBe(true);
    const done = await running;
    if (!done.ok) throw new Error(done.message);
    expect(done.value.record.figures.cancelled).toBe(true);
    expect(done.value.record.figures.runs).toBeLessThan(100_000);
  }, 120_000);

  it('a runner killed mid-run is reported, and the next run works', async () => {
    use('resnet18.onnx');
    const info = await inspect('resnet18.onnx');
    events.length = 0;
    const running = models.benchmark('resnet18.onnx', CPU, defaultInputSpecs(info.summary.inputs), { warmup: 0, runs: 100_000, budgetMs: null });
    await until(() => events.some((e) => e.event === 'models.progress' && (e.payload as { phase: string }).phase === 'runs'));
    models.runnerProcess!.kill('SIGKILL');
    const died = await running;
    expect(died.ok).toBe(false);
    if (!died.ok) {
      expect(died.code).toBe('RUNNER_DIED');
      expect(died.message).toMatch(/SIGKILL/);
    }
    expect(events.some((e) => e.event === 'models.runner' && (e.payload as { state: string }).state === 'restarting')).toBe(true);
    await until(() => models.runnerProcess !== null);
    const next = await models.run('resnet18.onnx', CPU, defaultInputSpecs(info.summary.inputs));
    if (!next.ok) throw new Error(next.message);
    expect(next.value.outputs[0]!.shape).toEqual([1, 1000]);
  }, 180_000);

  it('opens an external-data model without its weights, and runs it with them', async () => {
    const manifest = JSON.parse(readFileSync(join(fixtures, 'manifest.json'), 'utf8')) as { files: string[] };
    const side = manifest.files.filter((f) => f.startsWith('external_data') && !f.endsWith('.onnx') && !f.endsWith('.json'));
    use('external_data.onnx');
    const alone = await inspect('external_data.onnx');
    expect(alone.summary.externalBytes).toBeGreaterThan(0);
    for (const f of side) use(f);
    const run = await models.run('external_data.onnx', CPU, defaultInputSpecs(alone.summary.inputs));
    if (!run.ok) throw new Error(run.message);
    expect(run.value.outputs.length).toBeGreaterThan(0);
  }, 60_000);

  it('the GPU installer is onnxruntime-node’s own; its failure (no internet) is reported in plain words', async () => {
    // A proxy on a closed port makes the download fail at once, whether or not this machine is online.
    process.env.GLOBAL_AGENT_HTTPS_PROXY = 'http://127.0.0.1:9';
    try {
      events.length = 0;
      expect(models.installGpu().ok).toBe(true);
      await until(() => events.some((e) => e.event === 'models.install' && (e.payload as { state: string }).state !== 'running'), 60_000);
      const last = events.filter((e) => e.event === 'models.install').at(-1)!.payload as { state: string; text: string };
      expect(last.state).toBe('failed');
      expect(last.text).toMatch(/installer failed/);
    } finally {
      delete process.env.GLOBAL_AGENT_HTTPS_PROXY;
    }
  }, 90_000);

  it('previews an initialiser’s values', async () => {
    use('small_cnn.onnx');
    const info = await inspect('small_cnn.onnx');
    const init = info.graph.initializers[0]!;
    const values = await models.initializer('small_cnn.onnx', init.name);
    if (!values.ok) throw new Error(values.message);
    expect(values.value.shape).toEqual(init.shape);
    expect(values.value.count).toBe(init.count);
  }, 60_000);

  it('an opset or op onnxruntime does not support is refused in plain words', async () => {
    // Three one-node models made with onnx.helper: opset 99, an op no opset has, a custom-domain op.
    const make = [
      'import onnx, sys',
      'from onnx import helper, TensorProto as T',
      "x = helper.make_tensor_value_info('x', T.FLOAT, [1, 4]); y = helper.make_tensor_value_info('y', T.FLOAT, [1, 4])",
      'def save(node, opsets, name):',
      "    m = helper.make_model(helper.make_graph([node], 'g', [x], [y]), opset_imports=[helper.make_opsetid(d, v) for d, v in opsets]); m.ir_version = 7",
      "    onnx.save(m, sys.argv[1] + '/' + name)",
      "save(helper.make_node('Relu', ['x'], ['y']), [('', 99)], 'opset99.onnx')",
      "save(helper.make_node('NoSuchOp', ['x'], ['y'], name='mystery'), [('', 13)], 'noop.onnx')",
      "save(helper.make_node('FancyOp', ['x'], ['y'], name='custom', domain='com.acme'), [('', 13), ('com.acme', 1)], 'custom.onnx')",
    ].join('\n');
    execFileSync('/usr/bin/python3', ['-c', make, dir]);
    const expected: Record<string, RegExp> = {
      'opset99.onnx': /uses opset 99, which this onnxruntime does not support/,
      'noop.onnx': /Node "mystery" uses op NoSuchOp, which opset 13 of ai\.onnx does not have/,
      'custom.onnx': /op FancyOp of domain "com\.acme", which onnxruntime does not know/,
    };
    for (const [name, message] of Object.entries(expected)) {
      const info = await inspect(name); // Lathe's own parser reads them: they are valid files
      const run = await models.run(name, CPU, defaultInputSpecs(info.summary.inputs));
      expect(run.ok, name).toBe(false);
      if (!run.ok) {
        expect(run.code, name).toBe('MODEL_INVALID');
        expect(run.message, name).toMatch(message);
      }
    }
  }, 60_000);

  it('profiles a model: warm-up cut from the trace, node names match the graph, saved as a Chrome trace and listed', async () => {
    use('small_cnn.onnx');
    const info = await inspect('small_cnn.onnx');
    const config: SessionConfig = { ...CPU, graphOptimization: 'disabled' };
    const profile = await models.profile('small_cnn.onnx', config, defaultInputSpecs(info.summary.inputs), 3, 10);
    if (!profile.ok) throw new Error(profile.message);
    const { file, meta, summary } = profile.value;
    expect(summary.source).toBe('ort');
    expect(summary.runs).toHaveLength(10); // the 3 warm-up runs are cut
    const graphNames = new Set(info.graph.nodes.map((n) => n.name));
    expect(summary.nodes.length).toBe(info.graph.nodes.length);
    for (const n of summary.nodes) {
      expect(graphNames.has(n.name), n.name).toBe(true);
      expect(n.calls).toBe(10);
      expect(n.ep).toBe('cpu');
    }
    expect(meta).toMatchObject({ version: 1, eps: ['cpu'], graphOptimization: 'disabled', warmup: 3, runs: 10, model: { path: 'small_cnn.onnx' } });
    expect(file).toMatch(/^\.lathe\/profiles\/.*small_cnn-cpu\.json$/);
    // The file is a Chrome trace in JSON Object Format, with Lathe's metadata beside the events.
    const saved = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { lathe: unknown; traceEvents: unknown[] };
    expect(saved.lathe).toEqual(meta);
    expect(saved.traceEvents.length).toBeGreaterThan(summary.nodes.length * 10);
    const listed = await models.profiles();
    if (!listed.ok) throw new Error(listed.message);
    expect(listed.value.find((p) => p.file === file)?.meta).toEqual(meta);
    // Opening it again (as an import would) gives the same summary.
    const opened = await models.openProfile(file);
    if (!opened.ok) throw new Error(opened.message);
    expect(opened.value.summary.nodes.map((n) => [n.name, n.calls])).toEqual(summary.nodes.map((n) => [n.name, n.calls]));
    expect(opened.value.meta).toEqual(meta);
  }, 120_000);

  it('a file that is not a trace is refused in plain words', async () => {
    writeFileSync(join(dir, 'not-a-trace.json'), '{"hello": "world"}');
    const opened = await models.openProfile('not-a-trace.json');
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.message).toMatch(/trace/i);
  }, 60_000);

  it('keeps paths inside the project', async () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    const outside = await models.inspect('../etc/passwd');
    expect(outside.ok).toBe(false);
    if (!outside.ok) expect(outside.code).toBe('OUTSIDE_PROJECT');
  });
});

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
