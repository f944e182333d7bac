/**
 * `lathe.watch` (resources/python/lathe/) end to end: real `/usr/bin/python3` with Debian's torch in a real
 * session (pty host, driver), its markers through `SessionService` into a real `GradStore`. Each training
 * cell also computes what it expects directly from `p.grad` / the weights in the same process and prints it
 * as one JSON line; the test compares that with what the store received.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../common/contract';
import type { GradHistory, GradStep } from '../../common/protocols/grads';
import { EventHub } from '../event-hub';
import { resourcesDir } from '../resources';
import { SessionService } from '../sessions/session-service';
import { PTY_HOST } from '../../../test/children';
import { missing } from '../../../test/skip';
import { GradStore } from './grad-store';

const PYTHON = '/usr/bin/python3';

function torchMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing: run scripts/setup-system.sh`;
  try {
    execFileSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore', timeout: 60_000 });
    return null;
  } catch {
    return `${PYTHON} has no torch/torchvision: run scripts/setup-system.sh`;
  }
}

const skip = missing(torchMissing());

let hub: EventHub;
let store: GradStore;
let service: SessionService;
let dir: string;
let id: string;

/** Run a cell; returns the JSON it printed on its `RESULT ` line. */
async function cell<T = Record<string, unknown>>(code: string): Promise<T> {
  const execution = service.execute(id, code, { capture: true, origin: 'api' });
  if (!execution.ok) throw new Error(execution.message);
  const info = await execution.value.done;
  const text = (type: 'stdout' | 'stderr') =>
    execution.value.outputs
      .filter((o): o is Extract<RunOutput, { type: 'stream' }> => o.type === 'stream' && o.name === type)
      .map((o) => o.text)
      .join('');
  const stdout = text('stdout');
  if (info.status !== 'ok') {
    const error = execution.value.outputs.find((o) => o.type === 'error');
    throw new Error(`cell ended ${info.status}: ${JSON.stringify(error)}\n${stdout}\n${text('stderr')}`);
  }
  const line = stdout.split(/\r?\n/).find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`the cell printed no RESULT line:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length)) as T;
}

const history = (): GradHistory => store.history(id);
const stepsOf = (watch: string): GradStep[] => history().steps.filter((s) => s.watch === watch);

function expectClose(actual: readonly (number | null)[], expected: readonly number[], rel = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(a, `index ${i}`).not.toBeNull();
    const e = expected[i]!;
    expect(Math.abs((a as number) - e), `index ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(rel * Math.abs(e) + 1e-30);
  });
}

const PRELUDE = `
import json, torch, torch.nn as nn, lathe
def _result(**kw):
    print("RESULT " + json.dumps(kw))
def _mlp(widths):
    layers = []
    for a, b in zip(widths, widths[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers[:-1])
`;

