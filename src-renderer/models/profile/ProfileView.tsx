/**
 * The Profile sub-view of a model tab: capture settings (warm-up, runs, graph optimisation; the EPs and
 * inputs are the model tab's), the Profile button with progress, and the profile shown: facts, the op table
 * beside the graph coloured by time (a row selects the node, a node selects the row), time by op type, the
 * timeline; the export note; the saved profiles, and the diff of two.
 */
import { lazy, Suspense, useMemo, useState, type KeyboardEvent } from 'react';
import { EP_LABELS, type EpName } from '../../../src-main/common/onnx/ep';
import type { ModelInfo } from '../../../src-main/common/onnx/model-types';
import type { ProfileFile } from '../../../src-main/common/onnx/profile-types';
import { openDocument } from '../../editor/documents';
import { EpPanel } from '../EpPanel';
import { pickProjectFile } from '../pick-file';
import { useRemembered, type TabState } from '../model-store';
import { Elapsed, ErrorBox, NumberField, Section } from '../parts';
import { DiffView } from './DiffView';
import { graphNodeNames, heatMap, matchNames } from './heat';
import { SOURCE_LABELS } from './labels';
import { OpTable } from './OpTable';
import { OpTypeChart } from './OpTypeChart';
import { ProfileHistory } from './ProfileHistory';
import {
  captureProfile,
  closeDiff,
  closeProfile,
  openProfile,
  selectNode,
  setProfileSettings,
  setResultsTab,
  useModelProfiles,
  useProfileSettings,
  type CaptureState,
  type Optimization,
  type ResultsTab,
} from './profile-store';
import { acceleratorsRequested, formatShare, formatUs } from './table';
import { TimelineView } from './TimelineView';
import { runsOf } from './diff';
import './profile.css';

const GraphView = lazy(() => import('../graph/GraphView').then((m) => ({ default: m.GraphView })));

const OPTIMIZATIONS: readonly Optimization[] = ['disabled', 'basic', 'extended', 'all'];
const PHASES: Readonly<Record<string, string>> = { create: 'Creating the session', 'first-run': 'First run', warmup: 'Warming up', runs: 'Profiled runs' };

export function ProfileView({ path, info }: { path: string; info: ModelInfo; tab: TabState }) {
  const m = useModelProfiles(path);
  const running = m.capture.status === 'running';
  return (
    <div className="mv-split" role="tabpanel" aria-label="Profile" data-testid="profile-view">
      <div className="mv-scroll mv-main pf-main">
        <CaptureSection path={path} capture={m.capture} hasInputs={info.summary.inputs.length > 0} />
        {m.current.status === 'loading' && (
          <div className="mv-loading" role="status" data-testid="profile-loading">
            <span className="spinner" aria-hidden="true" /> Reading {m.current.file}… <Elapsed since={m.current.since} />
          </div>
        )}
        {m.current.status === 'error' && (
          <ErrorBox code={m.current.code} message={m.current.message} testid="profile-open-error">
            <span className="muted">{m.current.file}: a trace must be Chrome trace JSON (onnxruntime&apos;s profile, torch.profiler&apos;s export_chrome_trace).</span>
          </ErrorBox>
        )}
        {m.compare.status === 'loading' && (
          <div className="mv-loading" role="status">
            <span className="spinner" aria-hidden="true" /> Opening {m.compare.files.join(' and ')}…
          </div>
        )}
        {m.compare.status === 'error' && <ErrorBox code={m.compare.code} message={m.compare.message} testid="profile-diff-error" />}
        {m.compare.status === 'ready' && <DiffView a={m.compare.a} b={m.compare.b} onClose={() => closeDiff(path)} />}
        {m.current.status === 'ready' && <Results path={path} info={info} profile={m.current.profile} selected={m.selected} tab={m.tab} />}
        <ProfileHistory path={path} />
      </div>
      <EpPanel path={path} disabled={running} />
    </div>
  );
}

