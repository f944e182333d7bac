/** The Summary sub-view: what is in the model, without running it. */
import { useState } from 'react';
import type { ModelInfo, ValueInfo } from '../../src-main/common/onnx/model-types';
import { domainName, formatBytes, formatCount, formatShape, formatType } from './format';
import { Section } from './parts';

const OPS_SHOWN = 25;

export function SummaryView({ info }: { info: ModelInfo }) {
  const s = info.summary;
  const metadata = Object.entries(s.metadata);
  return (
    <div className="mv-scroll" role="tabpanel" aria-label="Summary" data-testid="model-summary">
      <div className="mv-summary">
        <Section title="Model">
          <dl className="mv-facts-grid">
            <dt>IR version</dt>
            <dd data-fact="ir">{s.irVersion}</dd>
            <dt>Opsets</dt>
            <dd data-fact="opsets">
              {s.opsets.map((o) => (
                <span key={o.domain} className="mv-chip">
                  {domainName(o.domain)} {o.version}
                </span>
              ))}
            </dd>
            <dt>Producer</dt>
            <dd data-fact="producer">{[s.producerName, s.producerVersion].filter(Boolean).join(' ') || <span className="muted">not recorded</span>}</dd>
            {s.domain && (
              <>
                <dt>Domain</dt>
                <dd>{s.domain}</dd>
              </>
            )}
            {s.modelVersion !== 0 && (
              <>
                <dt>Model version</dt>
                <dd>{s.modelVersion}</dd>
              </>
            )}
            <dt>Parameters</dt>
            <dd data-fact="parameters" title={s.parameterCount.toLocaleString('en-US')}>
              {formatCount(s.parameterCount)}
              {s.constantCount > 0 && (
                <span className="muted" data-fact="constants">
                  {' '}
                  (+ {formatCount(s.constantCount)} in Constant nodes, {formatBytes(s.constantBytes)})
                </span>
              )}
            </dd>
            <dt>Initialisers</dt>
            <dd data-fact="initializer-bytes">
              {formatBytes(s.initializerBytes)}
              {s.externalBytes > 0 && (
                <span className="muted">
                  {' '}
                  ({formatBytes(s.externalBytes)} in {s.externalFiles.length === 1 ? 'a side file' : `${s.externalFiles.length} side files`}: {s.externalFiles.join(', ')})
                </span>
              )}
            </dd>
            <dt>Nodes</dt>
            <dd data-fact="nodes">{s.nodeCount.toLocaleString('en-US')}</dd>
          </dl>
          {s.docString && <pre className="mv-doc">{s.docString}</pre>}
        </Section>
        {metadata.length > 0 && (
          <Section title="Metadata">
            <table className="mv-table">
              <tbody>
                {metadata.map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td className="mv-wrap">{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
        )}
        <Section title={`Inputs (${s.inputs.length})`} testid="model-inputs">
          <ValueTable values={s.inputs} />
        </Section>
        <Section title={`Outputs (${s.outputs.length})`} testid="model-outputs">
          <ValueTable values={s.outputs} />
        </Section>
        <OpHistogram ops={s.opHistogram} />
      </div>
    </div>
  );
}

function ValueTable({ values }: { values: readonly ValueInfo[] }) {
  if (values.length === 0) return <p className="muted">None.</p>;
  return (
    <table className="mv-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>Shape</th>
        </tr>
      </thead>
      <tbody>
        {values.map((v) => (
          <tr key={v.name} data-name={v.name} title={v.doc || undefined}>
            <td className="mv-mono">{v.name}</td>
            <td className="mv-mono">{formatType(v)}</td>
            <td className="mv-mono" data-shape>
              {formatShape(v.shape)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OpHistogram({ ops }: { ops: ModelInfo['summary']['opHistogram'] }) {
  const [all, setAll] = useState(false);
  const max = ops[0]?.count ?? 1;
  const shown = all ? ops : ops.slice(0, OPS_SHOWN);
  return (
    <Section
      title={`Operators (${ops.length} types)`}
      testid="model-ops"
      actions={
        ops.length > OPS_SHOWN && (
          <button className="link-button" onClick={() => setAll(!all)}>
            {all ? 'Show fewer' : `Show all ${ops.length}`}
          </button>
        )
      }
    >
      <div className="mv-bars" role="list">
        {shown.map((o) => (
          <div key={o.op} className="mv-bar-row" role="listitem" data-op={o.op}>
            <span className="mv-bar-label mv-mono" title={o.op}>
              {o.op}
            </span>
            <span className="mv-bar-track">
              <span className="mv-bar" style={{ width: `${Math.max(1, (o.count / max) * 100)}%` }} />
            </span>
            <span className="mv-bar-value">{o.count}</span>
          </div>
        ))}
      </div>
    </Section>
  );
}
