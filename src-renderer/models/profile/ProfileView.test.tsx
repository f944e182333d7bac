// @vitest-environment jsdom
/**
 * The Profile sub-view against a bridge that answers like the core: Profile sends the model tab's EPs and
 * inputs with optimisation 'disabled', progress shows, the op table sorts, filters and selects; a profile
 * whose names are not the graph's disables the overlay and says why; CPU fallbacks are marked; two ticked
 * profiles diff with a verdict; the timeline draws its spans.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ArgsOf, EventName, Events, MethodName } from '../../../src-main/common/contract';
import type { GraphNode, ModelInfo } from '../../../src-main/common/onnx/model-types';
import type { ProfileEntry, ProfileFile, ProfileMeta } from '../../../src-main/common/onnx/profile-types';
import { err, ok } from '../../../src-main/common/result';
import type { AppBridge } from '../../bridge';
import { setBridge } from '../../bridge/client';
import ModelView, { modelDocs } from '../ModelView';
import { useModels } from '../model-store';
import { nodeRow, summaryOf, timelineOf } from './fixtures';
import { resetProfiles } from './profile-store';

const PATH = 'models/small.onnx';

function node(name: string, op: string): GraphNode {
  return { id: name, name, op, domain: '', inputs: [], outputs: [], attributes: [], doc: '', subgraphs: [] };
}

const info: ModelInfo = {
  sha256: 'a'.repeat(64),
  bytes: 1000,
  summary: {
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    producerName: 'pytorch',
    producerVersion: '1.13.1',
    domain: '',
    modelVersion: 0,
    docString: '',
    metadata: {},
    inputs: [{ name: 'input', kind: 'tensor', dtype: 'float32', shape: [1, 3, 8, 8], doc: '' }],
    outputs: [{ name: 'out', kind: 'tensor', dtype: 'float32', shape: [1, 10], doc: '' }],
    parameterCount: 100,
    constantCount: 0,
    constantBytes: 0,
    initializerBytes: 400,
    externalBytes: 0,
    externalFiles: [],
    nodeCount: 3,
    opHistogram: [],
  },
  graph: { name: 'g', inputs: [], outputs: [], nodes: [node('/conv1/Conv', 'Conv'), node('/relu/Relu', 'Relu'), node('/fc/Gemm', 'Gemm')], initializers: [], valueInfo: [] },
};

function meta(p: Partial<ProfileMeta> = {}): ProfileMeta {
  return { version: 1, createdAt: '2026-11-29T05:00:00.000Z', source: 'app', model: { path: PATH, sha256: info.sha256 }, eps: ['cpu'], graphOptimization: 'disabled', warmup: 5, runs: 20, ...p };
}

const matching: ProfileFile = {
  file: '.lathe/profiles/small-cpu.json',
  meta: meta(),
  summary: {
    ...summaryOf(
      [
        nodeRow({ name: '/conv1/Conv', op: 'Conv', totalUs: 600, calls: 20 }),
        nodeRow({ name: '/relu/Relu', op: 'Relu', totalUs: 100, calls: 20 }),
        nodeRow({ name: '/fc/Gemm', op: 'Gemm', totalUs: 300, calls: 20 }),
      ],
      20,
    ),
    timeline: timelineOf([
      [0, 'model_run', 0, 60],
      [0, '/conv1/Conv', 1, 30, 'Conv'],
      [0, '/relu/Relu', 31, 5, 'Relu'],
      [0, '/fc/Gemm', 36, 15, 'Gemm'],
    ]),
  },
};

// Optimisation 'all' on CUDA: fused names, and one node fell back to CPU.
const fused: ProfileFile = {
  file: '.lathe/profiles/small-cuda-all.json',
  meta: meta({ eps: ['cuda', 'cpu'], graphOptimization: 'all', createdAt: '2026-11-29T05:10:00.000Z' }),
  summary: summaryOf(
    [
      nodeRow({ name: '/conv1/Conv_relu_fused', op: 'FusedConv', ep: 'cuda', totalUs: 200, calls: 20 }),
      nodeRow({ name: '/fc/Gemm', op: 'Gemm', ep: 'cpu', totalUs: 150, calls: 20 }),
    ],
    20,
  ),
};

const entries: ProfileEntry[] = [
  { file: fused.file, meta: fused.meta, bytes: 4000 },
  { file: matching.file, meta: matching.meta, bytes: 5000 },
  { file: 'traces/other.json', meta: null, bytes: 100 },
];

let calls: { method: string; args: unknown }[] = [];
let listeners: { event: string; fn: (p: unknown) => void }[] = [];
let captureReply: () => unknown = () => ok(matching);

function fakeBridge(): AppBridge {
  const answers: Partial<Record<MethodName, (args: never) => unknown>> = {
    'models.eps': () => ok([{ name: 'cpu', label: 'CPU', state: 'available', reason: '', action: '', installable: false }]),
    'profiles.capture': () => captureReply(),
    'profiles.list': () => ok(entries),
    'profiles.open': (args: { path: string }) => (args.path === fused.file ? ok(fused) : args.path === matching.file ? ok(matching) : err('INVALID_ARGUMENT', 'Not a Chrome trace: no traceEvents.')),
  };
  return {
    call: (async (method: MethodName, args: ArgsOf<MethodName>) => {
      calls.push({ method, args });
      const answer = answers[method];
      return answer ? (answer as (a: unknown) => unknown)(args) : err('INTERNAL', `no answer for ${method}`);
    }) as AppBridge['call'],
    on: (<E extends EventName>(event: E, fn: (p: Events[E]) => void) => {
      listeners.push({ event, fn: fn as (p: unknown) => void });
      return () => undefined;
    }) as AppBridge['on'],
    onConnection: () => () => undefined,
    onBusy: () => () => undefined,
  };
}

function emit<E extends EventName>(event: E, payload: Events[E]) {
  for (const l of listeners) if (l.event === event) l.fn(payload);
}

async function openProfileTab() {
  await act(async () => {
    modelDocs.open(PATH, Promise.resolve(ok(info)));
    await Promise.resolve();
  });
  render(<ModelView path={PATH} />);
  await act(async () => {
    fireEvent.click(screen.getByTestId('profile-tab'));
    await Promise.resolve();
  });
}

const rowNames = () => [...screen.getByTestId('profile-table').querySelectorAll('tbody tr[data-node]')].map((r) => r.getAttribute('data-node'));

describe('ProfileView', () => {
  beforeAll(() => {
    // jsdom has no ResizeObserver; the graph and timeline only need it to exist.
    globalThis.ResizeObserver ??= class {
      observe() {}
      unobserve() {}
      disconnect() {}
    } as unknown as typeof ResizeObserver;
  });
  beforeEach(() => {
    calls = [];
    listeners = [];
    captureReply = () => ok(matching);
    resetProfiles();
    setBridge(fakeBridge());
  });
  afterEach(() => {
    cleanup();
    modelDocs.closeAll();
    useModels.setState({ remembered: {} });
  });

  it("profiles with the tab's EPs and inputs at optimisation 'disabled', shows progress, then the sortable table", async () => {
    await openProfileTab();
    expect(screen.getByText("Disabled keeps the original node names, so times map onto the graph.", { exact: false })).toBeTruthy();
    expect((screen.getByTestId('profile-optimization') as HTMLSelectElement).value).toBe('disabled');
    fireEvent.change(screen.getByTestId('profile-runs'), { target: { value: '7' } });
    let finish: (v: unknown) => void = () => undefined;
    captureReply = () => new Promise((resolve) => (finish = resolve));
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-start'));
      await Promise.resolve();
    });
    const capture = calls.find((c) => c.method === 'profiles.capture');
    expect(capture?.args).toEqual({
      path: PATH,
      config: { eps: ['cpu'], mode: 'fallback', graphOptimization: 'disabled', intraOpThreads: 0, interOpThreads: 0, executionMode: 'sequential' },
      inputs: [{ name: 'input', dtype: 'float32', dims: [1, 3, 8, 8], source: { kind: 'random', distribution: 'normal', seed: 0, mean: 0, std: 1 } }],
      warmup: 5,
      runs: 7,
    });
    act(() => emit('models.progress', { path: PATH, phase: 'runs', done: 3, total: 7, lastMs: 1.5 }));
    expect(screen.getByTestId('profile-progress').textContent).toContain('Profiled runs 3/7');
    expect((screen.getByTestId('profile-start') as HTMLButtonElement).disabled).toBe(true);
    await act(async () => {
      finish(ok(matching));
      await Promise.resolve();
    });

    const table = screen.getByTestId('profile-table');
    // Run order first; a click on Total sorts largest first.
    expect(table.getAttribute('data-sort')).toBe('order');
    expect(rowNames()).toEqual(['/conv1/Conv', '/relu/Relu', '/fc/Gemm']);
    fireEvent.click(within(table).getByRole('button', { name: /^Total/ }));
    expect(table.getAttribute('data-sort')).toBe('totalUs:desc');
    expect(rowNames()).toEqual(['/conv1/Conv', '/fc/Gemm', '/relu/Relu']);
    expect(table.querySelector('tr[data-node="/conv1/Conv"] [data-col="total"]')?.textContent).toBe('600 µs');
    fireEvent.click(within(table).getByRole('button', { name: /^Op/ }));
    expect(table.getAttribute('data-sort')).toBe('op:asc');
    expect(rowNames()).toEqual(['/conv1/Conv', '/fc/Gemm', '/relu/Relu']);
    fireEvent.click(within(table).getByRole('button', { name: /^Total/ }));
    fireEvent.click(within(table).getByRole('button', { name: /^Total/ }));
    expect(table.getAttribute('data-sort')).toBe('totalUs:asc');
    expect(rowNames()[0]).toBe('/relu/Relu');

    // Names match the graph: the graph with the heat map sits beside the table, no reason shown.
    expect(screen.getByTestId('profile-graph')).toBeTruthy();
    expect(screen.queryByTestId('profile-overlay-reason')).toBeNull();
    // A row click selects it (and the graph follows); ↓ moves the selection.
    fireEvent.click(table.querySelector('tr[data-node="/fc/Gemm"]')!);
    expect(table.querySelector('tr[data-node="/fc/Gemm"]')?.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(table.querySelector('tr[data-node="/fc/Gemm"]')!, { key: 'ArrowDown' });
    expect(table.querySelector('tr[data-node="/conv1/Conv"]')?.getAttribute('aria-selected')).toBe('true');

    // The export note names the trace file.
    expect(screen.getByTestId('profile-export').textContent).toContain('.lathe/profiles/small-cpu.json');
    expect(screen.getByTestId('profile-export').textContent).toContain('Perfetto (ui.perfetto.dev) and chrome://tracing');
  });

  it('filters, marks CPU fallbacks, and turns the overlay off with the reason when names do not match', async () => {
    await openProfileTab();
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-history').querySelector(`tr[data-file="${fused.file}"] [data-testid="profile-open"]`)!);
      await Promise.resolve();
    });
    expect(screen.getByTestId('profile-overlay-reason').textContent).toBe(
      "Graph overlay off: 1 of 2 profiled nodes are not in this graph: it was profiled with optimisation 'all', which fuses and renames nodes. Profile with optimisation 'disabled'.",
    );
    expect(screen.queryByTestId('profile-graph')).toBeNull();
    const table = screen.getByTestId('profile-table');
    expect(table.querySelector('tr[data-node="/fc/Gemm"]')?.className).toContain('fallback');
    expect(table.querySelector('tr[data-node="/conv1/Conv_relu_fused"]')?.className).not.toContain('fallback');
    expect(screen.getByTestId('profile-fallbacks').textContent).toContain('1 node ran on CPU although cuda was requested');
    fireEvent.change(screen.getByTestId('profile-filter'), { target: { value: 'ep:cuda' } });
    expect(rowNames()).toEqual(['/conv1/Conv_relu_fused']);
  });

  it("lists this model's profiles first, diffs two ticked ones with a verdict, and reports a bad import", async () => {
    await openProfileTab();
    const history = screen.getByTestId('profile-history');
    expect([...screen.getByTestId('profile-history-mine').querySelectorAll('tr[data-file]')].map((r) => r.getAttribute('data-file'))).toEqual([fused.file, matching.file]);
    const diffButton = screen.getByTestId('profile-diff-start') as HTMLButtonElement;
    expect(diffButton.disabled).toBe(true);
    for (const f of [fused.file, matching.file]) fireEvent.click(history.querySelector(`tr[data-file="${f}"] [data-testid="profile-tick"]`)!);
    expect(diffButton.disabled).toBe(false);
    await act(async () => {
      fireEvent.click(diffButton);
      await Promise.resolve();
      await Promise.resolve();
    });
    // A is the older (further down the newest-first list): the CPU profile; B the CUDA one.
    const verdict = screen.getByTestId('profile-verdict').textContent ?? '';
    expect(verdict).toMatch(/^cuda→cpu · opt all is 2\.86× faster per run than cpu · opt disabled/);
    expect(screen.getByTestId('profile-only-b').getAttribute('data-count')).toBe('1');
    expect(screen.getByTestId('profile-only-a').getAttribute('data-count')).toBe('2');
    expect(screen.getByTestId('profile-diff-nodes').querySelector('tr[data-key="/fc/Gemm"]')?.textContent).toContain('0.50×');

    // Opening something that is not a trace says so.
    fireEvent.click(screen.getByText(/Other profiles and imports/));
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-history-others').querySelector('[data-testid="profile-open"]')!);
      await Promise.resolve();
    });
    expect(screen.getByTestId('profile-open-error').textContent).toContain('Not a Chrome trace: no traceEvents.');
  });

  it('shows time by op type and the timeline, and a failed capture as an error', async () => {
    captureReply = () => err('MODEL_RUN_FAILED', 'Conv: out of memory');
    await openProfileTab();
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-start'));
      await Promise.resolve();
    });
    expect(screen.getByTestId('profile-error').textContent).toContain('Conv: out of memory');

    captureReply = () => ok(matching);
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-start'));
      await Promise.resolve();
    });
    fireEvent.click(screen.getByTestId('profile-view-types'));
    const chart = screen.getByTestId('profile-op-chart');
    expect([...chart.querySelectorAll('[data-op]')].map((r) => r.getAttribute('data-op'))).toEqual(['Conv', 'Gemm', 'Relu']);
    // 600 µs over 20 runs.
    expect(chart.querySelector('[data-op="Conv"]')?.textContent).toContain('30 µs a run · 60.0 %');
    // Clicking an op type shows its nodes in the table.
    fireEvent.click(within(chart).getByText('Gemm'));
    expect(rowNames()).toEqual(['/fc/Gemm']);
    fireEvent.click(screen.getByTestId('profile-view-timeline'));
    const timeline = screen.getByTestId('profile-timeline');
    expect(timeline.getAttribute('data-spans')).toBe('4');
    expect(timeline.getAttribute('data-lanes')).toBe('1');
  });
});
