/**
 * The diff of two profiles (two EPs, fp32 vs int8, before vs after an edit): per node (matched by name)
 * and per op type, time in A and in B, ratio B/A and delta, the nodes and op types present in one only,
 * and a verdict line in plain words.
 *
 * Times are per run when both profiles have runs (ORT's model_run spans, torch's ProfilerStep#N): each
 * side's totals divided by its own number of runs, so a 10-run profile compares with a 50-run one. When
 * either has none (a legacy torch or generic trace), they are the totals of each whole trace (`per: 'trace'`).
 * Pure: no node:*, no electron.
 */
import type { ProfileSummary } from './profile-types';

export interface ProfileDiffRow {
  /** Node name (node rows) or op type (op rows). */
  readonly key: string;
  /** The op type (for op rows, the key again). */
  readonly op: string;
  /** µs per run (or per trace, see ProfileDiff.per) in A and in B; 0 on the side that lacks it. */
  readonly aUs: number;
  readonly bUs: number;
  /** bUs / aUs; null when A has none of it. */
  readonly ratio: number | null;
  /** bUs - aUs. */
  readonly deltaUs: number;
  /** Share of its side's node total (0..1). */
  readonly aShare: number;
  readonly bShare: number;
  /** 'a' / 'b' when present in that profile only; null when in both. */
  readonly only: 'a' | 'b' | null;
  /** Node count (op rows: nodes of this op type; node rows: 1) in A and in B. */
  readonly aNodes: number;
  readonly bNodes: number;
}

export interface ProfileDiff {
  readonly labels: { readonly a: string; readonly b: string };
  /** 'run': times are per run (totals / runs on each side); 'trace': totals of each whole trace. */
  readonly per: 'run' | 'trace';
  readonly runsA: number;
  readonly runsB: number;
  /**
   * The headline times, per run (or per trace): the model_run spans' mean where both sides have runs
   * with durations (wall time, overhead included), else the sum of node times.
   */
  readonly aUs: number;
  readonly bUs: number;
  /** bUs / aUs (0 when aUs is 0). */
  readonly ratio: number;
  /** Sum of node times per run (or per trace) on each side. */
  readonly aNodeUs: number;
  readonly bNodeUs: number;
  /** Sorted by |deltaUs|, largest first. */
  readonly nodes: readonly ProfileDiffRow[];
  readonly ops: readonly ProfileDiffRow[];
  readonly onlyInA: readonly string[];
  readonly onlyInB: readonly string[];
  readonly verdict: string;
}

interface Side {
  us: number;
  share: number;
  nodes: number;
  op: string;
}

/** Compare profile B against profile A; `labels` name the sides in the verdict ('A', 'B' by default). */
export function diffProfiles(a: ProfileSummary, b: ProfileSummary, labels: { a: string; b: string } = { a: 'A', b: 'B' }): ProfileDiff {
  const per: 'run' | 'trace' = a.runs.length > 0 && b.runs.length > 0 ? 'run' : 'trace';
  const divA = per === 'run' ? a.runs.length : 1;
  const divB = per === 'run' ? b.runs.length : 1;
  const aNodeUs = a.totalNodeUs / divA;
  const bNodeUs = b.totalNodeUs / divB;
  const useRuns = per === 'run' && a.totalRunUs > 0 && b.totalRunUs > 0;
  const aUs = useRuns ? a.totalRunUs / divA : aNodeUs;
  const bUs = useRuns ? b.totalRunUs / divB : bNodeUs;

  const sideMap = (rows: readonly { name?: string; op: string; totalUs: number; share: number; nodes?: number }[], div: number, key: (r: { name?: string; op: string }) => string) => {
    const m = new Map<string, Side>();
    for (const r of rows) m.set(key(r), { us: r.totalUs / div, share: r.share, nodes: r.nodes ?? 1, op: r.op });
    return m;
  };
  const nodes = rowsOf(sideMap(a.nodes, divA, (r) => r.name ?? ''), sideMap(b.nodes, divB, (r) => r.name ?? ''));
  const ops = rowsOf(sideMap(a.ops, divA, (r) => r.op), sideMap(b.ops, divB, (r) => r.op));
  const onlyInA = nodes.filter((r) => r.only === 'a').map((r) => r.key);
  const onlyInB = nodes.filter((r) => r.only === 'b').map((r) => r.key);
  const ratio = aUs > 0 ? bUs / aUs : 0;

  return {
    labels,
    per,
    runsA: a.runs.length,
    runsB: b.runs.length,
    aUs,
    bUs,
    ratio,
    aNodeUs,
    bNodeUs,
    nodes,
    ops,
    onlyInA,
    onlyInB,
    verdict: verdictOf(labels, per, aUs, bUs, ops),
  };
}

