/**
 * Execution providers and session options, shared by Run and Benchmark: every EP the binding knows
 * with its state here, the ordered selection, fail-fast or fallback, and ORT's session options. The
 * choice is remembered per model.
 */
import { useEffect } from 'react';
import { EP_LABELS, type EpInfo, type EpName, type SessionConfig } from '../../src-main/common/onnx/ep';
import { addEp, EP_STATE_LABELS, MODE_HELP, moveEp, removeEp } from './ep-selection';
import { installGpu, loadEps, remember, setConfig, useModels, useRemembered } from './model-store';
import { NumberField } from './parts';

export function EpPanel({ path, disabled }: { path: string; disabled: boolean }) {
  const { config, optionsCollapsed } = useRemembered(path);
  const eps = useModels((s) => s.eps);
  useEffect(() => {
    if (useModels.getState().eps.status === 'idle') void loadEps();
  }, []);
  if (optionsCollapsed) {
    return (
      <aside className="mv-side collapsed" aria-label="Execution providers and session options">
        <button className="icon-button" title="Show execution providers and options" aria-label="Show execution providers and options" onClick={() => remember(path, { optionsCollapsed: false })}>
          «
        </button>
        <span className="mv-side-vertical">{config.eps.map((e) => EP_LABELS[e]).join(' → ')}</span>
      </aside>
    );
  }
  const byName = new Map(eps.eps.map((e) => [e.name, e]));
  return (
    <aside className="mv-side" aria-label="Execution providers and session options">
      <header className="mv-side-header">
        <h3>Execution providers</h3>
        <span className="spacer" />
        <button className="icon-button" title="Probe the EPs again" aria-label="Refresh execution providers" onClick={() => void loadEps(true)} disabled={eps.status === 'loading'}>
          ↻
        </button>
        <button className="icon-button" title="Hide this column" aria-label="Hide execution providers and options" onClick={() => remember(path, { optionsCollapsed: true })}>
          »
        </button>
      </header>
      <fieldset className="mv-fieldset" disabled={disabled}>
        <Selection path={path} config={config} byName={byName} />
        {eps.status === 'loading' && eps.eps.length === 0 && (
          <p className="muted" role="status">
            <span className="spinner" aria-hidden="true" /> Asking onnxruntime which EPs this machine has…
          </p>
        )}
        {eps.status === 'error' && (
          <p className="mv-problem" role="alert">
            Could not list the EPs: {eps.message}{' '}
            <button type="button" className="link-button" onClick={() => void loadEps(true)}>
              Try again
            </button>
          </p>
        )}
        <ul className="mv-ep-list" data-testid="ep-list" aria-label="All execution providers">
          {eps.eps.map((ep) => (
            <EpRow key={ep.name} ep={ep} selected={config.eps.includes(ep.name)} onToggle={() => setConfig(path, { eps: config.eps.includes(ep.name) ? removeEp(config.eps, ep.name) : addEp(config.eps, ep.name) })} />
          ))}
        </ul>
        <InstallLog />
        <Options path={path} config={config} />
      </fieldset>
    </aside>
  );
}

