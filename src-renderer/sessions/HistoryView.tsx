/**
 * The History panel: the active session's runs (editor, terminal, notebook, API) with their wall time,
 * sortable by duration; a run with a profile ("Profile cell", "Profile Selection/Cell") shows it beside
 * the list.
 */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { RunInfo } from '../../src-main/common/contract';
import { call } from '../bridge/client';
import { selectProfile, useProfiles } from '../pyprofile/store';
import { useApp } from '../state/store';
import { formatRunDuration, mergeRuns, runStatusText, sortRuns, type HistorySort, type HistorySortKey } from './history';
import { useSessions } from './sessions';
import '../pyprofile/pyprofile.css';

const ProfileView = lazy(() => import('../pyprofile/ProfileView').then((m) => ({ default: m.ProfileView })));

const EMPTY: readonly RunInfo[] = [];

export function HistoryView() {
  const sessionId = useSessions((s) => s.activeId);
  const session = useSessions((s) => s.sessions.find((x) => x.id === s.activeId));
  const live = useSessions((s) => (s.activeId ? (s.runs.get(s.activeId) ?? EMPTY) : EMPTY));
  const [fetched, setFetched] = useState<{ id: string; runs: readonly RunInfo[] } | null>(null);
  const [sort, setSort] = useState<HistorySort>({ key: 'order', descending: true });
  const profiles = useProfiles((s) => s.profiles);
  const selected = useProfiles((s) => s.selected);
  const sources = useProfiles((s) => s.sources);
  const root = useApp((s) => s.project?.root ?? null);

  // The core keeps the last 500 runs; the renderer only what it saw since it loaded.
  useEffect(() => {
    if (!sessionId) return;
    let current = true;
    void call('sessions.history', { id: sessionId }).then((r) => {
      if (current && r.ok) setFetched({ id: sessionId, runs: r.value });
    });
    return () => {
      current = false;
    };
  }, [sessionId]);

  const runs = useMemo(() => mergeRuns(fetched?.id === sessionId ? fetched.runs : EMPTY, live), [fetched, sessionId, live]);
  const sorted = useMemo(() => sortRuns(runs, sort), [runs, sort]);
  const withProfile = useMemo(() => new Set(profiles.map((p) => p.runId)), [profiles]);
  const shown = profiles.find((p) => p.runId === selected && p.sessionId === sessionId) ?? null;

  if (!session) return <div className="empty-state small">No Python session. Its runs and their times appear here.</div>;

  const header = (key: HistorySortKey, label: string, className = '') => (
    <th scope="col" className={`sortable ${className}`} aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button className="th-button" onClick={() => setSort((s) => ({ key, descending: s.key === key ? !s.descending : true }))}>
        {label}
        <span className="sort-mark" aria-hidden="true">
          {sort.key === key ? (sort.descending ? '▾' : '▴') : ''}
        </span>
      </button>
    </th>
  );

  return (
    <div className={`history-view ${shown ? 'with-profile' : ''}`} data-testid="session-history">
      <div className="history-list">
        {runs.length === 0 ? (
          <div className="empty-state small">No runs in {session.name} yet.</div>
        ) : (
          <table className="history-table" aria-label={`Runs of ${session.name}`}>
            <colgroup>
              <col style={{ width: '4.5em' }} />
              <col style={{ width: '6.5em' }} />
              <col />
              <col style={{ width: '8em' }} />
              <col style={{ width: '6.5em' }} />
              <col style={{ width: '6.5em' }} />
              <col style={{ width: '4.5em' }} />
            </colgroup>
            <thead>
              <tr>
                {header('order', '#', 'num')}
                <th scope="col">origin</th>
                <th scope="col">code</th>
                <th scope="col">status</th>
                {header('duration', 'duration', 'num')}
                {header('started', 'started')}
                <th scope="col">profile</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((r) => (
                <tr key={r.runId} className={r.runId === selected ? 'selected' : ''} data-run={r.runId}>
                  <td className="num">{r.count ?? ''}</td>
                  <td>{r.origin}</td>
                  <td className="code" title={r.summary}>
                    {r.summary}
                  </td>
                  <td className={`status-${r.status ?? r.state}`} title={r.error ? `${r.error.ename}: ${r.error.evalue}` : undefined}>
                    {runStatusText(r)}
                  </td>
                  <td className="num">{formatRunDuration(r.durationMs)}</td>
                  <td>{r.startedAt !== null ? new Date(r.startedAt).toLocaleTimeString() : ''}</td>
                  <td>
                    {withProfile.has(r.runId) && (
                      <button className="link-button" onClick={() => selectProfile(r.runId === selected ? null : r.runId)} aria-pressed={r.runId === selected}>
                        {r.runId === selected ? 'Hide' : 'Show'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {shown && (
        <div className="history-profile">
          <Suspense fallback={<div className="empty-state small">Loading…</div>}>
            <ProfileView report={shown.report} context={{ root, cwd: session.cwd, source: sources.get(shown.runId) ?? null }} />
          </Suspense>
        </div>
      )}
    </div>
  );
}
