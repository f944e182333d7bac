/**
 * Asks for a layout: from the memory cache, else IndexedDB, else the layout worker. Emits the
 * `lathe:graph-layout` performance measure (request → layout in hand) for the benchmark.
 */
import type { GraphData } from '../../../src-main/common/onnx/model-types';
import { layoutCache, layoutKey, loadStored, store } from './layout-cache';
import type { GraphLayout, SubgraphStep } from './layout';
import type { LayoutReply } from './layout.worker';

export interface LayoutJob {
  readonly promise: Promise<GraphLayout>;
  /** Stops the worker; the promise then never settles. */
  cancel(): void;
  /** Where the layout came from. */
  readonly source: () => 'memory' | 'stored' | 'worker';
}

export function requestLayout(graph: GraphData, modelKey: string, path: readonly SubgraphStep[]): LayoutJob {
  const key = layoutKey(modelKey, path);
  let worker: Worker | null = null;
  let cancelled = false;
  let source: 'memory' | 'stored' | 'worker' = 'memory';
  const start = `lathe:graph-layout-start:${key}`;
  performance.mark(start);
  const done = (layout: GraphLayout) => {
    performance.measure('lathe:graph-layout', { start, detail: { key, source, nodes: layout.nodes.length, layoutMs: layout.ms } });
    return layout;
  };
  const cached = layoutCache.get(key);
  const promise: Promise<GraphLayout> = cached
    ? Promise.resolve(done(cached))
    : (async () => {
        const stored = await loadStored(key);
        if (stored) {
          source = 'stored';
          layoutCache.set(key, stored);
          return done(stored);
        }
        if (cancelled) return new Promise<GraphLayout>(() => undefined);
        source = 'worker';
        const layout = await new Promise<GraphLayout>((resolve, reject) => {
          worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
          worker.onmessage = (e: MessageEvent<LayoutReply>) => {
            worker?.terminate();
            if (e.data.ok) resolve(e.data.layout);
            else reject(new Error(e.data.message));
          };
          worker.onerror = (e) => {
            worker?.terminate();
            reject(new Error(e.message || 'the layout worker failed to start'));
          };
          worker.postMessage({ graph });
        });
        layoutCache.set(key, layout);
        void store(key, layout);
        return done(layout);
      })();
  return {
    promise,
    cancel: () => {
      cancelled = true;
      worker?.terminate();
    },
    source: () => source,
  };
}
