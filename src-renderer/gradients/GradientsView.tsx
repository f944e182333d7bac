/**
 * The panel's Gradients tab: what `lathe.watch(model)` and `lathe.log(...)` report from the active
 * session: a heat map of gradient norms (layers × steps), per-layer lines, histograms over time, alerts
 * (vanishing, exploding, NaN/Inf, and the driver's first-NaN records with their source), logged
 * scalars, the hooks' overhead, and export.
 */
import { useEffect, useMemo, useState } from 'react';
import { openAt } from '../editor/EditorArea';
import { useSessions } from '../sessions/sessions';
import { useApp } from '../state/store';
import { projectPathOf } from '../terminal/links';
import { promptText } from '../ui/dialogs';
import { nanAlerts, newScan, scanAlerts, thresholdsOf, type AlertScan, type AlertThresholds, type GradAlert } from './alerts';
import { HeatMap, HistStrip, LayerLines, LiveChart } from './charts';
import { columnOfStep, overheadOf, type SessionGrads, type WatchData } from './grad-data';
import { exportGrads, installGradEvents, loadGradHistory, pickWatch, sessionGrads, shownWatch, useGrads } from './grad-store';
import { formatNorm } from './heatmap';
import './gradients.css';

const scans = new Map<WatchData, AlertScan>();

function alertsOf(w: WatchData, t: AlertThresholds): GradAlert[] {
  let s = scans.get(w);
  if (!s || s.thresholds !== t) {
    s = newScan(w.layerCount, t);
    scans.set(w, s);
  }
  scanAlerts(s, w);
  return s.alerts;
}

export function GradientsView() {
  const session = useSessions((s) => s.sessions.find((x) => x.id === s.activeId));
  const sessionId = session?.id ?? null;
  const version = useGrads((s) => (sessionId ? s.versions.get(sessionId) : undefined));
  const picked = useGrads((s) => (sessionId ? s.picked.get(sessionId) : undefined));
  useEffect(() => {
    installGradEvents();
  }, []);
  useEffect(() => {
    if (sessionId) void loadGradHistory(sessionId);
  }, [sessionId]);

  if (!session || !sessionId) return <Empty />;
  const g = sessionGrads(sessionId);
  const watchId = shownWatch(sessionId, picked);
  const watch = watchId ? g.watches.get(watchId) : undefined;
  if (!watch) return <Empty />;
  return <WatchView key={`${sessionId}/${watch.info.watch}`} sessionId={sessionId} g={g} watch={watch} version={version ?? 0} cwd={session.cwd} />;
}

function Empty() {
  return (
    <div className="empty-state small" data-testid="gradients-empty">
      Call <code>lathe.watch(model)</code> in a session to see its gradients here
    </div>
  );
}

