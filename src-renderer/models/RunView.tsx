/** The Run sub-view: the input builder, the Run button, the session facts and the outputs. */
import { EP_LABELS, type EpName } from '../../src-main/common/onnx/ep';
import type { ModelInfo } from '../../src-main/common/onnx/model-types';
import type { RunResult } from '../../src-main/common/protocols/onnx';
import { droppedWarning } from './ep-selection';
import { EpPanel } from './EpPanel';
import { formatMs } from './format';
import { InputCard } from './InputCard';
import { formOf, runModel, setForm, useRemembered, type TabState } from './model-store';
import { OutputView } from './OutputView';
import { Elapsed, ErrorBox, Section } from './parts';

const PHASE_LABELS = { create: 'creating the session', 'first-run': 'first run', warmup: 'warming up', runs: 'running' } as const;

export function RunView({ path, info, tab }: { path: string; info: ModelInfo; tab: TabState }) {
  const remembered = useRemembered(path);
  const running = tab.run.status === 'running';
  const inputs = info.summary.inputs;
  return (
    <div className="mv-split" role="tabpanel" aria-label="Run">
      <div className="mv-scroll mv-main">
        <Section title={`Inputs (${inputs.length})`} testid="run-inputs">
          {inputs.length === 0 && <p className="muted">The model takes no inputs.</p>}
          {inputs.map((input) => (
            <InputCard key={input.name} info={input} form={formOf(remembered, input)} onChange={(form) => setForm(path, form)} />
          ))}
        </Section>
        <div className="mv-run-bar">
          <button className="btn btn-primary" data-testid="model-run" disabled={running} onClick={() => void runModel(path)}>
            {running ? <span className="spinner" aria-hidden="true" /> : '▶'} Run <kbd>Ctrl+Enter</kbd>
          </button>
          <span className="muted">on {remembered.config.eps.map((e) => EP_LABELS[e]).join(' → ')}</span>
          {tab.run.status === 'running' && (
            <span role="status" className="mv-run-status">
              {tab.run.phase ? PHASE_LABELS[tab.run.phase] : 'running'}… <Elapsed since={tab.run.since} />
            </span>
          )}
        </div>
        {tab.run.status === 'error' && <ErrorBox code={tab.run.code} message={tab.run.message} testid="run-error" />}
        {tab.lastRun && <RunResultView result={tab.lastRun} stale={tab.run.status !== 'done'} />}
      </div>
      <EpPanel path={path} disabled={running} />
    </div>
  );
}

function RunResultView({ result, stale }: { result: RunResult; stale: boolean }) {
  const s = result.session;
  const warning = droppedWarning(s.dropped, (ep) => EP_LABELS[ep as EpName] ?? ep);
  const byEp = Object.entries(s.placement?.byEp ?? {}).sort((a, b) => b[1] - a[1]);
  return (
    <div className={`mv-result ${stale ? 'stale' : ''}`} data-testid="run-result">
      {stale && <p className="muted">The last run&apos;s result:</p>}
      {warning && (
        <div className="mv-warning" role="alert" data-testid="ep-dropped">
          ⚠ {warning}
        </div>
      )}
      <Section title="Session">
        <dl className="mv-facts-grid" data-testid="session-facts">
          <dt>EPs used</dt>
          <dd>
            {s.eps.map((e) => (
              <span key={e} className="mv-chip" data-ep={e}>
                {EP_LABELS[e] ?? e}
              </span>
            ))}
          </dd>
          <dt title="Counted in the graph onnxruntime ran, after its fusions (e.g. Conv+Relu as one node), so fewer than the file's nodes.">Nodes per EP</dt>
          <dd data-testid="nodes-per-ep">
            {byEp.length === 0 ? (
              <span className="muted">not reported</span>
            ) : (
              byEp.map(([ep, n]) => (
                <span key={ep} className="mv-chip" data-ep={ep}>
                  {ep} {n} node{n === 1 ? '' : 's'}
                </span>
              ))
            )}
            {byEp.length > 0 && <span className="muted"> after onnxruntime&apos;s fusions</span>}
          </dd>
          <dt>Session creation</dt>
          <dd>{s.createMs === null ? 'cached' : formatMs(s.createMs)}</dd>
          <dt>Run</dt>
          <dd data-testid="run-ms">{formatMs(result.runMs)}</dd>
        </dl>
      </Section>
      <Section title={`Outputs (${result.outputs.length})`} testid="run-outputs">
        {result.outputs.map((o) => (
          <OutputView key={o.name} runId={result.runId} output={o} />
        ))}
      </Section>
    </div>
  );
}
