/**
 * The model graph view: a dagre layout (laid out in a worker, cached) drawn on a canvas, with a toolbar
 * (zoom, fit, colour by op or EP, search), a breadcrumb into subgraphs (If's branches, Loop's and Scan's
 * bodies open in place of the main graph, one level at a time), and a details panel for the selected node.
 *
 * Keys: `/` or Ctrl/Cmd+F search; in the search box Enter / ↓ next hit, Shift+Enter / ↑ previous,
 * Escape back to the canvas. On the canvas: + / - zoom, arrows pan, 0 fits, Escape clears the selection.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { GraphData, GraphNode } from '../../../src-main/common/onnx/model-types';
import { heatColour, heatScale } from '../profile/heat';
import { formatShare } from '../profile/table';
import { epColour } from './categories';
import { nodeDetails, scopesOf } from './details';
import type { DrawState } from './draw';
import { GraphCanvas, type CanvasHandle } from './GraphCanvas';
import { subgraphAt, type GraphLayout, type SubgraphStep } from './layout';
import { requestLayout } from './layout-client';
import { NodeDetails } from './NodeDetails';
import { searchNodes, stepHit } from './search';
import './graph.css';

export interface GraphViewProps {
  graph: GraphData;
  /** Identifies the model's content (e.g. its SHA-256): the layout cache's key. */
  modelKey: string;
  /** Project-relative path, for `models.initializer`. */
  modelPath: string;
  /** Node name → EP that ran it, from the last run's profile. */
  placement?: Readonly<Record<string, string>> | null;
  onSelect?: (node: GraphNode | null) => void;
  /** A profile's heat map, node name → share of the run (0..1): boxes are coloured by it, with a legend. */
  heat?: Readonly<Record<string, number>> | null;
  /** Select (and centre) the op box of this node name; null clears. Undefined: the view keeps its own selection. */
  selectedName?: string | null;
}

type LayoutState = { status: 'loading'; nodes: number; since: number } | { status: 'ready'; layout: GraphLayout } | { status: 'error'; message: string };

