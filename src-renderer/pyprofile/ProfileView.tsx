/**
 * A "Profile cell" report: a flame graph (icicle, DOM: hover shows the function and its time, a click
 * zooms into it, a click on a dimmed ancestor zooms back out) and the function table (sortable by
 * ncalls, tottime, cumtime; file:line opens the file in the editor when it is in the project).
 * Shown in a notebook cell's outputs and, for editor runs, in the History panel.
 */
import { useMemo, useState } from 'react';
import { openAt } from '../editor/EditorArea';
import {
  displayName,
  flameColor,
  flameDepth,
  formatSeconds,
  layoutFlame,
  nodeAtPath,
  selfTime,
  shortFile,
  sortRows,
  sourceLink,
  type CellProfileNode,
  type CellProfileReport,
  type NodePath,
  type RowSort,
  type RowSortKey,
  type SourceContext,
} from './model';
import './pyprofile.css';

const ROW_PX = 20;
const TABLE_ROWS_SHOWN = 100;

export function ProfileView({ report, context }: { report: CellProfileReport; context: SourceContext }) {
  const [view, setView] = useState<'flame' | 'table' | 'both'>('both');
  return (
    <div className="pyprofile" data-testid="pyprofile">
      <div className="pyprofile-head">
        <strong>Profile</strong>
        <span className="muted">
          {formatSeconds(report.totalS)} in the cell · {report.rowsTotal} functions
        </span>
        {report.problem && <span className="pyprofile-problem">{report.problem}</span>}
        <span className="spacer" />
        <div className="pyprofile-switch" role="group" aria-label="Show">
          {(['both', 'flame', 'table'] as const).map((v) => (
            <button key={v} className={`link-button ${view === v ? 'active' : ''}`} aria-pressed={view === v} onClick={() => setView(v)}>
              {v === 'both' ? 'Both' : v === 'flame' ? 'Flame graph' : 'Table'}
            </button>
          ))}
        </div>
      </div>
      {view !== 'table' && <FlameGraph report={report} context={context} />}
      {view !== 'flame' && <FunctionTable report={report} context={context} />}
    </div>
  );
}

function open(link: { path: string; line: number } | null): void {
  if (link) void openAt(link.path, link.line, 1);
}

function FunctionTable({ report, context }: { report: CellProfileReport; context: SourceContext }) {
  const [sort, setSort] = useState<RowSort>({ key: 'tottime', descending: true });
  const [all, setAll] = useState(false);
  const rows = useMemo(() => sortRows(report.rows, sort), [report.rows, sort]);
  const shown = all ? rows : rows.slice(0, TABLE_ROWS_SHOWN);
  const header = (key: RowSortKey, label: string, title: string) => (
    <th scope="col" className="sortable num" aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'} title={title}>
      <button className="th-button" onClick={() => setSort((s) => ({ key, descending: s.key === key ? !s.descending : key !== 'func' }))}>
        {label}
        <span className="sort-mark" aria-hidden="true">
          {sort.key === key ? (sort.descending ? '▾' : '▴') : ''}
        </span>
      </button>
    </th>
  );
  const total = report.totalS > 0 ? report.totalS : 1;
  return (
    <div className="pyprofile-table-wrap">
      <table className="pyprofile-table" data-testid="pyprofile-table" aria-label="Functions">
        <thead>
          <tr>
            {header('ncalls', 'ncalls', 'Calls (total/primitive when recursive)')}
            {header('tottime', 'tottime', 'Seconds in the function itself')}
            {header('cumtime', 'cumtime', 'Seconds in the function and what it called')}
            {header('percall', 'per call', 'cumtime per primitive call')}
            {header('func', 'function', 'Function name')}
            <th scope="col">file:line</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => {
            const link = sourceLink(r, report.cellFile, context);
            const where = r.file === '' ? 'built-in' : `${shortFile(r.file)}:${r.line}`;
            return (
              <tr key={`${r.file}:${r.line}:${r.func}:${i}`}>
                <td className="num">{r.ncalls === r.primcalls ? r.ncalls : `${r.ncalls}/${r.primcalls}`}</td>
                <td className="num">
                  <span className="pyprofile-bar" style={{ width: `${Math.min(100, (r.tottime / total) * 100)}%` }} aria-hidden="true" />
                  <span className="pyprofile-num">{formatSeconds(r.tottime)}</span>
                </td>
                <td className="num">{formatSeconds(r.cumtime)}</td>
                <td className="num">{formatSeconds(r.primcalls > 0 ? r.cumtime / r.primcalls : 0)}</td>
                <td className="pyprofile-func" title={r.func}>
                  {displayName(r.func)}
                </td>
                <td className="pyprofile-file" title={r.file === '' ? 'A built-in function' : `${r.file}:${r.line}`}>
                  {link ? (
                    <button className="link-button" onClick={() => open(link)} title={`Open ${link.path}, line ${link.line}`}>
                      {where}
                    </button>
                  ) : (
                    <span className="muted">{where}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length > shown.length && (
        <button className="link-button" onClick={() => setAll(true)}>
          Show all {rows.length} rows
        </button>
      )}
    </div>
  );
}

function describe(node: CellProfileNode, total: number): string {
  const share = total > 0 ? ` (${((node.cumtime / total) * 100).toFixed(1)}%)` : '';
  const where = node.file === '' ? (node.func === 'other' ? 'smaller callees, merged' : 'built-in') : `${node.file}:${node.line}`;
  return `${displayName(node.func)} — ${formatSeconds(node.cumtime)}${share}, self ${formatSeconds(selfTime(node))} — ${where}`;
}

function FlameGraph({ report, context }: { report: CellProfileReport; context: SourceContext }) {
  const [focus, setFocus] = useState<NodePath>([]);
  const [hover, setHover] = useState<CellProfileNode | null>(null);
  const rects = useMemo(() => layoutFlame(report.tree, focus), [report.tree, focus]);
  const depth = flameDepth(rects) + 1;
  const focused = nodeAtPath(report.tree, focus) ?? report.tree;
  const cellFile = report.cellFile;
  return (
    <div className="pyprofile-flame-wrap">
      <div className="pyprofile-flame" data-testid="pyprofile-flame" style={{ height: depth * ROW_PX }} onMouseLeave={() => setHover(null)}>
        {rects.map((r) => {
          const label = r.node.func === '<cell>' ? 'cell' : displayName(r.node.func);
          return (
            <div
              key={r.path.join('.')}
              className={`pyprofile-frame ${r.ancestor ? 'ancestor' : ''}`}
              role="button"
              tabIndex={-1}
              style={{ left: `${r.x * 100}%`, width: `${r.w * 100}%`, top: r.depth * ROW_PX, background: flameColor(r.node, cellFile) }}
              title={describe(r.node, report.totalS)}
              data-func={r.node.func}
              onMouseEnter={() => setHover(r.node)}
              onClick={(e) => {
                if (e.ctrlKey || e.metaKey) return open(sourceLink(r.node, cellFile, context));
                setFocus(r.path);
              }}
            >
              {r.w > 0.03 && <span>{label}</span>}
            </div>
          );
        })}
      </div>
      <div className="pyprofile-flame-status" aria-live="polite">
        {hover ? describe(hover, report.totalS) : focus.length > 0 ? `Zoomed into ${displayName(focused.func)}: click a dimmed bar above to zoom out.` : 'Hover for details, click to zoom, Ctrl+click opens the source.'}
        {focus.length > 0 && (
          <button className="link-button" onClick={() => setFocus([])}>
            Reset zoom
          </button>
        )}
      </div>
    </div>
  );
}
