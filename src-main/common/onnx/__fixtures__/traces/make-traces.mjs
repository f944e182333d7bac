/**
 * make-traces.mjs: regenerates the golden traces in this folder from real runs. Run by hand
 * (`node src-main/common/onnx/__fixtures__/traces/make-traces.mjs`) after `npx vitest run` has made
 * out/test-fixtures/onnx/ (scripts/make-onnx-fixtures.py); the outputs are committed, nothing imports this.
 *
 * - small_cnn.ort.json, int8_qdq.ort.json, resnet18.ort.json: onnxruntime-node on its own (bench/peers/ort-profile.mjs),
 *   CPU EP, graph optimisation 'disabled' (node names are the graph's), one intra-op thread,
 *   3 runs each; ORT's own output, untrimmed (resnet18's is the largest, about 130 kB).
 * - small_cnn.torch.json: Debian's torch (/usr/bin/python3), torch.profiler around 3 forwards of a small
 *   CNN, `prof.export_chrome_trace`. Debian's torch 1.13 is built without kineto, so this is the legacy
 *   autograd-profiler export (a JSON array of 'X' events, pid "CPU functions", no `cat`).
 * Every file must stay under 300 kB: this script fails rather than writing a bigger one.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..', '..', '..', '..');
const MODELS = join(REPO, 'out', 'test-fixtures', 'onnx');
const LIMIT = 300_000;

function run(command, argv) {
  const r = spawnSync(command, argv, { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout;
}

function check(file) {
  const bytes = statSync(file).size;
  if (bytes > LIMIT) throw new Error(`${file} is ${bytes} bytes, over the ${LIMIT}-byte limit for committed traces`);
  console.log(`${file}: ${bytes} bytes`);
}

for (const model of ['small_cnn', 'int8_qdq', 'resnet18']) {
  const out = join(HERE, `${model}.ort.json`);
  run(process.execPath, [join(HERE, '..', '..', '..', '..', '..', 'bench', 'peers', 'ort-profile.mjs'), join(MODELS, `${model}.onnx`), out, '--runs', '3', '--opt', 'disabled', '--intra', '1']);
  check(out);
}

const TORCH = `
import sys, torch
from torch import nn
from torch.profiler import profile, ProfilerActivity
torch.manual_seed(0)
torch.set_num_threads(1)
model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
                      nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 8 * 8, 10)).eval()
x = torch.randn(1, 3, 32, 32)
with torch.no_grad():
    model(x)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        for _ in range(3):
            model(x)
prof.export_chrome_trace(sys.argv[1])
`;
const torchOut = join(HERE, 'small_cnn.torch.json');
run('/usr/bin/python3', ['-c', TORCH, torchOut]);
check(torchOut);