export function GraphView(props: GraphViewProps) {
  const { graph, modelKey, placement, onSelect, heat, selectedName } = props;
  const [path, setPath] = useState<SubgraphStep[]>([]);
  const current = useMemo(() => subgraphAt(graph, path) ?? graph, [graph, path]);
  const [attempt, setAttempt] = useState(0);
  const layoutState = useLayout(current, modelKey, path, attempt);
  const layout = layoutState.status === 'ready' ? layoutState.layout : null;

  const [selected, setSelected] = useState(-1);
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const [query, setQuery] = useState('');
  const [hitIndex, setHitIndex] = useState(-1);
  const [colourBy, setColourBy] = useState<'op' | 'ep'>('op');
  const [zoom, setZoom] = useState(1);
  const handle = useRef<CanvasHandle>({ controller: null });
  const searchRef = useRef<HTMLInputElement>(null);

  // A different graph or level: nothing selected, search kept but recomputed.
  useEffect(() => {
    setSelected(-1);
    setHitIndex(-1);
  }, [layout]);
  useEffect(() => {
    setPath([]);
  }, [graph]);

  const hits = useMemo(() => (layout ? searchNodes(layout.nodes, query) : []), [layout, query]);
  const hitSet = useMemo(() => new Set(hits), [hits]);
  const selectedNode = layout && selected >= 0 ? (current.nodes[layout.nodes[selected]!.nodeIndex] ?? null) : null;
  const byEp = colourBy === 'ep' && !!placement && !heat;
  const scale = useMemo(() => (heat ? heatScale(heat) : 0), [heat]);
  const drawState = useMemo<DrawState>(
    () => ({
      selected,
      hits: hitSet,
      currentHit: hitIndex >= 0 ? (hits[hitIndex] ?? -1) : -1,
      epOf: byEp ? (n) => (n.kind === 'op' ? (placement?.[n.name] ?? null) : null) : null,
      heat: heat ? { of: (n) => (n.kind === 'op' ? (heat[n.name] ?? null) : null), scale } : null,
    }),
    [selected, hitSet, hits, hitIndex, byEp, placement, heat, scale],
  );

  // Selection from outside (a profile table's row): select the box of that name and centre it.
  useEffect(() => {
    if (selectedName === undefined || !layout) return;
    if (selectedName === null || selectedName === '') {
      setSelected(-1);
      return;
    }
    const i = layout.nodes.findIndex((n) => n.kind === 'op' && n.name === selectedName);
    // A node clicked here comes back as selectedName: it is on screen already, so the view stays put.
    if (i >= 0 && i !== selectedRef.current) handle.current.controller?.reveal(i);
    setSelected(i);
  }, [selectedName, layout]);

  const select = useCallback(
    (i: number) => {
      setSelected(i);
      const node = layout && i >= 0 ? (current.nodes[layout.nodes[i]!.nodeIndex] ?? null) : null;
      onSelect?.(node);
    },
    [layout, current, onSelect],
  );

  const openSubgraph = useCallback((node: GraphNode, attribute?: string) => {
    const target = attribute ?? node.subgraphs[0]?.attribute;
    if (target) setPath((p) => [...p, { nodeId: node.id, attribute: target }]);
  }, []);

  const onPick = useCallback(
    (i: number, how: 'select' | 'open') => {
      const node = layout && i >= 0 ? current.nodes[layout.nodes[i]!.nodeIndex] : undefined;
      if (how === 'open' && node) openSubgraph(node);
      else select(i);
    },
    [layout, current, openSubgraph, select],
  );

  const goToHit = (next: number) => {
    setHitIndex(next);
    if (next >= 0) handle.current.controller?.reveal(hits[next]!);
  };
  const onSearchKey = (e: ReactKeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = stepHit(hitIndex, hits.length, e.key === 'ArrowUp' || (e.key === 'Enter' && e.shiftKey) ? -1 : 1);
      goToHit(next);
      if (e.key === 'Enter' && next >= 0) select(hits[next]!);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      (e.currentTarget.closest('.graph-view')?.querySelector('.graph-canvas') as HTMLElement | null)?.focus();
    }
  };
  const onRootKey = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    const inField = (e.target as HTMLElement).tagName === 'INPUT' || (e.target as HTMLElement).tagName === 'SELECT';
    if (((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') || (e.key === '/' && !inField)) {
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    }
  };

  const scopes = useMemo(() => scopesOf(graph, path), [graph, path]);
  const details = useMemo(() => (selectedNode ? nodeDetails(selectedNode, scopes) : null), [selectedNode, scopes]);
  const nodeCount = current.nodes.length;

  return (
    <div
      className="graph-view"
      data-testid="graph-view"
      data-state={layoutState.status}
      data-selected={selectedNode?.name ?? ''}
      data-heat={heat ? 'on' : undefined}
      onKeyDown={onRootKey}
    >
      <div className="graph-toolbar" role="toolbar" aria-label="Graph">
        <button className="graph-tool" onClick={() => handle.current.controller?.zoomBy(1 / 1.25)} title="Zoom out (-)" aria-label="Zoom out">
          −
        </button>
        <span className="graph-zoom" aria-live="off">
          {Math.round(zoom * 100)}%
        </span>
        <button className="graph-tool" onClick={() => handle.current.controller?.zoomBy(1.25)} title="Zoom in (+)" aria-label="Zoom in">
          +
        </button>
        <button className="graph-tool" onClick={() => handle.current.controller?.fit()} title="Fit to view (0)">
          Fit
        </button>
        {heat && <HeatLegend scale={scale} />}
        {placement && !heat && (
          <>
            <span className="graph-sep" />
            <label className="graph-legend">
              Colour by
              <select className="graph-select" value={colourBy} onChange={(e) => setColourBy(e.target.value as 'op' | 'ep')}>
                <option value="op">Op type</option>
                <option value="ep">Execution provider</option>
              </select>
            </label>
            {byEp && <EpLegend placement={placement} />}
          </>
        )}
        <div className="graph-search" role="search">
          <input
            ref={searchRef}
            type="search"
            placeholder="Search nodes by name or op  (/)"
            aria-label="Search nodes by name or op"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setHitIndex(-1);
            }}
            onKeyDown={onSearchKey}
            data-testid="graph-search"
          />
          <span className="graph-search-count" aria-live="polite">
            {query.trim() === '' ? '' : hits.length === 0 ? 'No matches' : `${hitIndex >= 0 ? `${hitIndex + 1} of ` : ''}${hits.length} match${hits.length === 1 ? '' : 'es'}`}
          </span>
          <button className="graph-tool" disabled={hits.length === 0} onClick={() => goToHit(stepHit(hitIndex, hits.length, -1))} aria-label="Previous match" title="Previous match (↑)">
            ↑
          </button>
          <button className="graph-tool" disabled={hits.length === 0} onClick={() => goToHit(stepHit(hitIndex, hits.length, 1))} aria-label="Next match" title="Next match (Enter, ↓)">
            ↓
          </button>
        </div>
      </div>
      {path.length > 0 && <Breadcrumb graph={graph} path={path} onPath={setPath} />}
      <div className="graph-body">
        <div className="graph-stage">
          <GraphCanvas
            layout={layout}
            drawState={drawState}
            handle={handle}
            label={`Model graph${path.length ? ` (${path.at(-1)!.attribute})` : ''}: ${nodeCount} nodes. Drag or use the arrow keys to pan, + and - to zoom, 0 to fit, / to search.`}
            onZoom={setZoom}
            onPick={onPick}
            onEscape={() => select(-1)}
          />
          <StageMessage state={layoutState} empty={nodeCount === 0 && current.inputs.length === 0 && current.outputs.length === 0} onRetry={() => setAttempt((a) => a + 1)} />
        </div>
        {selectedNode && details && (
          <NodeDetails
            node={selectedNode}
            details={details}
            modelPath={props.modelPath}
            ep={placement?.[selectedNode.name] ?? null}
            onOpenSubgraph={(attribute) => openSubgraph(selectedNode, attribute)}
            onClose={() => select(-1)}
          />
        )}
      </div>
    </div>
  );
}