function WatchView({ sessionId, g, watch, version, cwd }: { sessionId: string; g: SessionGrads; watch: WatchData; version: number; cwd: string }) {
  const settings = useApp((s) => s.settings.settings);
  const root = useApp((s) => s.project?.root ?? null);
  const thresholds = useMemo(() => thresholdsOf(settings as unknown as Record<string, unknown>), [settings]);
  const [focus, setFocus] = useState<{ layer: number; column: number } | null>(null);
  const [checked, setChecked] = useState<readonly number[]>(() => (watch.layerCount > 0 ? [0] : []));
  const [extra, setExtra] = useState(false);
  const [filter, setFilter] = useState('');

  // Alerts are scanned incrementally on each version (cheap: only the new steps).
  const stepAlerts = useMemo(() => alertsOf(watch, thresholds).slice(), [watch, thresholds, version]);
  const firstNans = useMemo(() => nanAlerts(g.nans, watch), [g.nans, watch, version]);
  const overhead = overheadOf(watch);
  const shownLayers = focus && !checked.includes(focus.layer) ? [...checked, focus.layer] : checked;
  const markStep = focus ? (watch.steps[focus.column] ?? null) : null;

  const pick = (layer: number, column: number) => {
    setFocus({ layer, column });
  };
  const jumpTo = (a: GradAlert) => {
    const column = Math.max(0, columnOfStep(watch, a.step));
    const layer = a.layerIndex >= 0 ? a.layerIndex : (focus?.layer ?? 0);
    setFocus({ layer, column });
    if (a.layerIndex >= 0 && !checked.includes(a.layerIndex)) setChecked((c) => [...c, a.layerIndex]);
  };
  const sourceOf = (a: GradAlert): { path: string; line: number } | null => {
    if (!a.file || !a.line || !root) return null;
    const path = projectPathOf(a.file, root, cwd || root);
    return path === null ? null : { path, line: a.line };
  };
  const doExport = async (format: 'csv' | 'json') => {
    const path = await promptText({
      title: `Export gradients (${format.toUpperCase()})`,
      message: 'A path in the project:',
      value: `gradients-${watch.info.watch}.${format}`,
      okLabel: 'Export',
      validate: (v) => (v.trim() === '' ? 'Enter a path' : v.startsWith('/') || v.split('/').includes('..') ? 'A path inside the project, like runs/grads.csv' : null),
    });
    if (path) await exportGrads(sessionId, watch.info.watch, format, path.trim());
  };

  const alerts = [...firstNans, ...stepAlerts];
  const scalarNames = [...g.scalars.keys()];
  const watches = [...g.watches.values()];

  return (
    <div className="gradients-view" data-testid="gradients" data-watch={watch.info.watch} data-steps={watch.length}>
      <div className="grad-toolbar">
        <label className="grad-watch-pick">
          Watch{' '}
          <select className="text-input" aria-label="Watch" value={watch.info.watch} onChange={(e) => pickWatch(sessionId, e.target.value)} data-testid="grad-watches">
            {watches.map((w) => (
              <option key={w.info.watch} value={w.info.watch}>
                {w.info.watch} · {w.info.model} · {w.layerCount} layers · {w.length} steps{w.active ? '' : ' (ended)'}
              </option>
            ))}
          </select>
        </label>
        <span className="grad-overhead" data-testid="grad-overhead" title="Mean time the hooks and norms took per logged step, and the mean step time">
          {overhead.meanOverheadMs !== null ? `overhead ${overhead.meanOverheadMs.toFixed(2)} ms/step` : ''}
          {overhead.meanStepMs !== null ? ` of ${overhead.meanStepMs.toFixed(1)} ms` : ''}
          {overhead.fraction !== null ? ` (${(overhead.fraction * 100).toFixed(1)}%)` : ''}
        </span>
        {g.dropped > 0 && <span className="grad-note">older steps were dropped</span>}
        <span className="spacer" />
        <button className="link-button" onClick={() => void doExport('csv')} data-testid="grad-export-csv">
          Export CSV
        </button>
        <button className="link-button" onClick={() => void doExport('json')} data-testid="grad-export-json">
          Export JSON
        </button>
      </div>
      <div className="grad-body">
        <aside className="grad-side">
          <LayerList watch={watch} filter={filter} setFilter={setFilter} checked={checked} setChecked={setChecked} focusLayer={focus?.layer ?? null} />
          <div className="grad-alerts" data-testid="grad-alerts" role="list" aria-label="Gradient alerts">
            <div className="grad-section-title">Alerts {alerts.length > 0 ? `(${alerts.length})` : ''}</div>
            {alerts.length === 0 && <div className="grad-note">No alerts.</div>}
            {alerts.slice(0, 300).map((a, i) => {
              const src = a.kind === 'first-nan' ? sourceOf(a) : null;
              return (
                <div key={i} role="listitem" className={`grad-alert grad-alert-${a.kind}`} data-kind={a.kind}>
                  <button className="grad-alert-text" onClick={() => jumpTo(a)} title="Show this step">
                    {a.message}
                  </button>
                  {src && (
                    <button className="link-button" onClick={() => void openAt(src.path, src.line)} title={`${src.path}:${src.line}`}>
                      open source
                    </button>
                  )}
                </div>
              );
            })}
          </div>
        </aside>
        <div className="grad-main">
          <div className="grad-section-title">
            Gradient norms (log₁₀), {watch.layerCount} layers × {watch.length} logged steps
            {focus && (
              <span className="grad-focus" data-testid="grad-focus">
                {' '}
                · {watch.info.layers[focus.layer]} at step {watch.steps[focus.column]}: {formatNorm(watch.grad[focus.column * watch.layerCount + focus.layer] ?? NaN)}
              </span>
            )}
          </div>
          <HeatMap sessionId={sessionId} watch={watch} focus={focus} onPick={pick} />
          <div className="grad-section-title">
            Per layer{' '}
            <label className="grad-toggle">
              <input type="checkbox" checked={extra} onChange={(e) => setExtra(e.target.checked)} /> weight norms and update ratios
            </label>
          </div>
          {shownLayers.length > 0 ? <LayerLines sessionId={sessionId} watch={watch} layers={shownLayers} extra={extra} markStep={markStep} /> : <div className="grad-note">Tick layers in the list to chart them.</div>}
          {watch.info.histograms && (
            <>
              <div className="grad-section-title">Histograms of {watch.info.layers[focus?.layer ?? shownLayers[0] ?? 0]} over steps</div>
              <HistStrip sessionId={sessionId} watch={watch} layer={focus?.layer ?? shownLayers[0] ?? 0} />
            </>
          )}
          {scalarNames.length > 0 && (
            <>
              <div className="grad-section-title">Scalars</div>
              <LiveChart
                sessionId={sessionId}
                testId="grad-scalars"
                label={`Logged scalars: ${scalarNames.join(', ')}`}
                yLabel="value"
                log={false}
                seriesKey={scalarNames.join('|')}
                markStep={markStep}
                build={() => scalarsData(g)}
              />
            </>
          )}
        </div>
      </div>
    </div>
  );
}

