/**
 * The diff view's arithmetic around `diffProfiles` (src-main/common/onnx/profile-diff.ts): the rows split
 * into both / only in A / only in B, ratios in words, and how many runs a summary covers. Pure.
 */
import type { ProfileDiff, ProfileDiffRow } from '../../../src-main/common/onnx/profile-diff';
import type { ProfileSummary } from '../../../src-main/common/onnx/profile-types';

/** How many runs a summary's totals cover: its model runs, else 1 (a whole trace). */
export function runsOf(s: ProfileSummary): number {
  return Math.max(1, s.runs.length);
}

/** A ratio B/A as people say it: "1.42× slower", "2.10× faster", "about the same". */
export function describeRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio) || ratio <= 0) return '—';
  if (Math.abs(ratio - 1) < 0.02) return 'about the same';
  return ratio < 1 ? `${(1 / ratio).toFixed(2)}× faster` : `${ratio.toFixed(2)}× slower`;
}

export interface DiffParts {
  /** In both, largest change first. */
  readonly ops: readonly ProfileDiffRow[];
  readonly nodes: readonly ProfileDiffRow[];
  /** In one side only, slowest first. */
  readonly onlyA: readonly ProfileDiffRow[];
  readonly onlyB: readonly ProfileDiffRow[];
  readonly opsOnlyA: readonly ProfileDiffRow[];
  readonly opsOnlyB: readonly ProfileDiffRow[];
}

export function splitDiff(diff: ProfileDiff): DiffParts {
  const both = (rows: readonly ProfileDiffRow[]) => rows.filter((r) => r.only === null);
  const only = (rows: readonly ProfileDiffRow[], side: 'a' | 'b') =>
    rows.filter((r) => r.only === side).sort((x, y) => (side === 'a' ? y.aUs - x.aUs : y.bUs - x.bUs) || x.key.localeCompare(y.key));
  return {
    ops: both(diff.ops),
    nodes: both(diff.nodes),
    onlyA: only(diff.nodes, 'a'),
    onlyB: only(diff.nodes, 'b'),
    opsOnlyA: only(diff.ops, 'a'),
    opsOnlyB: only(diff.ops, 'b'),
  };
}
