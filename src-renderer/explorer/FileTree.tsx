/**
 * The explorer's file tree: lazy (a folder lists on expand), virtualised (only visible rows are in the
 * DOM, so a 100k-entry folder scrolls smoothly), and driven by keys like VS Code's.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { openDocument } from '../editor/documents';
import { currentEditor } from '../editor/EditorArea';
import { getApp, setApp, useApp } from '../state/store';
import { ContextMenu, type MenuItem } from '../ui/ContextMenu';
import { setExpanded } from '../workbench/project';
import { deleteSelected, newEntry, renameSelected } from './explorer-actions';
import { parentOf, visibleRows, type TreeRow } from './tree-model';
import { FileIcon } from '../ui/icons';
import { focusNotebook, isNotebookTab } from '../notebook/notebook-tabs';

const ROW_HEIGHT = 22;

export function FileTree() {
  const listings = useApp((s) => s.listings);
  const expanded = useApp((s) => s.expanded);
  const selected = useApp((s) => s.selected);
  const active = useApp((s) => s.active);
  const rows = useMemo(() => visibleRows(listings, expanded), [listings, expanded]);
  const scroller = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const root = listings.get('');

  const activate = (row: TreeRow, focusEditor: boolean) => {
    setApp({ selected: row.entry.path });
    if (row.entry.kind === 'directory') setExpanded(row.entry.path, !row.expanded);
    else
      void openDocument(row.entry.path, { activate: true }).then(() => {
        // Enter moves on to the editor; a click stays in the explorer.
        if (focusEditor && isNotebookTab(row.entry.path)) focusNotebook(row.entry.path);
        else if (focusEditor) currentEditor()?.focus();
      });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const index = rows.findIndex((r) => r.entry.path === selected);
    const row = rows[index];
    const select = (i: number) => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (!target) return;
      setApp({ selected: target.entry.path });
      virtualizer.scrollToIndex(Math.max(0, Math.min(rows.length - 1, i)), { align: 'auto' });
    };
    switch (e.key) {
      case 'ArrowDown':
        select(index + 1);
        break;
      case 'ArrowUp':
        select(index < 0 ? 0 : index - 1);
        break;
      case 'Home':
        select(0);
        break;
      case 'End':
        select(rows.length - 1);
        break;
      case 'PageDown':
        select(index + 20);
        break;
      case 'PageUp':
        select(index - 20);
        break;
      case 'ArrowRight':
        if (row?.entry.kind === 'directory') {
          if (!row.expanded) setExpanded(row.entry.path, true);
          else select(index + 1);
        }
        break;
      case 'ArrowLeft':
        if (row?.entry.kind === 'directory' && row.expanded) setExpanded(row.entry.path, false);
        else if (row) {
          const parent = parentOf(row.entry.path);
          const p = rows.findIndex((r) => r.entry.path === parent);
          if (p >= 0) select(p);
        }
        break;
      case 'Enter':
      case ' ':
        if (row) activate(row, e.key === 'Enter');
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  const onContextMenu = (e: MouseEvent, row: TreeRow | null) => {
    e.preventDefault();
    setApp({ selected: row?.entry.path ?? null });
    setMenu({ x: e.clientX, y: e.clientY });
  };

  const menuItems: MenuItem[] = [
    { label: 'New File…', run: () => void newEntry('file') },
    { label: 'New Folder…', run: () => void newEntry('directory') },
    ...(selected
      ? [
          { separator: true as const },
          { label: 'Rename…', keyHint: 'F2', run: () => void renameSelected() },
          { label: 'Delete…', keyHint: 'Delete', run: () => void deleteSelected(), danger: true },
          { separator: true as const },
          { label: 'Copy Relative Path', run: () => void navigator.clipboard?.writeText(selected) },
        ]
      : []),
  ];

  if (!root) {
    return (
      <div className="empty-state small" role="status">
        Loading…
      </div>
    );
  }

  return (
    <div
      className="file-tree"
      ref={scroller}
      role="tree"
      aria-label="Files"
      tabIndex={0}
      data-testid="file-tree"
      onKeyDown={onKeyDown}
      onContextMenu={(e) => onContextMenu(e, null)}
      onFocus={(e) => {
        if (e.target === e.currentTarget && !getApp().selected && rows[0]) setApp({ selected: rows[0].entry.path });
      }}
    >
      {rows.length === 0 && (
        <div className="empty-state small">
          This folder is empty{root.excluded > 0 ? ` (${root.excluded} hidden by files.exclude)` : ''}.
          <button className="link-button" onClick={() => void newEntry('file')}>
            Create a file
          </button>
        </div>
      )}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          const { entry } = row;
          const isDir = entry.kind === 'directory';
          return (
            <div
              key={entry.path}
              role="treeitem"
              aria-level={row.depth + 1}
              aria-expanded={isDir ? row.expanded : undefined}
              aria-selected={entry.path === selected}
              data-path={entry.path}
              className={`tree-row ${entry.path === selected ? 'selected' : ''} ${entry.path === active ? 'open' : ''}`}
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT, paddingLeft: 8 + row.depth * 14 }}
              onClick={() => activate(row, false)}
              onDoubleClick={() => !isDir && void openDocument(entry.path)}
              onContextMenu={(e) => {
                e.stopPropagation();
                onContextMenu(e, row);
              }}
              title={entry.symlink ? `${entry.path} (symbolic link)` : entry.path}
            >
              <span className={`twistie ${isDir ? (row.expanded ? 'open' : 'closed') : ''}`} aria-hidden="true" />
              <FileIcon name={entry.name} directory={isDir} open={row.expanded} />
              <span className="tree-label">{entry.name}</span>
              {entry.symlink && <span className="tree-badge">↪</span>}
              {row.loading && <span className="tree-badge spinner" aria-label="loading" />}
            </div>
          );
        })}
      </div>
      {menu && <ContextMenu x={menu.x} y={menu.y} items={menuItems} onClose={() => setMenu(null)} />}
    </div>
  );
}
