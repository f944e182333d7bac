/**
 * bench/grad-overhead.mjs: what `lathe.watch(model)` at every step costs a training step.
 *
 * Goal: a training step with `lathe.watch(model, optimizer=opt)` (the defaults: every=1, grad and weight
 * norms at every step, the update ratio at one step in 10) at most 1.2× the step without it, on torchvision's resnet18 at batch 8 on the CPU (224×224
 * images, random weights and data, SGD with momentum) and on a 20-layer MLP (width --width, batch 64).
 *
 * In a real Lathe session: `lathe serve` on a temp project, a `ws` client, `sessions.start {python}`, then
 * one run per model. The timing is done in Python (time.perf_counter around each whole step: zero_grad,
 * forward, backward, optimizer.step, which is where the watch measures and sends its marker), after
 * warm-up steps, in --rounds alternating blocks of --steps steps without and with the watch (the watch is
 * attached and removed between blocks, live). The figures are the medians of the per-step times; the
 * cell writes them as JSON into the project folder. The markers go through the driver to the core, as in
 * use.
 *
 * Exit code 0 even when the goal is missed ("MISSED"); non-zero only when the benchmark could not run.
 *
 * Usage: node bench/grad-overhead.mjs [--rounds N] [--steps N] [--width N] [--python PATH] [--no-build] [--json FILE] [--help]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  build,
  cli,
  connectWs,
  figure,
  fmtMs,
  fmtRatio,
  loadLine,
  machine,
  printFigures,
  printTable,
  runBenchmark,
  runCode,
  startLathe,
  startSession,
  tempDir,
} from './lib.mjs';

const MAX_RATIO = 1.2;

const args = cli(import.meta.url, {
  rounds: { type: 'string', default: '4' },
  steps: { type: 'string', default: '3' },
  width: { type: 'string', default: '512' },
  python: { type: 'string', default: '/usr/bin/python3' },
});
const ROUNDS = Math.max(1, Number(args.rounds) || 4);
const STEPS = Math.max(1, Number(args.steps) || 3);
const WIDTH = Math.max(8, Number(args.width) || 512);
const PYTHON = args.python;

/** The Python of one case: `build` makes `model, opt, batch()`; `steps` scales the block length. */
function cellCode(name, buildModel, out, stepsScale) {
  return `
import json, statistics, time, torch, torch.nn as nn, lathe
torch.manual_seed(0)
${buildModel}
def one():
    x, y = batch()
    t0 = time.perf_counter()
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()
    return (time.perf_counter() - t0) * 1000.0
for _ in range(3):
    one()
plain, watched, overhead = [], [], []
for r in range(${ROUNDS}):
    for _ in range(${STEPS * stepsScale}):
        plain.append(one())
    h = lathe.watch(model, optimizer=opt)
    for _ in range(${STEPS * stepsScale}):
        watched.append(one())
        overhead.append(h.last["overheadMs"])
    lathe.unwatch(h)
params = sum(p.numel() for p in model.parameters())
with open(${JSON.stringify(out)}, "w") as f:
    json.dump({"name": ${JSON.stringify(name)}, "plain": plain, "watched": watched, "overhead": overhead,
               "tensors": len(list(model.parameters())), "params": params, "threads": torch.get_num_threads(),
               "torch": torch.__version__}, f)
`;
}

const RESNET = `
import torchvision
model = torchvision.models.resnet18()
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.functional.cross_entropy
def batch():
    return torch.randn(8, 3, 224, 224), torch.randint(0, 1000, (8,))
`;

const MLP = `
layers = []
for i in range(20):
    layers += [nn.Linear(${WIDTH}, ${WIDTH}), nn.ReLU()]
model = nn.Sequential(*layers[:-1])
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.functional.mse_loss
def batch():
    return torch.randn(64, ${WIDTH}), torch.randn(64, ${WIDTH})
`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

await runBenchmark(args, async () => {
  build(args);
  console.log(`Gradient watch overhead: ${ROUNDS} alternating rounds of ${STEPS} (resnet18) / ${STEPS * 10} (MLP) steps each way, ${PYTHON}.`);
  console.log(loadLine());
  const project = tempDir('lathe-bench-grads-project-');
  const server = await startLathe(project, tempDir('lathe-bench-grads-user-'));
  const client = await connectWs(server);
  const { info } = await startSession(client, PYTHON, { server });
  console.log(`  session ready (Python ${info.version}, ${info.ipython ? 'IPython' : 'plain REPL'})`);

  const cases = [
    ['resnet18, batch 8, CPU', RESNET, 1],
    [`MLP, 20 × Linear(${WIDTH}), batch 64, CPU`, MLP, 10],
  ];
  const results = [];
  for (const [name, model, scale] of cases) {
    const out = join(project, `grad-overhead-${results.length}.json`);
    const { run } = await runCode(client, info.id, cellCode(name, model, out, scale));
    if (run.status !== 'ok') throw new Error(`${name}: the run ended ${run.status}: ${run.error?.ename}: ${run.error?.evalue}`);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    results.push({ ...r, plainMs: median(r.plain), watchedMs: median(r.watched), overheadMs: median(r.overhead) });
    console.log(`  ${name}: done (${r.tensors} tensors, ${(r.params / 1e6).toFixed(1)} M parameters, ${r.threads} threads)`);
  }
  await client.call('sessions.stop', { id: info.id });

  console.log('');
  printTable(
    ['step time (median)', 'without', 'with watch', 'ratio', 'watch overheadMs'],
    results.map((r) => [r.name, fmtMs(r.plainMs), fmtMs(r.watchedMs), fmtRatio(r.watchedMs / r.plainMs), fmtMs(r.overheadMs)]),
    { right: [1, 2, 3, 4] },
  );
  console.log('');
  const figures = results.map((r) =>
    figure(`step with watch(model): ${r.name}`, r.watchedMs, 'ms', { peer: r.plainMs, maxRatio: MAX_RATIO, label: `without ${fmtMs(r.plainMs)}; goal ≤ ${MAX_RATIO}×` }),
  );
  printFigures(figures);
  return { bench: 'grad-overhead', at: new Date().toISOString(), machine: machine({ python: PYTHON }), figures, results };
});
