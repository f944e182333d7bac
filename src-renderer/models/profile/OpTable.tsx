/**
 * The op table: one row per profiled node, sortable (click a header), filterable ("conv", "op:Conv ep:cpu"),
 * share drawn as a bar, CPU fallbacks marked when another EP was asked for. Rows are virtualised past a few
 * hundred. ↑/↓ move the selection, which the graph follows.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ProfileNodeRow } from '../../../src-main/common/onnx/profile-types';
import { DEFAULT_SORT, filterRows, formatShare, formatUs, isFallback, nextSort, sortRows, totals, type SortKey, type SortState } from './table';

const COLUMNS: readonly { key: SortKey; label: string; numeric: boolean; title: string }[] = [
  { key: 'name', label: 'Node', numeric: false, title: 'Node name' },
  { key: 'op', label: 'Op', numeric: false, title: 'Op type' },
  { key: 'ep', label: 'EP', numeric: false, title: 'Execution provider that ran it' },
  { key: 'calls', label: 'Calls', numeric: true, title: 'Times it ran, over every profiled run' },
  { key: 'totalUs', label: 'Total', numeric: true, title: 'Total time over every call' },
  { key: 'meanUs', label: 'Mean', numeric: true, title: 'Mean time per call' },
  { key: 'minUs', label: 'Min', numeric: true, title: 'Fastest call' },
  { key: 'maxUs', label: 'Max', numeric: true, title: 'Slowest call' },
  { key: 'share', label: 'Share', numeric: true, title: "Share of all nodes' time" },
];

const ROW_H = 26;
/** Below this many rows the table renders them all (cheap, and simple for find-in-page and tests). */
const VIRTUAL_FROM = 300;

