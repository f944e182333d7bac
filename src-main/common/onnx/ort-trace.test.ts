import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { placementFromProfile } from './ort-trace';

// __fixtures__/relu-profile.json: the profile onnxruntime-node 1.30 wrote for a one-node Relu model on
// the CPU EP (enableProfiling, one run, endProfiling), as it came.
describe('placementFromProfile', () => {
  it('reads which EP ran each node from a real ORT profile', () => {
    const trace = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'relu-profile.json'), 'utf8')) as unknown;
    expect(placementFromProfile(trace)).toEqual({ nodes: { Relu_0: 'cpu' }, byEp: { cpu: 1 } });
  });

  it('counts each node once across runs and names EPs as Lathe does', () => {
    const ev = (name: string, provider: string) => ({ cat: 'Node', name: `${name}_kernel_time`, args: { provider } });
    const trace = [ev('conv', 'CUDAExecutionProvider'), ev('conv', 'CUDAExecutionProvider'), ev('shape', 'CPUExecutionProvider'), { cat: 'Session', name: 'model_run' }];
    expect(placementFromProfile(trace)).toEqual({ nodes: { conv: 'cuda', shape: 'cpu' }, byEp: { cuda: 1, cpu: 1 } });
  });

  it('is empty for anything that is not a trace', () => {
    expect(placementFromProfile({ not: 'a trace' })).toEqual({ nodes: {}, byEp: {} });
    expect(placementFromProfile(null)).toEqual({ nodes: {}, byEp: {} });
  });
});
