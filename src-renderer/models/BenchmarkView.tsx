/** The Benchmark sub-view: settings, Start/Cancel with progress, the figures and charts, and the history. */
import { lazy, Suspense, useMemo } from 'react';
import { EP_LABELS, type EpName } from '../../src-main/common/onnx/ep';
import type { BenchmarkFile } from '../../src-main/common/onnx/benchmark-record';
import type { ModelInfo } from '../../src-main/common/onnx/model-types';
import type { LatencyStats } from '../../src-main/common/protocols/onnx';
import { openDocument } from '../editor/documents';
import { droppedWarning } from './ep-selection';
import { EpPanel } from './EpPanel';
import { formatMs, formatRate } from './format';
import { HistoryView } from './HistoryView';
import { cancelBenchmark, remember, startBenchmark, useRemembered, type BenchState, type TabState } from './model-store';
import { Elapsed, ErrorBox, NumberField, Section } from './parts';
import { benchFraction, binLatencies } from './stats';

// uPlot (and its CSS) load with the first results shown.
const LatencyHistogram = lazy(() => import('./Charts').then((m) => ({ default: m.LatencyHistogram })));
const RunIndexChart = lazy(() => import('./Charts').then((m) => ({ default: m.RunIndexChart })));

const PHASES = { create: 'Creating the session', 'first-run': 'First run', warmup: 'Warming up', runs: 'Timed runs' } as const;
const STAT_KEYS: readonly (keyof LatencyStats)[] = ['min', 'mean', 'std', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'];

export function BenchmarkView({ path, info, tab }: { path: string; info: ModelInfo; tab: TabState }) {
  const { bench: settings } = useRemembered(path);
  const running = tab.bench.status === 'running';
  const setSettings = (patch: Partial<typeof settings>) => remember(path, (r) => ({ bench: { ...r.bench, ...patch } }));
  const whole = (v: number, min: number) => (Number.isInteger(v) && v >= min ? v : min);
  return (
    <div className="mv-split" role="tabpanel" aria-label="Benchmark">
      <div className="mv-scroll mv-main">
        <Section title="Benchmark">
          <p className="muted">Uses the Run view&apos;s inputs. Times are taken inside the ONNX runner, around each session.run, so IPC is not counted.</p>
          <div className="mv-row">
            <label className="mv-inline">
              <span className="muted">Warm-up runs</span>
              <NumberField label="Warm-up runs" value={settings.warmup} min={0} step={1} width={80} disabled={running} onChange={(v) => setSettings({ warmup: whole(v, 0) })} />
            </label>
            <label className="mv-inline">
              <span className="muted">Timed runs</span>
              <NumberField label="Timed runs" value={settings.runs} min={1} step={1} width={90} disabled={running} testid="bench-runs" onChange={(v) => setSettings({ runs: whole(v, 1) })} />
            </label>
            <label className="mv-inline">
              <input type="checkbox" checked={settings.budgetS !== null} disabled={running} onChange={(e) => setSettings({ budgetS: e.target.checked ? 30 : null })} />
              <span className="muted">Time budget (s)</span>
              <NumberField label="Time budget in seconds" value={settings.budgetS ?? 30} min={1} width={70} disabled={running || settings.budgetS === null} onChange={(v) => setSettings({ budgetS: Number.isFinite(v) && v > 0 ? v : 1 })} />
            </label>
          </div>
          <div className="mv-run-bar">
            {running ? (
              <button className="btn btn-danger" data-testid="model-bench-cancel" disabled={tab.bench.status === 'running' && tab.bench.cancelling} onClick={() => void cancelBenchmark(path)}>
                ■ Cancel
              </button>
            ) : (
              <button className="btn btn-primary" data-testid="model-bench-start" onClick={() => void startBenchmark(path)}>
                ▶ Start
              </button>
            )}
            {tab.bench.status === 'running' && <Progress bench={tab.bench} />}
          </div>
          {tab.bench.status === 'error' && <ErrorBox code={tab.bench.code} message={tab.bench.message} testid="bench-error" />}
        </Section>
        {tab.bench.status === 'done' && <Results file={tab.bench.file} batchNote={info.summary.inputs.length > 0} />}
        <HistoryView path={path} />
      </div>
      <EpPanel path={path} disabled={running} />
    </div>
  );
}

function Progress({ bench }: { bench: Extract<BenchState, { status: 'running' }> }) {
  const p = bench.progress;
  const fraction = p ? benchFraction(p) : 0;
  return (
    <div className="mv-progress" role="status" data-testid="model-bench-progress">
      <div className="mv-progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
        <div className="mv-progress-fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      <span>
        {bench.cancelling ? 'Cancelling…' : p ? `${PHASES[p.phase]} ${p.total > 1 ? `${p.done}/${p.total}` : ''}` : 'Starting…'}
        {p?.lastMs != null && <span className="muted"> · last {formatMs(p.lastMs)}</span>}
        <span className="muted"> · </span>
        <Elapsed since={bench.since} />
      </span>
    </div>
  );
}

function Results({ file, batchNote }: { file: BenchmarkFile; batchNote: boolean }) {
  const { record } = file;
  const f = record.figures;
  const histogram = useMemo(() => binLatencies(f.latenciesMs), [f.latenciesMs]);
  const warning = droppedWarning(record.session.dropped, (ep) => EP_LABELS[ep as EpName] ?? ep);
  return (
    <Section title="Results" testid="model-bench-results">
      {f.cancelled && <div className="mv-warning">Cancelled after {f.runs} timed runs: the figures cover those.</div>}
      {warning && <div className="mv-warning">⚠ {warning}</div>}
      <dl className="mv-facts-grid">
        <dt>EPs</dt>
        <dd>{record.session.eps.map((e) => EP_LABELS[e] ?? e).join(' → ')}</dd>
        <dt>Session creation</dt>
        <dd data-stat="create">{formatMs(f.sessionCreateMs)}</dd>
        <dt>First run</dt>
        <dd data-stat="first">{formatMs(f.firstRunMs)}</dd>
        <dt>Steady state</dt>
        <dd>
          {f.runs} runs after {f.warmup} warm-up{batchNote && f.batch !== 1 ? `, batch ${f.batch}` : ''}
        </dd>
      </dl>
      <table className="mv-table mv-bench-stats" data-testid="model-bench-stats">
        <thead>
          <tr>
            {STAT_KEYS.map((k) => (
              <th key={k}>{k === 'p999' ? 'p99.9' : k}</th>
            ))}
            <th>throughput</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            {STAT_KEYS.map((k) => (
              <td key={k} data-stat={k} className="mv-mono">
                {formatMs(f.stats[k])}
              </td>
            ))}
            <td data-stat="throughput" className="mv-mono">
              {formatRate(f.throughput)}
            </td>
          </tr>
        </tbody>
      </table>
      <Suspense fallback={<div className="mv-chart muted">Loading the charts…</div>}>
        <div className="mv-charts">
          <figure className="mv-figure">
            <figcaption>Latency histogram</figcaption>
            <LatencyHistogram histogram={histogram} />
          </figure>
          <figure className="mv-figure">
            <figcaption>Latency by run</figcaption>
            <RunIndexChart latencies={f.latenciesMs} />
          </figure>
        </div>
      </Suspense>
      <p className="muted">
        Saved as{' '}
        <button className="link-button mv-mono" data-testid="bench-record" onClick={() => void openDocument(file.file)}>
          {file.file}
        </button>
      </p>
    </Section>
  );
}
