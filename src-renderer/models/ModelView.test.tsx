// @vitest-environment jsdom
/**
 * The model tab against a bridge that answers like the core: the summary shows what inspect returned, the
 * Run button sends the built input specs and the session config, the output viewer shows the result,
 * client-side validation stops a bad form before any call, and a parse error offers "Open as binary".
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArgsOf, MethodName } from '../../src-main/common/contract';
import type { ModelInfo } from '../../src-main/common/onnx/model-types';
import type { RunResult } from '../../src-main/common/protocols/onnx';
import { err, ok } from '../../src-main/common/result';
import type { AppBridge } from '../bridge';
import { setBridge } from '../bridge/client';
import ModelView, { modelDocs } from './ModelView';
import { useModels } from './model-store';

const PATH = 'models/resnet18.onnx';

const info: ModelInfo = {
  sha256: 'f'.repeat(64),
  bytes: 46_830_000,
  summary: {
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    producerName: 'pytorch',
    producerVersion: '1.13.1',
    domain: '',
    modelVersion: 0,
    docString: '',
    metadata: { author: 'lathe' },
    inputs: [{ name: 'input', kind: 'tensor', dtype: 'float32', shape: ['batch', 3, 224, 224], doc: '' }],
    outputs: [{ name: 'logits', kind: 'tensor', dtype: 'float32', shape: ['batch', 1000], doc: '' }],
    parameterCount: 11_689_512,
    constantCount: 0,
    constantBytes: 0,
    initializerBytes: 46_758_048,
    externalBytes: 0,
    externalFiles: [],
    nodeCount: 49,
    opHistogram: [
      { op: 'Conv', count: 20 },
      { op: 'Relu', count: 17 },
    ],
  },
  graph: { name: 'g', inputs: [], outputs: [], nodes: [], initializers: [], valueInfo: [] },
};

const runResult: RunResult = {
  runId: 'r1',
  runMs: 12.3,
  session: { eps: ['cpu'], dropped: [{ ep: 'cuda', reason: 'libcudart.so.12: cannot open shared object file' }], createMs: 85.2, placement: { byEp: { cpu: 49 }, nodes: {} } },
  inputs: [{ name: 'input', dtype: 'float32', shape: [2, 3, 224, 224] }],
  outputs: [
    {
      name: 'logits',
      dtype: 'float32',
      shape: [2, 1000],
      count: 2000,
      stats: { min: -3, max: 4, mean: 0, std: 1, nan: 1, posInf: 0, negInf: 0 },
      head: [0.5, 1.5],
      topk: [
        { index: 7, value: 4, prob: 0.62 },
        { index: 3, value: 3.1, prob: 0.25 },
      ],
      heatmaps: null,
    },
  ],
};

let calls: { method: string; args: unknown }[] = [];

function fakeBridge(answers: Partial<Record<MethodName, (args: never) => unknown>>): AppBridge {
  return {
    call: (async (method: MethodName, args: ArgsOf<MethodName>) => {
      calls.push({ method, args });
      const answer = answers[method];
      return answer ? (answer as (a: unknown) => unknown)(args) : err('INTERNAL', `no answer for ${method}`);
    }) as AppBridge['call'],
    on: () => () => undefined,
    onConnection: () => () => undefined,
    onBusy: () => () => undefined,
  };
}

async function openWith(inspect: ReturnType<typeof ok<ModelInfo>> | ReturnType<typeof err>) {
  await act(async () => {
    modelDocs.open(PATH, Promise.resolve(inspect));
    await Promise.resolve();
  });
  render(<ModelView path={PATH} />);
}

describe('ModelView', () => {
  beforeEach(() => {
    calls = [];
    setBridge(
      fakeBridge({
        'models.eps': () => ok([{ name: 'cpu', label: 'CPU', state: 'available', reason: '', action: '', installable: false }]),
        'models.run': () => ok(runResult),
        'models.benchmarks': () => ok([]),
      }),
    );
  });
  afterEach(() => {
    cleanup();
    modelDocs.closeAll();
    useModels.setState({ remembered: {} });
  });

  it('shows the summary: facts, symbolic shapes, parameter count and the op histogram', async () => {
    await openWith(ok(info));
    const summary = screen.getByTestId('model-summary');
    expect(within(summary).getByText('ai.onnx 17')).toBeTruthy();
    expect(within(summary).getByText('pytorch 1.13.1')).toBeTruthy();
    expect(within(summary).getByText('11.7 M')).toBeTruthy();
    expect(within(summary).getByText('46.8 MB')).toBeTruthy();
    expect(within(screen.getByTestId('model-inputs')).getByText('[batch, 3, 224, 224]')).toBeTruthy();
    expect(within(screen.getByTestId('model-outputs')).getByText('[batch, 1000]')).toBeTruthy();
    expect(summary.querySelector('[data-op="Conv"]')?.textContent).toContain('20');
    expect(screen.getByText('SHA-256', { exact: false }).textContent).toContain('ffffffffffff');
  });

  it('runs with the built inputs and the chosen EPs, then shows session facts and top-k', async () => {
    await openWith(ok(info));
    fireEvent.click(screen.getByTestId('run-tab'));
    // The batch dim is editable and starts at 1; make it 2.
    fireEvent.change(screen.getByLabelText('input batch'), { target: { value: '2' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('model-run'));
    });
    const run = calls.find((c) => c.method === 'models.run');
    expect(run?.args).toEqual({
      path: PATH,
      config: { eps: ['cpu'], mode: 'fallback', graphOptimization: 'all', intraOpThreads: 0, interOpThreads: 0, executionMode: 'sequential' },
      inputs: [{ name: 'input', dtype: 'float32', dims: [2, 3, 224, 224], source: { kind: 'random', distribution: 'normal', seed: 0, mean: 0, std: 1 } }],
    });
    expect(screen.getByTestId('ep-dropped').textContent).toContain('CUDA was not used: libcudart.so.12');
    expect(screen.getByTestId('nodes-per-ep').textContent).toBe("cpu 49 nodes after onnxruntime's fusions");
    const topk = screen.getByTestId('topk');
    expect(topk.querySelector('[data-rank="1"]')?.textContent).toContain('#7');
    expect(topk.querySelector('[data-rank="1"]')?.textContent).toContain('62.0 %');
    expect(screen.getByTestId('output-stats').querySelector('[data-stat="nonfinite"]')?.className).toContain('warn');
    expect(screen.getByTestId('ep-list').querySelector('[data-ep="cpu"]')?.getAttribute('data-state')).toBe('available');
  });

  it('refuses a symbolic dim below 1 before calling the core', async () => {
    await openWith(ok(info));
    fireEvent.click(screen.getByTestId('run-tab'));
    fireEvent.change(screen.getByLabelText('input batch'), { target: { value: '0' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('model-run'));
    });
    expect(calls.some((c) => c.method === 'models.run')).toBe(false);
    expect(screen.getByRole('alert').textContent).toContain('input: dim 0 (batch) must be at least 1.');
  });

  it('says why a model does not parse and offers to open it as binary', async () => {
    await openWith(err('MODEL_INVALID', 'Not an ONNX model: protobuf wire type 7 at byte 3.'));
    expect(screen.getByTestId('model-invalid').textContent).toContain('Not an ONNX model: protobuf wire type 7 at byte 3.');
    expect(screen.getByTestId('model-open-binary')).toBeTruthy();
    expect((screen.getByTestId('run-tab') as HTMLButtonElement).disabled).toBe(true);
  });
});
