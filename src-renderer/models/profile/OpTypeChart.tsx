/** Time by op type: one horizontal bar per op type (plain DOM, so it is themed, selectable text, and cheap). */
import type { ProfileOpRow } from '../../../src-main/common/onnx/profile-types';
import { formatShare, formatUs } from './table';
import { hueOf } from './timeline';

export function OpTypeChart({ ops, perRun, onPick }: { ops: readonly ProfileOpRow[]; perRun: number; onPick?: (op: string) => void }) {
  if (ops.length === 0) return <p className="pf-empty muted">The profile has no op spans.</p>;
  const sorted = [...ops].sort((a, b) => b.totalUs - a.totalUs);
  const max = sorted[0]!.totalUs || 1;
  return (
    <div className="pf-chart" role="list" aria-label="Time by op type" data-testid="profile-op-chart">
      {sorted.map((o) => (
        <div key={o.op} className="pf-chart-row" role="listitem" data-op={o.op}>
          <button className="pf-chart-label link-button" title={`Show the ${o.op} nodes in the table`} onClick={() => onPick?.(o.op)} disabled={!onPick}>
            {o.op || '(none)'}
          </button>
          <span className="pf-chart-track" aria-hidden="true">
            <span className="pf-chart-fill" style={{ width: `${(o.totalUs / max) * 100}%`, background: `hsl(${hueOf(o.op)} 55% 55%)` }} />
          </span>
          <span className="pf-chart-value mv-mono">
            {formatUs(o.totalUs / Math.max(1, perRun))}
            <span className="muted"> a run · {formatShare(o.share)}</span>
          </span>
          <span className="pf-chart-meta muted">
            {o.nodes} node{o.nodes === 1 ? '' : 's'}, {o.calls} call{o.calls === 1 ? '' : 's'}
          </span>
        </div>
      ))}
    </div>
  );
}
