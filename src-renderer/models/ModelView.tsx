/**
 * The model tab (a tab's content for a `.onnx`): a header (name, size, SHA-256) and five sub-views,
 * Summary · Graph · Run · Benchmark · Profile. Loaded lazily with its store, charts and styles (main.tsx).
 */
import { lazy, Suspense, useRef, type KeyboardEvent } from 'react';
import { closeDocument, openDocument } from '../editor/documents';
import { BenchmarkView } from './BenchmarkView';
import { baseName, formatBytes, shortHash } from './format';
import { setAsBinary } from './model-tabs';
import { retryInspect, setView, useModels, type SubView, type TabState } from './model-store';
import { RunnerBanner } from './ModelsSideBar';
import { Elapsed, ErrorBox } from './parts';
import { ProfileView } from './profile/ProfileView';
import { RunView } from './RunView';
import { SummaryView } from './SummaryView';
import './models.css';

export { modelDocs } from './model-store';

// The graph (elkjs/dagre layout, its canvas) loads only when its sub-view is first shown.
const GraphView = lazy(() => import('./graph/GraphView').then((m) => ({ default: m.GraphView })));

const SUB_VIEWS: readonly { id: SubView; label: string; testid: string }[] = [
  { id: 'summary', label: 'Summary', testid: 'summary-tab' },
  { id: 'graph', label: 'Graph', testid: 'graph-tab' },
  { id: 'run', label: 'Run', testid: 'run-tab' },
  { id: 'benchmark', label: 'Benchmark', testid: 'bench-tab' },
  { id: 'profile', label: 'Profile', testid: 'profile-tab' },
];

export default function ModelView({ path }: { path: string }) {
  const tab = useModels((s) => s.tabs[path]);
  if (!tab) return <div className="empty-state">Loading {path}…</div>;
  return (
    <div className="model-view" data-testid="model-view" data-path={path} data-view={tab.view} data-state={tab.inspect.status}>
      <Header path={path} tab={tab} />
      <RunnerBanner />
      <Body path={path} tab={tab} />
    </div>
  );
}

function Header({ path, tab }: { path: string; tab: TabState }) {
  const info = tab.inspect.status === 'ready' ? tab.inspect.info : null;
  return (
    <header className="mv-header">
      <div className="mv-title">
        <span className="mv-name" title={path}>
          {baseName(path)}
        </span>
        {info && (
          <span className="mv-facts">
            <span>{formatBytes(info.bytes)}</span>
            <span title={`SHA-256 ${info.sha256}`}>
              SHA-256 <code>{shortHash(info.sha256)}</code>
            </span>
          </span>
        )}
      </div>
      <SubViewTabs path={path} current={tab.view} disabled={tab.inspect.status !== 'ready'} />
    </header>
  );
}

/** The sub-view tabs: a tab list with roving focus (←/→, Home/End). */
function SubViewTabs({ path, current, disabled }: { path: string; current: SubView; disabled: boolean }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (e: KeyboardEvent) => {
    const index = SUB_VIEWS.findIndex((v) => v.id === current);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: SUB_VIEWS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const to = (next + SUB_VIEWS.length) % SUB_VIEWS.length;
    setView(path, SUB_VIEWS[to]!.id);
    refs.current[to]?.focus();
  };
  return (
    <div className="mv-tabs" role="tablist" aria-label="Model views" onKeyDown={onKeyDown}>
      {SUB_VIEWS.map((v, i) => (
        <button
          key={v.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          role="tab"
          className={`mv-tab ${v.id === current ? 'active' : ''}`}
          aria-selected={v.id === current}
          tabIndex={v.id === current ? 0 : -1}
          disabled={disabled && v.id !== 'summary'}
          data-testid={v.testid}
          onClick={() => setView(path, v.id)}
        >
          {v.label}
        </button>
      ))}
    </div>
  );
}

function Body({ path, tab }: { path: string; tab: TabState }) {
  const inspect = tab.inspect;
  if (inspect.status === 'loading') {
    return (
      <div className="mv-loading" role="status" data-testid="model-loading">
        <span className="spinner" aria-hidden="true" /> Reading the model… <Elapsed since={inspect.since} />
        <p className="muted">Big models take a few seconds: the file is parsed in the ONNX runner, and weights in side files are not read.</p>
      </div>
    );
  }
  if (inspect.status === 'error') return <InspectError path={path} code={inspect.code} message={inspect.message} />;
  const info = inspect.info;
  switch (tab.view) {
    case 'summary':
      return <SummaryView info={info} />;
    case 'graph':
      return (
        <div className="mv-graph" role="tabpanel" aria-label="Graph">
          <Suspense fallback={<div className="mv-loading">Loading the graph view…</div>}>
            <GraphView graph={info.graph} modelKey={info.sha256} modelPath={path} placement={tab.lastRun?.session.placement?.nodes ?? null} />
          </Suspense>
        </div>
      );
    case 'run':
      return <RunView path={path} info={info} tab={tab} />;
    case 'benchmark':
      return <BenchmarkView path={path} info={info} tab={tab} />;
    case 'profile':
      return <ProfileView path={path} info={info} tab={tab} />;
  }
}

function InspectError({ path, code, message }: { path: string; code: string; message: string }) {
  const openAsBinary = async () => {
    if (!(await closeDocument(path, { ask: false }))) return;
    setAsBinary(path, true);
    await openDocument(path);
  };
  return (
    <div className="mv-invalid" data-testid="model-invalid">
      <h2>{baseName(path)} can&apos;t be opened as an ONNX model</h2>
      <ErrorBox code={code} message={message} />
      <p className="muted">Lathe has not changed the file. Re-export it (torch.onnx.export), check it with onnx.checker, or look at its bytes.</p>
      <div className="mv-buttons">
        <button className="btn btn-primary" onClick={() => retryInspect(path)}>
          Try again
        </button>
        <button className="btn" onClick={() => void openAsBinary()} data-testid="model-open-binary">
          Open as binary
        </button>
      </div>
    </div>
  );
}