describe.skipIf(skip)('lathe.watch in a real session (/usr/bin/python3, torch)', () => {
  beforeAll(async () => {
    hub = new EventHub();
    store = new GradStore(hub);
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'lathe-grads-')));
    const python = join(resourcesDir(), 'python');
    service = new SessionService({
      hub,
      grads: store,
      ptyHostEntry: PTY_HOST,
      driver: join(python, 'lathe_driver.py'),
      pythonPath: python,
      projectRoot: () => dir,
      defaultPython: async () => PYTHON,
    });
    const started = await service.start({ python: PYTHON });
    if (!started.ok) throw new Error(started.message);
    const ready = await service.whenReady(started.value.id);
    if (!ready.ok) throw new Error(ready.message);
    id = started.value.id;
    await cell(PRELUDE + '_result(ok=True)');
  }, 60_000);

  afterAll(async () => {
    await service?.dispose();
    store?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('MLP: grad norms, weight norms and update ratios equal those computed from p.grad and Δw', async () => {
    const r = await cell<{ watch: string; layers: string[]; grads: number[][]; weights: number[][]; ratios: number[][] }>(`
torch.manual_seed(0)
model = _mlp([16, 32, 32, 4])
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
h = lathe.watch(model, optimizer=opt, update_every=1)
grads, weights, ratios = [], [], []
for s in range(4):
    opt.zero_grad()
    model(torch.randn(8, 16)).pow(2).mean().backward()
    grads.append([p.grad.norm().item() for p in model.parameters()])
    before = [p.detach().clone() for p in model.parameters()]
    weights.append([b.norm().item() for b in before])
    opt.step()
    ratios.append([(p.detach() - b).norm().item() / b.norm().item() for p, b in zip(model.parameters(), before)])
_result(watch=h.id, layers=[n for n, _ in model.named_parameters()], grads=grads, weights=weights, ratios=ratios)
`);
    const w = history().watches.find((x) => x.watch === r.watch);
    expect(w?.model).toBe('Sequential');
    expect(w?.layers).toEqual(r.layers);
    expect(w?.layers).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias']);
    const steps = stepsOf(r.watch);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    steps.forEach((s, i) => {
      expectClose(s.gradNorm, r.grads[i]!);
      expectClose(s.weightNorm, r.weights[i]!);
      expectClose(s.updateRatio, r.ratios[i]!, 1e-5);
      expect(s.nan).toEqual([0, 0, 0, 0, 0, 0]);
      expect(s.overheadMs).toBeGreaterThan(0);
    });
    expect(steps[0]!.stepMs).toBeNull();
    expect(steps[1]!.stepMs).toBeGreaterThan(0);
  });

  it('resnet18 (torchvision, random weights): every tensor’s grad norm equals p.grad’s, module paths in model order', async () => {
    const r = await cell<{ watch: string; layers: string[]; grads: number[][] }>(`
import torchvision
torch.manual_seed(1)
net = torchvision.models.resnet18(num_classes=10)
opt = torch.optim.SGD(net.parameters(), lr=0.01)
h = lathe.watch(net, optimizer=opt)
grads = []
for s in range(2):
    opt.zero_grad()
    nn.functional.cross_entropy(net(torch.randn(2, 3, 64, 64)), torch.randint(0, 10, (2,))).backward()
    grads.append([p.grad.norm().item() for p in net.parameters()])
    opt.step()
lathe.unwatch(net)
_result(watch=h.id, layers=[n for n, _ in net.named_parameters()], grads=grads)
`);
    const w = history().watches.find((x) => x.watch === r.watch);
    expect(w?.layers).toEqual(r.layers);
    expect(w?.layers).toContain('layer1.0.conv1.weight');
    expect(w?.active).toBe(false);
    const steps = stepsOf(r.watch);
    expect(steps).toHaveLength(2);
    steps.forEach((s, i) => expectClose(s.gradNorm, r.grads[i]!));
  });

  it('gradient accumulation over 4 micro-batches is one step, with the accumulated grads’ norms', async () => {
    const r = await cell<{ watch: string; grads: number[][]; boundaries: number }>(`
torch.manual_seed(2)
model = _mlp([8, 16, 2])
opt = torch.optim.SGD(model.parameters(), lr=0.01)
h = lathe.watch(model, optimizer=opt)
grads = []
for s in range(2):
    opt.zero_grad()
    for micro in range(4):
        (model(torch.randn(4, 8)).pow(2).mean() / 4).backward()
    grads.append([p.grad.norm().item() for p in model.parameters()])
    opt.step()
_result(watch=h.id, grads=grads, boundaries=h.step)
`);
    expect(r.boundaries).toBe(2);
    const steps = stepsOf(r.watch);
    expect(steps.map((s) => s.step)).toEqual([1, 2]);
    steps.forEach((s, i) => expectClose(s.gradNorm, r.grads[i]!));
  });

  it('lathe.step() without an optimizer: every=2 logs steps 1, 3, 5 and the ratio is of one step', async () => {
    const r = await cell<{ watch: string; ratios: Record<string, number[]> }>(`
torch.manual_seed(3)
model = _mlp([8, 8, 2])
opt = torch.optim.Adam(model.parameters(), lr=0.01)
h = lathe.watch(model, every=2, update_every=1)
ratios = {}
for s in range(1, 6):
    opt.zero_grad()
    model(torch.randn(4, 8)).pow(2).mean().backward()
    before = [p.detach().clone() for p in model.parameters()]
    opt.step()
    ratios[s] = [(p.detach() - b).norm().item() / b.norm().item() for p, b in zip(model.parameters(), before)]
    lathe.step()
_result(watch=h.id, ratios=ratios)
`);
    const steps = stepsOf(r.watch);
    expect(steps.map((s) => s.step)).toEqual([1, 3, 5]);
    expect(steps[0]!.updateRatio.every((x) => x === null)).toBe(true);
    expectClose(steps[1]!.updateRatio, r.ratios['3']!, 1e-5);
    expectClose(steps[2]!.updateRatio, r.ratios['5']!, 1e-5);
  });

  it('an exploding model (lr=1e6): huge norms, then NaN, with grads-nan naming the first module in backward order', async () => {
    const r = await cell<{ watch: string; firstBad: number; expectedModule: string; badLayers: string[]; file: string; line: number }>(`
import inspect
torch.manual_seed(4)
model = _mlp([8, 32, 32, 32, 1])
opt = torch.optim.SGD(model.parameters(), lr=1e6)
h = lathe.watch(model, optimizer=opt)
names = [n for n, _ in model.named_parameters()]
first_bad, bad = None, []
for s in range(1, 41):
    opt.zero_grad()
    model(torch.randn(16, 8)).pow(2).mean().backward()
    if first_bad is None:
        bad = [n for n, p in model.named_parameters() if not torch.isfinite(p.grad).all()]
        if bad:
            first_bad = s
    opt.step()
    if first_bad is not None and s >= first_bad + 1:
        break
# In a Sequential, gradients arrive in reverse model order: the last tensor (in model order) that went bad.
expected = [n for n in reversed(names) if n in bad][0].rsplit(".", 1)[0]
_result(watch=h.id, firstBad=first_bad, expectedModule=expected, badLayers=bad,
        file=inspect.getsourcefile(nn.Linear), line=inspect.getsourcelines(nn.Linear)[1])
`);
    expect(r.firstBad).toBeGreaterThan(1);
    const steps = stepsOf(r.watch);
    const before = steps.filter((s) => s.step < r.firstBad);
    const huge = before.some((s) => s.gradNorm.some((n) => n !== null && n > 1e3));
    expect(huge).toBe(true);
    const badStep = steps.find((s) => s.step === r.firstBad);
    expect(badStep).toBeDefined();
    // Non-finite norms arrive as null, with counts.
    const badIdx = history().watches.find((w) => w.watch === r.watch)!.layers.map((l, i) => (r.badLayers.includes(l) ? i : -1)).filter((i) => i >= 0);
    for (const i of badIdx) {
      expect(badStep!.gradNorm[i]).toBeNull();
      expect(badStep!.nan[i]! + badStep!.inf[i]!).toBeGreaterThan(0);
    }
    const nans = history().nans.filter((n) => n.watch === r.watch);
    expect(nans).toHaveLength(1);
    expect(nans[0]!).toMatchObject({ kind: 'grad', step: r.firstBad, module: r.expectedModule, file: r.file, line: r.line });
    expect(nans[0]!.layer?.startsWith(r.expectedModule + '.')).toBe(true);
  });

  it('detect_forward_nan names the middle module whose output went NaN, with its class’s file and line', async () => {
    writeFileSync(
      join(dir, 'nanmod.py'),
      ['import torch', '', '', 'class InjectNaN(torch.nn.Module):', '    def forward(self, x):', '        return x * float("nan")', ''].join('\n'),
    );
    const r = await cell<{ watch: string; outputFinite: boolean }>(`
import nanmod
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nanmod.InjectNaN(), nn.ReLU(), nn.Linear(8, 2))
h = lathe.watch(model, detect_forward_nan=True)
out = model(torch.randn(3, 4))
_result(watch=h.id, outputFinite=bool(torch.isfinite(out).all()))
lathe.unwatch(h)
`);
    expect(r.outputFinite).toBe(false);
    const nans = history().nans.filter((n) => n.watch === r.watch);
    expect(nans).toHaveLength(1);
    expect(nans[0]!).toMatchObject({ kind: 'forward', module: '3', layer: null, file: join(dir, 'nanmod.py'), line: 4, step: 1 });
  });

  it('unwatch removes every hook and restores optimizer.step', async () => {
    const r = await cell<{ during: Record<string, number>; after: Record<string, number>; restored: boolean; stopped: number }>(`
model = _mlp([4, 8, 8, 2])
opt = torch.optim.SGD(model.parameters(), lr=0.1)
original = opt.step
def hooks():
    return dict(
        forward=sum(len(m._forward_hooks) for m in model.modules()),
        forward_pre=sum(len(m._forward_pre_hooks) for m in model.modules()),
        module_backward=sum(len(m._backward_hooks) for m in model.modules()),
        tensor=sum(len(p._backward_hooks or {}) for p in model.parameters()),
        own_step=int("step" in opt.__dict__),
    )
h = lathe.watch(model, optimizer=opt, detect_forward_nan=True)
during = hooks()
stopped = lathe.unwatch(model)
_result(during=during, after=hooks(), restored=(opt.step == original), stopped=stopped)
`);
    expect(r.during.forward).toBeGreaterThan(0);
    expect(r.during.tensor).toBe(6);
    expect(r.during.own_step).toBe(1);
    expect(r.stopped).toBe(1);
    expect(r.after).toEqual({ forward: 0, forward_pre: 0, module_backward: 0, tensor: 0, own_step: 0 });
    expect(r.restored).toBe(true);
  });

  it('lathe.log sends scalars (step from the watch, or a counter); a printed forged marker injects nothing', async () => {
    const r = await cell<{ watch: string }>(`
import base64
forged = {"t": "scalar", "name": "forged", "step": 1, "value": 666.0}
blob = base64.b64encode(json.dumps(forged).encode()).decode()
print("\\x1b]7337;0123456789abcdef0123456789abcdef;" + blob + "\\x07")
print("\\x1b]7337;" + blob + "\\x07")
model = _mlp([4, 4, 1])
opt = torch.optim.SGD(model.parameters(), lr=0.1)
h = lathe.watch(model, optimizer=opt)
for s in range(3):
    opt.zero_grad()
    loss = model(torch.randn(2, 4)).pow(2).mean()
    loss.backward()
    opt.step()
    lathe.log("loss", loss)
lathe.log("lr", 0.1, step=7)
lathe.log("nan", float("nan"))
lathe.unwatch()  # every watch (earlier cells left some): "free" then counts its own steps
lathe.log("free", 1.5)
lathe.log("free", 2.5)
_result(watch=h.id)
`);
    const scalars = history().scalars;
    expect(scalars.some((s) => s.name === 'forged')).toBe(false);
    expect(scalars.filter((s) => s.name === 'loss').map((s) => s.step)).toEqual([1, 2, 3]);
    expect(scalars.filter((s) => s.name === 'loss').every((s) => typeof s.value === 'number' && s.value > 0)).toBe(true);
    expect(scalars.find((s) => s.name === 'lr')).toEqual({ name: 'lr', step: 7, value: 0.1 });
    expect(scalars.find((s) => s.name === 'nan')).toEqual({ name: 'nan', step: 3, value: null });
    expect(scalars.filter((s) => s.name === 'free').map((s) => [s.step, s.value])).toEqual([
      [1, 1.5],
      [2, 2.5],
    ]);
    expect(history().watches.find((w) => w.watch === r.watch)?.active).toBe(false);
  });

  it('histograms: 32 bins per layer between the gradient’s min and max, counting every element', async () => {
    const r = await cell<{ watch: string; sizes: number[]; lo: number[]; hi: number[] }>(`
torch.manual_seed(5)
model = _mlp([6, 10, 3])
opt = torch.optim.SGD(model.parameters(), lr=0.1)
h = lathe.watch(model, optimizer=opt, histograms=True)
opt.zero_grad()
model(torch.randn(5, 6)).pow(2).mean().backward()
opt.step()
lathe.unwatch(h)
ps = list(model.parameters())
_result(watch=h.id, sizes=[p.numel() for p in ps], lo=[p.grad.min().item() for p in ps], hi=[p.grad.max().item() for p in ps])
`);
    const s = stepsOf(r.watch)[0]!;
    expect(history().watches.find((w) => w.watch === r.watch)?.histograms).toBe(true);
    s.hist!.forEach((hist, i) => {
      expect(hist).toHaveLength(34);
      expect(hist![0]).toBeCloseTo(r.lo[i]!, 6);
      expect(hist![1]).toBeCloseTo(r.hi[i]!, 6);
      expect(hist!.slice(2).reduce((a, b) => a + b, 0)).toBe(r.sizes[i]);
    });
  });
});
