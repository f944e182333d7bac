/**
 * The graph view's side panel for the selected node: op, domain, name, doc, attributes, inputs and
 * outputs with dtype and shape, initialisers (values previewed on demand through the core), the EP that
 * ran it, and the way into its subgraphs.
 */
import { useState } from 'react';
import type { GraphNode } from '../../../src-main/common/onnx/model-types';
import type { TensorSummary } from '../../../src-main/common/tensor/tensor-types';
import { call } from '../../bridge/client';
import { formatBytes, formatShape, type NodeDetails as Details, type ValueDetail } from './details';

export function NodeDetails(props: { node: GraphNode; details: Details; modelPath: string; ep: string | null; onOpenSubgraph: (attribute: string) => void; onClose: () => void }) {
  const { node, details, ep } = props;
  return (
    <aside className="graph-details" aria-label={`Details of ${node.op} ${node.name}`} data-testid="graph-details">
      <header className="graph-details-head">
        <div>
          <div className="graph-details-op">{node.op}</div>
          <div className="graph-details-domain">{node.domain === '' ? 'ai.onnx' : node.domain}</div>
        </div>
        <button className="graph-tool" onClick={props.onClose} aria-label="Close details" title="Close (Esc)">
          ×
        </button>
      </header>
      <dl className="graph-kv">
        <dt>Name</dt>
        <dd className="graph-mono">{node.name || <span className="graph-muted">(unnamed)</span>}</dd>
        {ep !== null && (
          <>
            <dt>Ran on</dt>
            <dd>{ep}</dd>
          </>
        )}
      </dl>
      {node.doc && <p className="graph-doc">{node.doc}</p>}
      {node.subgraphs.length > 0 && (
        <Section title="Subgraphs">
          <div className="graph-subgraph-buttons">
            {node.subgraphs.map((s) => (
              <button key={s.attribute} className="graph-button" onClick={() => props.onOpenSubgraph(s.attribute)}>
                Open {s.attribute} ({s.graph.nodes.length} nodes)
              </button>
            ))}
          </div>
        </Section>
      )}
      {node.attributes.length > 0 && (
        <Section title="Attributes">
          <table className="graph-table">
            <tbody>
              {node.attributes.map((a) => (
                <tr key={a.name}>
                  <th scope="row">{a.name}</th>
                  <td className="graph-muted">{a.type}</td>
                  <td className="graph-mono graph-wrap">{a.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      <Section title="Inputs">
        <Values values={details.inputs} />
      </Section>
      <Section title="Outputs">
        <Values values={details.outputs} />
      </Section>
      {details.initializers.length > 0 && (
        <Section title="Initialisers">
          {details.initializers.map((init) => (
            <InitializerRow key={init.name} modelPath={props.modelPath} init={init} />
          ))}
        </Section>
      )}
    </aside>
  );
}

function Section(props: { title: string; children: React.ReactNode }) {
  return (
    <section className="graph-section">
      <h3>{props.title}</h3>
      {props.children}
    </section>
  );
}

function Values({ values }: { values: readonly ValueDetail[] }) {
  if (values.length === 0) return <div className="graph-muted">None</div>;
  return (
    <table className="graph-table">
      <tbody>
        {values.map((v, i) => (
          <tr key={i}>
            <th scope="row" className="graph-mono graph-wrap">
              {v.name === '' ? <span className="graph-muted">(omitted)</span> : v.name}
            </th>
            <td className="graph-mono">{v.dtype ?? ''}</td>
            <td className="graph-mono">{v.name === '' ? '' : v.dtype === null ? <span className="graph-muted">shape unknown</span> : formatShape(v.shape)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Preview = { state: 'idle' } | { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; summary: TensorSummary };

const HEAD_SHOWN = 24;

function InitializerRow({ modelPath, init }: { modelPath: string; init: Details['initializers'][number] }) {
  const [preview, setPreview] = useState<Preview>({ state: 'idle' });
  const load = async () => {
    setPreview({ state: 'loading' });
    const result = await call('models.initializer', { path: modelPath, name: init.name });
    setPreview(result.ok ? { state: 'ready', summary: result.value } : { state: 'error', message: result.message });
  };
  return (
    <div className="graph-init" data-testid="graph-initializer">
      <div className="graph-init-head">
        <span className="graph-mono graph-wrap">{init.name}</span>
        <span className="graph-muted">
          {init.dtype} {formatShape(init.shape)} · {init.count.toLocaleString()} values · {formatBytes(init.bytes)}
          {init.externalFile ? ` · in ${init.externalFile}` : ''}
        </span>
      </div>
      {preview.state === 'idle' && (
        <button className="graph-button" onClick={() => void load()}>
          Preview values
        </button>
      )}
      {preview.state === 'loading' && <div className="graph-muted" role="status">Reading values…</div>}
      {preview.state === 'error' && (
        <div className="graph-error" role="alert">
          Could not read the values: {preview.message}{' '}
          <button className="graph-button" onClick={() => void load()}>
            Retry
          </button>
        </div>
      )}
      {preview.state === 'ready' && <ValuesPreview summary={preview.summary} />}
    </div>
  );
}

function ValuesPreview({ summary }: { summary: TensorSummary }) {
  const s = summary.stats;
  const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(5));
  return (
    <div className="graph-preview">
      {s && (
        <div className="graph-stats">
          min {num(s.min)} · max {num(s.max)} · mean {num(s.mean)} · std {num(s.std)}
          {s.nan + s.posInf + s.negInf > 0 && ` · NaN ${s.nan} · +Inf ${s.posInf} · −Inf ${s.negInf}`}
        </div>
      )}
      <div className="graph-mono graph-head-values">
        {summary.head
          .slice(0, HEAD_SHOWN)
          .map((v) => (typeof v === 'number' ? num(v) : String(v)))
          .join(', ')}
        {summary.count > HEAD_SHOWN ? ', …' : ''}
      </div>
    </div>
  );
}