function rowsOf(a: Map<string, Side>, b: Map<string, Side>): ProfileDiffRow[] {
  const rows: ProfileDiffRow[] = [];
  for (const [key, x] of a) {
    const y = b.get(key);
    rows.push({
      key,
      op: y?.op || x.op,
      aUs: x.us,
      bUs: y?.us ?? 0,
      ratio: x.us > 0 ? (y?.us ?? 0) / x.us : null,
      deltaUs: (y?.us ?? 0) - x.us,
      aShare: x.share,
      bShare: y?.share ?? 0,
      only: y ? null : 'a',
      aNodes: x.nodes,
      bNodes: y?.nodes ?? 0,
    });
  }
  for (const [key, y] of b) {
    if (a.has(key)) continue;
    rows.push({ key, op: y.op, aUs: 0, bUs: y.us, ratio: null, deltaUs: y.us, aShare: 0, bShare: y.share, only: 'b', aNodes: 0, bNodes: y.nodes });
  }
  return rows.sort((x, y) => Math.abs(y.deltaUs) - Math.abs(x.deltaUs));
}

/**
 * "int8 is 1.40× faster per run than fp32 (1.20 ms vs 1.68 ms); int8's 12 QuantizeLinear/DequantizeLinear
 * nodes (only in int8) take 9% of its node time; most changed: Conv −0.52 ms (0.61×), Gemm −0.03 ms (0.80×)."
 */
function verdictOf(labels: { a: string; b: string }, per: 'run' | 'trace', aUs: number, bUs: number, ops: readonly ProfileDiffRow[]): string {
  const unit = per === 'run' ? 'per run' : 'over the whole trace';
  const parts: string[] = [];
  if (aUs <= 0 || bUs <= 0) {
    parts.push(`${labels.b} takes ${fmtUs(bUs)} ${unit}, ${labels.a} ${fmtUs(aUs)}`);
  } else if (Math.abs(bUs / aUs - 1) < 0.02) {
    parts.push(`${labels.b} and ${labels.a} take the same time ${unit} (${fmtUs(bUs)} vs ${fmtUs(aUs)})`);
  } else if (bUs < aUs) {
    parts.push(`${labels.b} is ${fmtRatio(aUs / bUs)} faster ${unit} than ${labels.a} (${fmtUs(bUs)} vs ${fmtUs(aUs)})`);
  } else {
    parts.push(`${labels.b} is ${fmtRatio(bUs / aUs)} slower ${unit} than ${labels.a} (${fmtUs(bUs)} vs ${fmtUs(aUs)})`);
  }
  for (const side of ['b', 'a'] as const) {
    const only = ops.filter((o) => o.only === side);
    if (only.length === 0) continue;
    const count = only.reduce((s, o) => s + (side === 'a' ? o.aNodes : o.bNodes), 0);
    const share = only.reduce((s, o) => s + (side === 'a' ? o.aShare : o.bShare), 0);
    const names = only
      .slice()
      .sort((x, y) => x.key.localeCompare(y.key))
      .map((o) => o.key)
      .join('/');
    parts.push(`${labels[side]}'s ${count} ${names} ${count === 1 ? 'node' : 'nodes'} (only in ${labels[side]}) ${count === 1 ? 'takes' : 'take'} ${fmtShare(share)} of its node time`);
  }
  const changed = ops.filter((o) => o.only === null && o.deltaUs !== 0).slice(0, 3);
  if (changed.length > 0) {
    parts.push(`most changed: ${changed.map((o) => `${o.key} ${o.deltaUs > 0 ? '+' : '−'}${fmtUs(Math.abs(o.deltaUs))}${o.ratio !== null ? ` (${fmtRatio(o.ratio)})` : ''}`).join(', ')}`);
  }
  return parts.join('; ') + '.';
}

function fmtUs(us: number): string {
  if (us >= 1_000_000) return `${(us / 1_000_000).toFixed(2)} s`;
  if (us >= 1000) return `${(us / 1000).toFixed(2)} ms`;
  return `${us >= 100 ? Math.round(us) : us.toFixed(1)} µs`;
}

function fmtRatio(r: number): string {
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
}

function fmtShare(s: number): string {
  const p = s * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}
