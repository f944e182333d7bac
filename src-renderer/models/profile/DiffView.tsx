/** The diff of two profiles: the verdict line, then per op type and per node A, B, ratio, delta, and the nodes in one only. */
import { useMemo, useState } from 'react';
import { diffProfiles, type ProfileDiffRow } from '../../../src-main/common/onnx/profile-diff';
import type { ProfileFile } from '../../../src-main/common/onnx/profile-types';
import { openDocument } from '../../editor/documents';
import { Section } from '../parts';
import { describeRatio, splitDiff } from './diff';
import { profileLabel } from './labels';
import { formatUs } from './table';

const NODE_ROWS = 200;

/** Labels that tell the two apart: the EPs and optimisation, or A and B when those are the same. */
export function distinctLabels(a: string, b: string): { a: string; b: string } {
  return a === b ? { a: 'A', b: 'B' } : { a, b };
}

export function DiffView({ a, b, onClose }: { a: ProfileFile; b: ProfileFile; onClose: () => void }) {
  const labels = useMemo(() => distinctLabels(profileLabel(a), profileLabel(b)), [a, b]);
  const diff = useMemo(() => diffProfiles(a.summary, b.summary, labels), [a, b, labels]);
  const parts = useMemo(() => splitDiff(diff), [diff]);
  const [allNodes, setAllNodes] = useState(false);
  const unit = diff.per === 'run' ? 'a run' : 'over the trace';
  return (
    <Section
      title="Diff"
      testid="profile-diff"
      actions={
        <button className="btn" onClick={onClose} data-testid="profile-diff-close">
          Close diff
        </button>
      }
    >
      <p className="pf-verdict" data-testid="profile-verdict">
        {diff.verdict}
      </p>
      <dl className="mv-facts-grid">
        <dt>A</dt>
        <dd>
          <button className="link-button mv-mono" onClick={() => void openDocument(a.file)}>
            {a.file}
          </button>{' '}
          <span className="muted">
            {labels.a} · {formatUs(diff.aUs)} {unit}
            {diff.per === 'run' ? ` (${diff.runsA} runs)` : ''}
          </span>
        </dd>
        <dt>B</dt>
        <dd>
          <button className="link-button mv-mono" onClick={() => void openDocument(b.file)}>
            {b.file}
          </button>{' '}
          <span className="muted">
            {labels.b} · {formatUs(diff.bUs)} {unit}
            {diff.per === 'run' ? ` (${diff.runsB} runs)` : ''}
          </span>
        </dd>
      </dl>
      <h4 className="pf-subhead">By op type</h4>
      <DiffTable rows={[...parts.ops, ...parts.opsOnlyA, ...parts.opsOnlyB]} keyLabel="Op type" testid="profile-diff-ops" />
      <h4 className="pf-subhead">By node, in both (largest change first)</h4>
      <DiffTable rows={allNodes ? parts.nodes : parts.nodes.slice(0, NODE_ROWS)} keyLabel="Node" withOp testid="profile-diff-nodes" />
      {parts.nodes.length > NODE_ROWS && !allNodes && (
        <button className="link-button" onClick={() => setAllNodes(true)}>
          Show all {parts.nodes.length} nodes
        </button>
      )}
      <div className="pf-only">
        <OnlyList title={`Only in A (${parts.onlyA.length})`} rows={parts.onlyA} side="a" testid="profile-only-a" />
        <OnlyList title={`Only in B (${parts.onlyB.length})`} rows={parts.onlyB} side="b" testid="profile-only-b" />
      </div>
    </Section>
  );
}

function DiffTable({ rows, keyLabel, withOp, testid }: { rows: readonly ProfileDiffRow[]; keyLabel: string; withOp?: boolean; testid: string }) {
  if (rows.length === 0) return <p className="muted">Nothing in common.</p>;
  return (
    <div className="pf-diff-scroll">
      <table className="mv-table pf-diff-table" data-testid={testid}>
        <thead>
          <tr>
            <th>{keyLabel}</th>
            {withOp && <th>Op</th>}
            <th className="num">A</th>
            <th className="num">B</th>
            <th className="num">B / A</th>
            <th className="num">Δ</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-key={r.key} data-only={r.only ?? undefined} className={r.deltaUs < 0 ? 'faster' : r.deltaUs > 0 ? 'slower' : undefined}>
              <td className="pf-name">
                {r.key}
                {r.only && <span className="pf-badge">only in {r.only.toUpperCase()}</span>}
              </td>
              {withOp && <td>{r.op}</td>}
              <td className="num mv-mono">{r.aUs > 0 ? formatUs(r.aUs) : '—'}</td>
              <td className="num mv-mono">{r.bUs > 0 ? formatUs(r.bUs) : '—'}</td>
              <td className="num mv-mono" title={describeRatio(r.ratio)} data-ratio={r.ratio ?? undefined}>
                {r.ratio !== null && r.bUs > 0 ? `${r.ratio.toFixed(2)}×` : '—'}
              </td>
              <td className="num mv-mono pf-delta">
                {r.deltaUs > 0 ? '+' : r.deltaUs < 0 ? '−' : ''}
                {formatUs(Math.abs(r.deltaUs))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OnlyList({ title, rows, side, testid }: { title: string; rows: readonly ProfileDiffRow[]; side: 'a' | 'b'; testid: string }) {
  return (
    <div className="pf-only-list" data-testid={testid} data-count={rows.length}>
      <h4 className="pf-subhead">{title}</h4>
      {rows.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul>
          {rows.slice(0, 100).map((n) => (
            <li key={n.key}>
              <span className="pf-name">{n.key}</span> <span className="muted">{n.op}</span> <span className="mv-mono">{formatUs(side === 'a' ? n.aUs : n.bUs)}</span>
            </li>
          ))}
          {rows.length > 100 && <li className="muted">… and {rows.length - 100} more</li>}
        </ul>
      )}
    </div>
  );
}