/** Scalars on one x axis (the union of their steps; a scalar not logged at a step is a gap). */
function scalarsData(g: SessionGrads): { x: number[]; series: { label: string; values: number[] }[] } {
  const all = new Set<number>();
  for (const s of g.scalars.values()) for (let i = 0; i < s.length; i++) all.add(s.steps[i]!);
  const x = [...all].sort((a, b) => a - b);
  const index = new Map(x.map((v, i) => [v, i]));
  const series = [...g.scalars.values()].map((s) => {
    const values = new Array<number>(x.length).fill(NaN);
    for (let i = 0; i < s.length; i++) values[index.get(s.steps[i]!)!] = s.values[i]!;
    return { label: s.name, values };
  });
  return { x, series };
}

const LIST_SHOWN = 400;

function LayerList({
  watch,
  filter,
  setFilter,
  checked,
  setChecked,
  focusLayer,
}: {
  watch: WatchData;
  filter: string;
  setFilter: (v: string) => void;
  checked: readonly number[];
  setChecked: (f: (c: readonly number[]) => readonly number[]) => void;
  focusLayer: number | null;
}) {
  const matches = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const out: number[] = [];
    watch.info.layers.forEach((name, i) => {
      if (!f || name.toLowerCase().includes(f)) out.push(i);
    });
    return out;
  }, [watch, filter]);
  return (
    <div className="grad-layers" data-testid="grad-layers">
      <input className="text-input" placeholder="Search layers" aria-label="Search layers" value={filter} spellCheck={false} onChange={(e) => setFilter(e.target.value)} />
      <div className="grad-layer-rows" role="group" aria-label="Layers to chart">
        {matches.slice(0, LIST_SHOWN).map((i) => (
          <label key={i} className={`grad-layer ${focusLayer === i ? 'focused' : ''}`} title={watch.info.layers[i]}>
            <input type="checkbox" checked={checked.includes(i)} onChange={(e) => setChecked((c) => (e.target.checked ? [...c, i] : c.filter((x) => x !== i)))} />
            <span>{watch.info.layers[i]}</span>
          </label>
        ))}
        {matches.length > LIST_SHOWN && <div className="grad-note">{matches.length - LIST_SHOWN} more: refine the search</div>}
        {matches.length === 0 && <div className="grad-note">No layer matches “{filter}”.</div>}
      </div>
    </div>
  );
}
