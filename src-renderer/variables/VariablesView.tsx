/**
 * The panel's Variables tab: the active session's user variables as the driver last saw them (between
 * runs, within a time budget, so it never blocks running code). Tensors and arrays show shape, dtype,
 * device, grad and their stats; a run in progress dims the table ("showing the values from before").
 */
import { useEffect, useMemo, useState } from 'react';
import type { VariableInfo } from '../../src-main/common/contract';
import { refreshVariables, useSessions } from '../sessions/sessions';
import { Icon } from '../ui/icons';
import { filterAndSort, shortType, summarize, type SortKey } from './format';

export function VariablesView() {
  const session = useSessions((s) => s.sessions.find((x) => x.id === s.activeId));
  const view = useSessions((s) => (s.activeId ? s.variables.get(s.activeId) : undefined));
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'name', descending: false });
  const vars = view?.snapshot?.vars;
  const shown = useMemo(() => filterAndSort(vars ?? [], filter, sort.key, sort.descending), [vars, filter, sort]);
  const sessionId = session?.id;
  // Shown (or switched to another session): ask for a fresh snapshot; it comes as an event.
  useEffect(() => {
    if (sessionId) void refreshVariables(sessionId);
  }, [sessionId]);

  if (!session) return <div className="empty-state small">No Python session. Variables appear here once code has run in one.</div>;

  const header = (key: SortKey, label: string) => (
    <th
      scope="col"
      aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      className="sortable"
    >
      <button className="th-button" onClick={() => setSort((s) => ({ key, descending: s.key === key ? !s.descending : false }))}>
        {label}
        <span className="sort-mark" aria-hidden="true">
          {sort.key === key ? (sort.descending ? '▾' : '▴') : ''}
        </span>
      </button>
    </th>
  );

  return (
    <div className={`variables-view ${view?.stale ? 'stale' : ''}`} data-testid="variables">
      <div className="variables-toolbar">
        <input className="text-input variables-filter" value={filter} placeholder="Filter by name or type" aria-label="Filter variables" spellCheck={false} onChange={(e) => setFilter(e.target.value)} />
        <span className="variables-note" aria-live="polite">
          {view?.stale ? 'Running… showing the values from before this run' : session.state === 'dead' ? 'The session has ended; these are its last values' : ''}
          {view?.snapshot?.truncated ? ' (not every variable is listed: too many, or too slow to read)' : ''}
        </span>
      </div>
      {!vars ? (
        <div className="empty-state small">{session.state === 'starting' ? 'The session is starting…' : 'No variables yet. Run some code in this session.'}</div>
      ) : vars.length === 0 ? (
        <div className="empty-state small">No variables defined in {session.name}.</div>
      ) : (
        <div className="variables-scroll">
          <table className="variables-table" aria-label={`Variables of ${session.name}`}>
            <thead>
              <tr>
                {header('name', 'Name')}
                {header('type', 'Type')}
                <th scope="col">Summary</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((v) => (
                <VariableRow key={v.name} v={v} />
              ))}
            </tbody>
          </table>
          {shown.length === 0 && <div className="empty-state small">No variable matches “{filter}”.</div>}
        </div>
      )}
    </div>
  );
}

function VariableRow({ v }: { v: VariableInfo }) {
  const s = summarize(v);
  return (
    <tr data-name={v.name}>
      <td className="var-name">{v.name}</td>
      <td className="var-type" title={v.type}>
        {shortType(v.type)}
      </td>
      <td className="var-summary">
        {s.main && <span>{s.main}</span>}
        {s.stats && <span className="var-stats">{s.stats}</span>}
        {s.nonFinite && <span className="var-nonfinite">{s.nonFinite}</span>}
      </td>
      <td className="var-repr" title={v.repr}>
        {v.repr}
      </td>
    </tr>
  );
}

export function VariablesActions() {
  const activeId = useSessions((s) => s.activeId);
  if (!activeId) return null;
  return (
    <button className="icon-button" title="Refresh variables" aria-label="Refresh variables" onClick={() => void refreshVariables(activeId)}>
      <Icon name="refresh" size={16} />
    </button>
  );
}
