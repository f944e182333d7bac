/** Test helpers: node rows and summaries with just the fields a test cares about. */
import type { ProfileNodeRow, ProfileSummary, Timeline } from '../../../src-main/common/onnx/profile-types';

export function nodeRow(p: Partial<ProfileNodeRow> & { name: string }): ProfileNodeRow {
  const totalUs = p.totalUs ?? 100;
  const calls = p.calls ?? 1;
  return { op: 'Conv', ep: 'cpu', calls, totalUs, meanUs: totalUs / calls, minUs: totalUs / calls, maxUs: totalUs / calls, share: 0, inputShapes: [], outputShapes: [], ...p };
}

export function timelineOf(spans: readonly (readonly [lane: number, name: string, start: number, dur: number, op?: string])[], lanes: readonly string[] = ['thread 1']): Timeline {
  const names: string[] = [];
  const ops: string[] = [];
  const index = new Map<string, number>();
  const packed: number[] = [];
  let end = 0;
  for (const [lane, name, start, dur, op] of spans) {
    let i = index.get(name);
    if (i === undefined) {
      i = names.length;
      index.set(name, i);
      names.push(name);
      ops.push(op ?? '');
    }
    packed.push(lane, i, start, dur);
    end = Math.max(end, start + dur);
  }
  return { lanes, names, ops, spans: packed, startUs: 0, endUs: end };
}

export function summaryOf(nodes: readonly ProfileNodeRow[], runs = 1): ProfileSummary {
  const total = nodes.reduce((s, n) => s + n.totalUs, 0);
  const withShare = nodes.map((n) => ({ ...n, share: total > 0 ? n.totalUs / total : 0 }));
  const ops = new Map<string, { nodes: number; calls: number; totalUs: number }>();
  for (const n of withShare) {
    const o = ops.get(n.op) ?? { nodes: 0, calls: 0, totalUs: 0 };
    ops.set(n.op, { nodes: o.nodes + 1, calls: o.calls + n.calls, totalUs: o.totalUs + n.totalUs });
  }
  return {
    source: 'ort',
    nodes: withShare,
    ops: [...ops].map(([op, o]) => ({ op, ...o, share: total > 0 ? o.totalUs / total : 0 })),
    runs: Array.from({ length: runs }, (_, i) => ({ name: 'model_run', startUs: i * 1000, durUs: total / runs })),
    sessionSpans: [],
    totalNodeUs: total,
    totalRunUs: total,
    byEp: { cpu: nodes.length },
    timeline: timelineOf([]),
    events: nodes.length,
    skipped: 0,
  };
}
