import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../src-main/common/contract';
import { formatRunDuration, mergeRuns, runStatusText, sortRuns } from './history';

function run(runId: string, queuedAt: number, o: Partial<RunInfo> = {}): RunInfo {
  return {
    sessionId: 's1',
    runId,
    state: 'done',
    status: 'ok',
    count: null,
    durationMs: null,
    summary: `code ${runId}`,
    origin: 'api',
    queuedAt,
    startedAt: queuedAt + 1,
    error: null,
    ...o,
  };
}

describe('session history', () => {
  it('merges the core’s history with live runs, once each, in queue order, a done run never going back', () => {
    const history = [run('a', 1, { durationMs: 5 }), run('b', 2, { durationMs: 7 })];
    const live = [run('b', 2, { state: 'running', status: null }), run('c', 3, { state: 'running', status: null }), run('a', 1, { durationMs: 5 })];
    const merged = mergeRuns(history, live);
    expect(merged.map((r) => r.runId)).toEqual(['a', 'b', 'c']);
    expect(merged[1]!.state).toBe('done');
    expect(merged[2]!.state).toBe('running');
    // A live run that finished replaces the history's copy.
    const finished = mergeRuns([run('c', 3, { state: 'running', status: null })], [run('c', 3, { durationMs: 9 })]);
    expect(finished[0]!.durationMs).toBe(9);
  });

  it('sorts by duration both ways, runs without one last', () => {
    const runs = [run('a', 1, { durationMs: 30 }), run('q', 2, { state: 'queued', status: null, startedAt: null }), run('b', 3, { durationMs: 500 }), run('c', 4, { durationMs: 2 })];
    expect(sortRuns(runs, { key: 'duration', descending: true }).map((r) => r.runId)).toEqual(['b', 'a', 'c', 'q']);
    expect(sortRuns(runs, { key: 'duration', descending: false }).map((r) => r.runId)).toEqual(['c', 'a', 'b', 'q']);
    expect(sortRuns(runs, { key: 'order', descending: true }).map((r) => r.runId)).toEqual(['c', 'b', 'q', 'a']);
    expect(sortRuns(runs, { key: 'started', descending: false }).map((r) => r.runId)).toEqual(['a', 'b', 'c', 'q']);
    // Equal durations keep the run order.
    const tie = [run('x', 1, { durationMs: 4 }), run('y', 2, { durationMs: 4 })];
    expect(sortRuns(tie, { key: 'duration', descending: true }).map((r) => r.runId)).toEqual(['x', 'y']);
  });

  it('formats durations and statuses for a person', () => {
    expect(formatRunDuration(null)).toBe('—');
    expect(formatRunDuration(0.42)).toBe('0.42 ms');
    expect(formatRunDuration(12.4)).toBe('12 ms');
    expect(formatRunDuration(1250)).toBe('1.25 s');
    expect(formatRunDuration(125_000)).toBe('2 min 5 s');
    expect(runStatusText(run('e', 1, { status: 'error', error: { ename: 'ValueError', evalue: 'bad' } }))).toBe('ValueError');
    expect(runStatusText(run('r', 1, { state: 'running', status: null }))).toBe('running');
    expect(runStatusText(run('k', 1))).toBe('ok');
  });
});
