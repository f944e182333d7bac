/**
 * The parser on a fresh real trace: resnet18 (test/onnx-fixtures.ts: torchvision's, exported by Debian's
 * torch) profiled by onnxruntime-node in a child process (bench/peers/ort-profile.mjs: CPU EP,
 * optimisation 'disabled', one intra-op thread, 5 runs). The node table is the graph's nodes, and its sum
 * agrees with the model_run spans within 5% (ORT's model_run also counts per-run overhead that no node's
 * kernel time does; on resnet18 it is 1–3%).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../../../test/skip';
import { onnxFixtures, torchMissing } from '../../../test/onnx-fixtures';
import { parseModel } from './parse-model';
import { parseTrace } from './profile-trace';

const SCRIPT = join(__dirname, '..', '..', '..', 'bench', 'peers', 'ort-profile.mjs');

describe.skipIf(missing(torchMissing))('a fresh onnxruntime-node trace of resnet18', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-profile-int-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses into the graph\'s nodes, and the table sum is within 5% of the model_run sum', { timeout: 120_000 }, () => {
    const model = join(onnxFixtures(), 'resnet18.onnx');
    const out = join(dir, 'resnet18.json');
    const child = spawnSync(process.execPath, [SCRIPT, model, out, '--runs', '5', '--opt', 'disabled'], { encoding: 'utf8', timeout: 110_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);

    const parsed = parseTrace(readFileSync(out, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.message);
    const s = parsed.value.summary;
    expect(s.source).toBe('ort');
    expect(s.runs).toHaveLength(5);
    expect(s.skipped).toBe(0);

    const graph = parseModel(readFileSync(model));
    if (!graph.ok) throw new Error(graph.message);
    const ops = new Map(graph.value.graph.nodes.map((n) => [n.name, n.op]));
    for (const n of s.nodes) {
      expect(ops.get(n.name)).toBe(n.op);
      expect(n.calls).toBe(5);
      expect(n.ep).toBe('cpu');
    }
    const convs = graph.value.graph.nodes.filter((n) => n.op === 'Conv').map((n) => n.name);
    expect(s.nodes.filter((n) => n.op === 'Conv').map((n) => n.name).sort()).toEqual(convs.sort());
    expect(convs.length).toBe(20);

    const agreement = s.totalNodeUs / s.totalRunUs;
    expect(agreement).toBeLessThanOrEqual(1);
    expect(agreement).toBeGreaterThan(0.95);
  });
});