function CaptureSection({ path, capture, hasInputs }: { path: string; capture: CaptureState; hasInputs: boolean }) {
  const settings = useProfileSettings(path);
  const { config } = useRemembered(path);
  const running = capture.status === 'running';
  const whole = (v: number, min: number) => (Number.isInteger(v) && v >= min ? v : min);
  const importTrace = async () => {
    const file = await pickProjectFile('Import a trace (Chrome trace JSON)', ['.json']);
    await openProfile(path, file);
  };
  return (
    <Section
      title="Profile"
      actions={
        <button className="btn" onClick={() => void importTrace()} data-testid="profile-import" title="Open a Chrome trace JSON from the project: onnxruntime's, or torch.profiler's export_chrome_trace">
          Import trace…
        </button>
      }
    >
      <p className="muted">
        Runs the model with onnxruntime&apos;s per-node profiling on {config.eps.map((e) => EP_LABELS[e] ?? e).join(' → ')}
        {hasInputs ? ", with the Run view's inputs" : ''}. EPs and threads come from the options on the right.
      </p>
      <div className="mv-row">
        <label className="mv-inline">
          <span className="muted">Warm-up runs</span>
          <NumberField label="Warm-up runs" value={settings.warmup} min={0} step={1} width={80} disabled={running} testid="profile-warmup" onChange={(v) => setProfileSettings(path, { warmup: whole(v, 0) })} />
        </label>
        <label className="mv-inline">
          <span className="muted">Profiled runs</span>
          <NumberField label="Profiled runs" value={settings.runs} min={1} step={1} width={80} disabled={running} testid="profile-runs" onChange={(v) => setProfileSettings(path, { runs: whole(v, 1) })} />
        </label>
        <label className="mv-inline">
          <span className="muted">Graph optimisation</span>
          <select
            className="mv-select"
            value={settings.optimization}
            disabled={running}
            data-testid="profile-optimization"
            onChange={(e) => setProfileSettings(path, { optimization: e.target.value as Optimization })}
          >
            {OPTIMIZATIONS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted pf-note">
        Disabled keeps the original node names, so times map onto the graph.
        {settings.optimization !== 'disabled' && ' Other levels fuse nodes: closer to real speed, but the graph overlay may not match.'}
        {settings.optimization !== config.graphOptimization && ` (The options panel's '${config.graphOptimization}' is not used here.)`}
      </p>
      <div className="mv-run-bar">
        <button className="btn btn-primary" data-testid="profile-start" disabled={running} onClick={() => void captureProfile(path)}>
          {running ? 'Profiling…' : '▶ Profile'}
        </button>
        {capture.status === 'running' && <Progress capture={capture} />}
      </div>
      {capture.status === 'error' && <ErrorBox code={capture.code} message={capture.message} testid="profile-error" />}
    </Section>
  );
}

function Progress({ capture }: { capture: Extract<CaptureState, { status: 'running' }> }) {
  // Warm-up is the first fifth of the bar, the profiled runs the rest (then parsing the trace).
  const part = capture.total > 0 ? Math.min(1, capture.done / capture.total) : 0;
  const fraction = capture.phase === 'runs' ? 0.2 + 0.75 * part : capture.phase === 'warmup' ? 0.2 * part : 0.02;
  const parsing = capture.phase === 'runs' && capture.total > 0 && capture.done >= capture.total;
  return (
    <div className="mv-progress" role="status" data-testid="profile-progress">
      <div className="mv-progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
        <div className="mv-progress-fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      <span>
        {parsing ? 'Reading the trace…' : capture.phase ? `${PHASES[capture.phase] ?? capture.phase} ${capture.total > 1 ? `${capture.done}/${capture.total}` : ''}` : 'Starting…'}
        <span className="muted"> · </span>
        <Elapsed since={capture.since} />
      </span>
    </div>
  );
}

const RESULT_TABS: readonly { id: ResultsTab; label: string }[] = [
  { id: 'ops', label: 'Nodes' },
  { id: 'types', label: 'By op type' },
  { id: 'timeline', label: 'Timeline' },
];

function Results({ path, info, profile, selected, tab }: { path: string; info: ModelInfo; profile: ProfileFile; selected: string | null; tab: ResultsTab }) {
  const { summary, meta } = profile;
  const names = useMemo(() => graphNodeNames(info.graph), [info.graph]);
  const match = useMemo(() => matchNames(summary.nodes, names, summary.source, meta?.graphOptimization ?? null), [summary, names, meta]);
  const heat = useMemo(() => (match.usable ? heatMap(summary.nodes) : null), [match.usable, summary.nodes]);
  const requested = meta?.eps ?? [];
  const perRun = runsOf(summary);
  const meanRun = summary.runs.length > 0 ? summary.totalRunUs / summary.runs.length : null;
  const fallbacks = acceleratorsRequested(requested).length > 0 ? summary.nodes.filter((n) => n.ep.toLowerCase() === 'cpu').length : 0;
  const [opFilter, setOpFilter] = useState<{ op: string; n: number } | null>(null);
  const select = (name: string | null) => selectNode(path, name);
  const foreignModel = meta?.model && meta.model.path !== path ? meta.model.path : null;
  return (
    <Section
      title="Results"
      testid="profile-results"
      actions={
        <button className="btn" onClick={() => closeProfile(path)}>
          Close
        </button>
      }
    >
      <dl className="mv-facts-grid" data-testid="profile-facts" data-source={summary.source}>
        <dt>Trace</dt>
        <dd>
          {SOURCE_LABELS[summary.source]}
          {meta?.source === 'import' || !meta ? ' (imported)' : ''} · {summary.events.toLocaleString()} events
          {summary.skipped > 0 && <span className="muted"> ({summary.skipped.toLocaleString()} not understood, skipped)</span>}
        </dd>
        {meta && (
          <>
            <dt>Captured</dt>
            <dd>
              {meta.eps.map((e) => EP_LABELS[e as EpName] ?? e).join(' → ') || '—'} · optimisation {meta.graphOptimization ?? '—'} · {meta.runs} runs after {meta.warmup} warm-up
            </dd>
          </>
        )}
        <dt>Run</dt>
        <dd data-testid="profile-run-time">
          {meanRun !== null ? `${formatUs(meanRun)} a run (${summary.runs.length} runs)` : 'no model_run spans'} · nodes {formatUs(summary.totalNodeUs / Math.max(1, perRun))} a run
          {meanRun !== null && meanRun > 0 && <span className="muted"> ({formatShare(summary.totalNodeUs / Math.max(1, summary.totalRunUs))} of the run in nodes)</span>}
        </dd>
        <dt>EPs</dt>
        <dd>
          {Object.entries(summary.byEp)
            .map(([ep, n]) => `${ep || '?'}: ${n} node${n === 1 ? '' : 's'}`)
            .join(' · ') || '—'}
        </dd>
      </dl>
      {foreignModel && <div className="mv-warning">This profile was captured from {foreignModel}, not this model.</div>}
      {fallbacks > 0 && (
        <div className="mv-warning" data-testid="profile-fallbacks">
          ⚠ {fallbacks} node{fallbacks === 1 ? '' : 's'} ran on CPU although {acceleratorsRequested(requested).join(', ')} was requested: they are marked in the table.
        </div>
      )}
      <p className="muted pf-export" data-testid="profile-export">
        Trace file{' '}
        <button className="link-button mv-mono" onClick={() => void openDocument(profile.file)} data-testid="profile-file" title="Open in editor">
          {profile.file}
        </button>{' '}
        <button className="link-button" onClick={() => void openDocument(profile.file)}>
          Open in editor
        </button>
        {' · '}a Chrome trace: it opens in Perfetto (ui.perfetto.dev) and chrome://tracing.
      </p>
      <ResultTabs path={path} current={tab} />
      {tab === 'ops' && (
        <div className={`pf-ops ${heat ? 'with-graph' : ''}`} role="tabpanel" aria-label="Nodes">
          {!match.usable && match.reason && (
            <div className="mv-warning pf-overlay-off" data-testid="profile-overlay-reason">
              Graph overlay off: {match.reason}
            </div>
          )}
          <OpTable key={opFilter ? `${opFilter.op}:${opFilter.n}` : 'all'} rows={summary.nodes} requestedEps={requested} selected={selected} onSelect={select} initialFilter={opFilter ? `op:${opFilter.op}` : ''} />
          {heat && (
            <div className="pf-graph" data-testid="profile-graph">
              <Suspense fallback={<div className="mv-loading">Loading the graph view…</div>}>
                <GraphView graph={info.graph} modelKey={info.sha256} modelPath={path} heat={heat} selectedName={selected} onSelect={(node) => select(node?.name ?? null)} />
              </Suspense>
            </div>
          )}
        </div>
      )}
      {tab === 'types' && (
        <div role="tabpanel" aria-label="By op type">
          <OpTypeChart
            ops={summary.ops}
            perRun={perRun}
            onPick={(op) => {
              setOpFilter((f) => ({ op, n: (f?.n ?? 0) + 1 }));
              setResultsTab(path, 'ops');
            }}
          />
        </div>
      )}
      {tab === 'timeline' && (
        <div role="tabpanel" aria-label="Timeline">
          <TimelineView timeline={summary.timeline} selected={selected} onSelect={select} focus={runsRange(summary.runs)} />
        </div>
      )}
    </Section>
  );
}

function ResultTabs({ path, current }: { path: string; current: ResultsTab }) {
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = RESULT_TABS.findIndex((t) => t.id === current);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: RESULT_TABS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const list = e.currentTarget;
    const to = RESULT_TABS[(next + RESULT_TABS.length) % RESULT_TABS.length]!;
    setResultsTab(path, to.id);
    requestAnimationFrame(() => list.querySelector<HTMLElement>(`[data-tab="${to.id}"]`)?.focus());
  };
  return (
    <div className="pf-tabs" role="tablist" aria-label="Profile views" onKeyDown={onKeyDown}>
      {RESULT_TABS.map((t) => (
        <button
          key={t.id}
          role="tab"
          data-tab={t.id}
          data-testid={`profile-view-${t.id}`}
          className={`mv-tab ${t.id === current ? 'active' : ''}`}
          aria-selected={t.id === current}
          tabIndex={t.id === current ? 0 : -1}
          onClick={() => setResultsTab(path, t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** From the first profiled run's start to the last one's end (null without runs). */
function runsRange(runs: readonly { readonly startUs: number; readonly durUs: number }[]): { startUs: number; endUs: number } | null {
  if (runs.length === 0) return null;
  return { startUs: Math.min(...runs.map((r) => r.startUs)), endUs: Math.max(...runs.map((r) => r.startUs + r.durUs)) };
}