/** Lays out `graph` (cache first), reporting progress; a newer request cancels the older one. */
function useLayout(graph: GraphData, modelKey: string, path: readonly SubgraphStep[], attempt: number): LayoutState {
  const [state, setState] = useState<LayoutState>({ status: 'loading', nodes: graph.nodes.length, since: performance.now() });
  const pathKey = path.map((s) => `${s.nodeId}.${s.attribute}`).join('/');
  useEffect(() => {
    let live = true;
    setState({ status: 'loading', nodes: graph.nodes.length, since: performance.now() });
    const job = requestLayout(graph, modelKey, path);
    job.promise.then(
      (layout) => live && setState({ status: 'ready', layout }),
      (e: unknown) => live && setState({ status: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
      job.cancel();
    };
    // pathKey stands for path's content (a new array each render).
  }, [graph, modelKey, pathKey, attempt]);
  return state;
}

function StageMessage(props: { state: LayoutState; empty: boolean; onRetry: () => void }) {
  const { state } = props;
  const [, tick] = useState(0);
  useEffect(() => {
    if (state.status !== 'loading') return;
    const timer = setInterval(() => tick((t) => t + 1), 500);
    return () => clearInterval(timer);
  }, [state.status]);
  if (state.status === 'error') {
    return (
      <div className="graph-message graph-error" role="alert">
        <div>Could not lay out this graph: {state.message}</div>
        <button className="graph-button" onClick={props.onRetry}>
          Try again
        </button>
      </div>
    );
  }
  if (props.empty) return <div className="graph-message">This graph is empty: it has no nodes, inputs or outputs.</div>;
  if (state.status === 'loading') {
    const seconds = (performance.now() - state.since) / 1000;
    return (
      <div className="graph-message" role="status" data-testid="graph-progress">
        Laying out {state.nodes.toLocaleString()} node{state.nodes === 1 ? '' : 's'}…{seconds >= 1 ? ` ${Math.floor(seconds)} s` : ''}
      </div>
    );
  }
  return null;
}

function Breadcrumb(props: { graph: GraphData; path: SubgraphStep[]; onPath: (path: SubgraphStep[]) => void }) {
  const { graph, path } = props;
  const crumbs: { label: string; siblings: string[] }[] = [];
  let g: GraphData | null = graph;
  for (const step of path) {
    const node: GraphNode | undefined = g?.nodes.find((n) => n.id === step.nodeId);
    crumbs.push({ label: `${node?.name || node?.op || step.nodeId}`, siblings: node?.subgraphs.map((s) => s.attribute) ?? [step.attribute] });
    g = node?.subgraphs.find((s) => s.attribute === step.attribute)?.graph ?? null;
  }
  return (
    <nav className="graph-breadcrumb" aria-label="Subgraph path">
      <button className="graph-tool" onClick={() => props.onPath([])}>
        {graph.name || 'main graph'}
      </button>
      {crumbs.map((c, i) => (
        <span key={i} className="graph-legend">
          ›
          <button className="graph-tool" aria-current={i === path.length - 1 ? 'page' : undefined} onClick={() => props.onPath(path.slice(0, i + 1))}>
            {c.label}
          </button>
          {c.siblings.length > 1 ? (
            <select className="graph-select" aria-label={`Subgraph of ${c.label}`} value={path[i]!.attribute} onChange={(e) => props.onPath([...path.slice(0, i), { ...path[i]!, attribute: e.target.value }])}>
              {c.siblings.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          ) : (
            <span>{path[i]!.attribute}</span>
          )}
        </span>
      ))}
    </nav>
  );
}

function EpLegend({ placement }: { placement: Readonly<Record<string, string>> }) {
  const eps = [...new Set(Object.values(placement))].sort();
  return (
    <span className="graph-legend">
      {eps.map((ep) => (
        <span key={ep}>
          <span className="graph-swatch" style={{ background: epColour(ep) }} />
          {ep}
        </span>
      ))}
      <span>
        <span className="graph-swatch" style={{ background: 'var(--graph-cat-other)' }} />
        not placed
      </span>
    </span>
  );
}

/** The heat map's ramp: from no time to the hottest node's share. */
function HeatLegend({ scale }: { scale: number }) {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => heatColour(t * t * scale, scale)).join(', ');
  return (
    <span className="graph-legend" data-testid="graph-heat-legend" title="Node colour: its share of the profiled run time">
      Share of run time
      <span className="graph-heat-ramp" style={{ background: `linear-gradient(to right, ${stops})` }} aria-hidden="true" />
      <span className="mv-mono">0 – {formatShare(scale)}</span>
      <span>
        <span className="graph-swatch" style={{ background: 'var(--graph-cat-other)' }} />
        not profiled
      </span>
    </span>
  );
}