/** The chosen EPs, in the order ORT tries them. */
function Selection({ path, config, byName }: { path: string; config: SessionConfig; byName: Map<EpName, EpInfo> }) {
  return (
    <div className="mv-selection">
      <div className="mv-label">Order (first that can run a node takes it)</div>
      <ol className="mv-order" data-testid="ep-order">
        {config.eps.map((name, i) => {
          const state = byName.get(name)?.state;
          return (
            <li key={name} data-ep={name}>
              <span className="mv-order-index">{i + 1}</span>
              <span className="mv-order-name">{EP_LABELS[name]}</span>
              {state && state !== 'available' && (
                <span className={`mv-badge ${state}`} title={byName.get(name)?.reason}>
                  {EP_STATE_LABELS[state]}
                </span>
              )}
              <span className="spacer" />
              <button type="button" className="icon-button" aria-label={`Move ${EP_LABELS[name]} up`} title="Move up" disabled={i === 0} onClick={() => setConfig(path, { eps: moveEp(config.eps, i, -1) })}>
                ↑
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Move ${EP_LABELS[name]} down`}
                title="Move down"
                disabled={i === config.eps.length - 1}
                onClick={() => setConfig(path, { eps: moveEp(config.eps, i, 1) })}
              >
                ↓
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${EP_LABELS[name]}`}
                title={config.eps.length === 1 ? 'A session needs one EP' : 'Remove'}
                disabled={config.eps.length === 1}
                onClick={() => setConfig(path, { eps: removeEp(config.eps, name) })}
              >
                ×
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function EpRow({ ep, selected, onToggle }: { ep: EpInfo; selected: boolean; onToggle: () => void }) {
  const install = useModels((s) => s.install);
  const help = [ep.reason, ep.action].filter(Boolean).join(' ');
  return (
    <li className="mv-ep" data-ep={ep.name} data-state={ep.state} title={help || undefined}>
      <div className="mv-ep-line">
        <span className="mv-ep-name">{ep.label}</span>
        <span className={`mv-badge ${ep.state}`}>{EP_STATE_LABELS[ep.state]}</span>
        <span className="spacer" />
        <button type="button" className="btn mv-small" onClick={onToggle} aria-pressed={selected} title={ep.state === 'available' ? undefined : 'It can still be chosen: fail-fast then says why it cannot run'}>
          {selected ? 'Remove' : 'Add'}
        </button>
      </div>
      {ep.state !== 'available' && (
        <div className="mv-ep-reason">
          {ep.reason}
          {ep.action && <span className="mv-ep-action"> {ep.action}</span>}
        </div>
      )}
      {ep.installable && (
        <button type="button" className="btn btn-primary mv-small" disabled={install.status === 'running'} onClick={() => void installGpu()} data-testid="install-gpu">
          {install.status === 'running' && <span className="spinner" aria-hidden="true" />}
          Install GPU support
        </button>
      )}
    </li>
  );
}

/** The GPU installer's output, then done or its error. */
function InstallLog() {
  const install = useModels((s) => s.install);
  if (install.status === 'idle') return null;
  return (
    <div className={`mv-install ${install.status}`} data-testid="install-log" data-state={install.status}>
      <div className="mv-install-status" role="status">
        {install.status === 'running' && (
          <>
            <span className="spinner" aria-hidden="true" /> Installing the CUDA/TensorRT binaries…
          </>
        )}
        {install.status === 'done' && '✓ GPU support installed. The EP list is probed again.'}
        {install.status === 'failed' && `✗ The install failed: ${install.error ?? 'see the log'}`}
      </div>
      {install.lines.length > 0 && (
        <pre className="mv-log" tabIndex={0} aria-label="Installer output">
          {install.lines.join('\n')}
        </pre>
      )}
    </div>
  );
}

function Options({ path, config }: { path: string; config: SessionConfig }) {
  const set = (patch: Partial<SessionConfig>) => setConfig(path, patch);
  const threads = (v: number) => (Number.isInteger(v) && v >= 0 ? v : 0);
  return (
    <div className="mv-options">
      <div className="mv-label">When an EP can&apos;t run</div>
      {(['fail-fast', 'fallback'] as const).map((mode) => (
        <label key={mode} className="mv-radio">
          <input type="radio" name={`mode-${path}`} checked={config.mode === mode} onChange={() => set({ mode })} />
          <span>
            <strong>{mode === 'fail-fast' ? 'Fail fast' : 'Fall back'}</strong>
            <span className="muted"> {MODE_HELP[mode]}</span>
          </span>
        </label>
      ))}
      <label className="mv-field">
        <span>Graph optimisation</span>
        <select className="mv-select" value={config.graphOptimization} onChange={(e) => set({ graphOptimization: e.target.value as SessionConfig['graphOptimization'] })}>
          <option value="disabled">disabled</option>
          <option value="basic">basic</option>
          <option value="extended">extended</option>
          <option value="all">all</option>
        </select>
      </label>
      <label className="mv-field">
        <span>Intra-op threads (0 = default)</span>
        <NumberField label="Intra-op threads" value={config.intraOpThreads} min={0} step={1} width={72} onChange={(v) => set({ intraOpThreads: threads(v) })} />
      </label>
      <label className="mv-field">
        <span>Inter-op threads (0 = default)</span>
        <NumberField label="Inter-op threads" value={config.interOpThreads} min={0} step={1} width={72} onChange={(v) => set({ interOpThreads: threads(v) })} />
      </label>
      <label className="mv-field">
        <span>Execution mode</span>
        <select className="mv-select" value={config.executionMode} onChange={(e) => set({ executionMode: e.target.value as SessionConfig['executionMode'] })}>
          <option value="sequential">sequential</option>
          <option value="parallel">parallel</option>
        </select>
      </label>
    </div>
  );
}