export function OpTable(props: {
  rows: readonly ProfileNodeRow[];
  requestedEps: readonly string[];
  selected: string | null;
  onSelect: (name: string | null) => void;
  initialFilter?: string;
}) {
  const { rows, requestedEps, selected, onSelect } = props;
  const [sort, setSort] = useState<SortState | null>(DEFAULT_SORT);
  const [filter, setFilter] = useState(props.initialFilter ?? '');
  const shown = useMemo(() => sortRows(filterRows(rows, filter), sort), [rows, filter, sort]);
  const sum = useMemo(() => totals(shown, requestedEps), [shown, requestedEps]);
  const maxShare = useMemo(() => shown.reduce((m, r) => Math.max(m, r.share), 0), [shown]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = shown.length > VIRTUAL_FROM;
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_H, overscan: 16, enabled: virtual });

  // The selection changed elsewhere (the graph): bring its row into view.
  const selectedIndex = useMemo(() => (selected === null ? -1 : shown.findIndex((r) => r.name === selected)), [shown, selected]);
  useEffect(() => {
    if (selectedIndex < 0) return;
    if (virtual) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
    else scroller.current?.querySelector<HTMLElement>(`tr[data-index="${selectedIndex}"]`)?.scrollIntoView?.({ block: 'nearest' });
    // virtualizer is stable for the component's life.
  }, [selectedIndex, virtual]);

  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 }[e.key];
    if (step !== undefined && shown.length > 0) {
      e.preventDefault();
      const next = Math.max(0, Math.min(shown.length - 1, (selectedIndex < 0 ? -1 : selectedIndex) + step));
      onSelect(shown[next]!.name);
      requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`tr[data-index="${next}"]`)?.focus());
    } else if (e.key === 'Escape') onSelect(null);
  };

  const items = virtual ? virtualizer.getVirtualItems() : null;
  const indices = items ? items.map((v) => v.index) : shown.map((_, i) => i);
  const padTop = items && items.length > 0 ? items[0]!.start : 0;
  const padBottom = items && items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;
  const focusIndex = selectedIndex >= 0 ? selectedIndex : 0;

  return (
    <div className="pf-table-wrap">
      <div className="pf-table-tools">
        <input
          type="search"
          className="text-input pf-filter"
          placeholder="Filter: name, op:Conv, ep:cpu"
          aria-label="Filter the nodes by name, op type (op:Conv) or EP (ep:cpu)"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          data-testid="profile-filter"
        />
        <span className="muted pf-count" aria-live="polite">
          {shown.length === rows.length ? `${rows.length} nodes` : `${shown.length} of ${rows.length} nodes`} · {formatUs(sum.totalUs)} · {formatShare(sum.share)}
          {sum.fallbacks > 0 && <span className="pf-fallback-note"> · {sum.fallbacks} on CPU (fallback)</span>}
        </span>
        {sort && (
          <button className="link-button" onClick={() => setSort(null)} title="Back to the order the nodes ran in">
            Run order
          </button>
        )}
      </div>
      <div className="pf-table-scroll" ref={scroller}>
        <table className="mv-table pf-table" data-testid="profile-table" data-sort={sort ? `${sort.key}:${sort.dir}` : 'order'} data-rows={shown.length} aria-rowcount={shown.length + 1}>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                  data-sort={c.key}
                  data-sorted={sort?.key === c.key ? sort.dir : undefined}
                >
                  <button className="pf-sort" title={`${c.title}: sort`} onClick={() => setSort((s) => nextSort(s, c.key))}>
                    {c.label}
                    <span className="pf-sort-mark" aria-hidden="true">
                      {sort?.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody onKeyDown={onKeyDown}>
            {padTop > 0 && (
              <tr aria-hidden="true" style={{ height: padTop }}>
                <td colSpan={COLUMNS.length} />
              </tr>
            )}
            {indices.map((i) => {
              const r = shown[i]!;
              const fallback = isFallback(r, requestedEps);
              const isSelected = r.name === selected;
              return (
                <tr
                  key={r.name}
                  data-index={i}
                  data-node={r.name}
                  data-op={r.op}
                  className={`pf-row${isSelected ? ' selected' : ''}${fallback ? ' fallback' : ''}`}
                  aria-selected={isSelected}
                  aria-rowindex={i + 2}
                  tabIndex={i === focusIndex ? 0 : -1}
                  style={{ height: ROW_H }}
                  onClick={() => onSelect(isSelected ? null : r.name)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      onSelect(r.name);
                    }
                  }}
                >
                  <td className="pf-name" title={`${r.name}${r.inputShapes.length ? `\nin: ${r.inputShapes.join(', ')}` : ''}${r.outputShapes.length ? `\nout: ${r.outputShapes.join(', ')}` : ''}`}>
                    {r.name || <span className="muted">(unnamed)</span>}
                  </td>
                  <td>{r.op}</td>
                  <td>
                    {r.ep || '—'}
                    {fallback && (
                      <span className="pf-badge" title="A non-CPU EP was requested, but this node ran on CPU">
                        fallback
                      </span>
                    )}
                  </td>
                  <td className="num mv-mono">{r.calls}</td>
                  <td className="num mv-mono" data-col="total">
                    {formatUs(r.totalUs)}
                  </td>
                  <td className="num mv-mono">{formatUs(r.meanUs)}</td>
                  <td className="num mv-mono">{formatUs(r.minUs)}</td>
                  <td className="num mv-mono">{formatUs(r.maxUs)}</td>
                  <td className="pf-share">
                    <span className="pf-bar" aria-hidden="true">
                      <span style={{ width: `${maxShare > 0 ? (r.share / maxShare) * 100 : 0}%` }} />
                    </span>
                    <span className="mv-mono">{formatShare(r.share)}</span>
                  </td>
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true" style={{ height: padBottom }}>
                <td colSpan={COLUMNS.length} />
              </tr>
            )}
          </tbody>
        </table>
        {shown.length === 0 && <p className="pf-empty muted">{rows.length === 0 ? 'The profile has no node spans.' : 'No node matches the filter.'}</p>}
      </div>
    </div>
  );
}
