/**
 * The session history table's data: the core's `sessions.history` (done runs, oldest first) merged with
 * the runs the renderer has seen live, and its sorting. Pure.
 */
import type { RunInfo } from '../../src-main/common/contract';

/** Every run once, the live copy winning (it is newer), in the order they were queued. */
export function mergeRuns(history: readonly RunInfo[], live: readonly RunInfo[]): RunInfo[] {
  const byId = new Map<string, RunInfo>();
  for (const r of history) byId.set(r.runId, r);
  for (const r of live) {
    const known = byId.get(r.runId);
    // A late `sessions.history` answer must not turn a done run back into a running one.
    if (!known || known.state !== 'done' || r.state === 'done') byId.set(r.runId, r);
  }
  return [...byId.values()].map((r, i) => ({ r, i })).sort((a, b) => a.r.queuedAt - b.r.queuedAt || a.i - b.i).map((x) => x.r);
}

export type HistorySortKey = 'order' | 'duration' | 'started';

export interface HistorySort {
  readonly key: HistorySortKey;
  readonly descending: boolean;
}

/**
 * A sorted copy. Runs without a duration (queued, running, aborted) go last whichever the direction,
 * so "slowest first" starts with the slowest run that finished.
 */
export function sortRuns(runs: readonly RunInfo[], sort: HistorySort): RunInfo[] {
  const indexed = runs.map((r, i) => ({ r, i }));
  const value = (x: { r: RunInfo; i: number }): number | null =>
    sort.key === 'order' ? x.i : sort.key === 'duration' ? x.r.durationMs : (x.r.startedAt ?? null);
  const sign = sort.descending ? -1 : 1;
  return indexed
    .sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va === null || vb === null) return va === vb ? a.i - b.i : va === null ? 1 : -1;
      return va === vb ? a.i - b.i : va < vb ? -sign : sign;
    })
    .map((x) => x.r);
}

/** "12 ms", "1.25 s", "2 min 5 s" ('—' when not done). */
export function formatRunDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

/** What the status column says. */
export function runStatusText(r: RunInfo): string {
  if (r.state !== 'done') return r.state;
  if (r.status === 'error' && r.error) return `${r.error.ename}`;
  return r.status ?? 'done';
}
