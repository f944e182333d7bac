/**
 * Quick open (Ctrl+P, fuzzy file search done in the core) and the command palette (Ctrl+Shift+P, fuzzy
 * over every registered command, with its key). Typing ">" in quick open switches to commands.
 * Features also show their own lists in it (`showItemsPick`: the interpreter picker).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { create } from 'zustand';
import type { FileMatch } from '../../src-main/common/contract';
import { fuzzyFilter } from '../../src-main/common/fuzzy';
import { call } from '../bridge/client';
import { commands } from '../commands/instance';
import { formatChord } from '../commands/keys';
import { openDocument } from '../editor/documents';
import { FileIcon } from '../ui/icons';

type Mode = 'files' | 'commands' | 'items';

/** An entry of a feature's own list. */
export interface PickItem {
  readonly id: string;
  readonly label: string;
  /** Muted, after the label ("3.11.2"). */
  readonly description?: string;
  /** Second line, muted (a path). */
  readonly detail?: string;
  readonly badges?: readonly string[];
  /** Why it can't be picked; shown instead of being selectable. */
  readonly problem?: string | null;
  /** Marked as the current choice. */
  readonly current?: boolean;
  run(): void;
}

export interface ItemsSource {
  readonly label: string;
  readonly placeholder: string;
  /** A hook giving the items now (it may re-render as they load). */
  readonly useItems: () => { readonly items: readonly PickItem[]; readonly loading: boolean };
}

let nextPickId = 1;

const useQuickPick = create<{ mode: Mode | null; initial: string; source: ItemsSource | null; key: number }>(() => ({ mode: null, initial: '', source: null, key: 0 }));

export function showQuickPick(mode: Exclude<Mode, 'items'>): void {
  useQuickPick.setState({ mode, initial: mode === 'commands' ? '>' : '', source: null });
}

export function showItemsPick(source: ItemsSource): void {
  useQuickPick.setState({ mode: 'items', initial: '', source, key: nextPickId++ });
}

export function hideQuickPick(): void {
  useQuickPick.setState({ mode: null });
}

interface Item {
  readonly id: string;
  readonly label: string;
  readonly labelPositions: readonly number[];
  readonly detail: string;
  readonly detailPositions: readonly number[];
  readonly hint: string;
  readonly icon?: string;
  run(): void;
}

function Highlighted({ text, positions }: { text: string; positions: readonly number[] }) {
  if (positions.length === 0) return <>{text}</>;
  const set = new Set(positions);
  return (
    <>
      {[...text].map((ch, i) =>
        set.has(i) ? (
          <mark key={i} className="match">
            {ch}
          </mark>
        ) : (
          ch
        ),
      )}
    </>
  );
}

function fileItem(match: FileMatch): Item {
  const slash = match.path.lastIndexOf('/');
  const name = match.path.slice(slash + 1);
  const dir = slash < 0 ? '' : match.path.slice(0, slash);
  return {
    id: match.path,
    label: name,
    labelPositions: match.positions.filter((p) => p > slash).map((p) => p - slash - 1),
    detail: dir,
    detailPositions: match.positions.filter((p) => p < slash),
    hint: '',
    icon: name,
    run: () => void openDocument(match.path),
  };
}

function commandItems(query: string): Item[] {
  const available = commands.all().filter((c) => !c.hidden && (c.when?.() ?? true));
  const label = (c: (typeof available)[number]) => (c.category ? `${c.category}: ${c.title}` : c.title);
  return fuzzyFilter(query, available, label, 200).map(({ item, positions }) => ({
    id: item.id,
    label: label(item),
    labelPositions: positions,
    detail: '',
    detailPositions: [],
    hint: commands.keysFor(item.id).map(formatChord).join('  '),
    run: () => void commands.run(item.id),
  }));
}

export function QuickPick() {
  const mode = useQuickPick((s) => s.mode);
  const initial = useQuickPick((s) => s.initial);
  const source = useQuickPick((s) => s.source);
  const key = useQuickPick((s) => s.key);
  if (!mode) return null;
  if (mode === 'items' && source) return <ItemsPickOpen key={key} source={source} />;
  return <QuickPickOpen key={mode + initial} initial={initial} />;
}

/** A feature's list: fuzzy-filtered by label and detail; items with a problem are shown but skipped. */
function ItemsPickOpen({ source }: { source: ItemsSource }) {
  const { items, loading } = source.useItems();
  const [value, setValue] = useState('');
  // The highlight starts on the current choice, then follows the keys.
  const [index, setIndex] = useState<number | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const shown = useMemo(
    () => (value.trim() ? fuzzyFilter(value.trim(), items, (i) => `${i.label} ${i.description ?? ''} ${i.detail ?? ''}`, 200).map((r) => r.item) : [...items]),
    [items, value],
  );
  const pickable = (i: number) => shown[i] !== undefined && !shown[i]!.problem;
  const step = (from: number, delta: number) => {
    for (let i = from + delta; i >= 0 && i < shown.length; i += delta) if (pickable(i)) return i;
    return from;
  };
  // Keep the highlight on something pickable as the list changes.
  const initial = value.trim() ? -1 : shown.findIndex((i) => i.current);
  const wanted = index ?? (initial >= 0 ? initial : 0);
  const current = pickable(wanted) ? wanted : step(-1, 1);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);
  useEffect(() => {
    setIndex(null);
  }, [value]);
  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const accept = (item: PickItem | undefined) => {
    if (!item || item.problem) return;
    hideQuickPick();
    item.run();
  };

  return (
    <div className="quick-pick-backdrop" onMouseDown={hideQuickPick}>
      <div className="quick-pick" role="dialog" aria-label={source.label} onMouseDown={(e) => e.stopPropagation()}>
        <input
          ref={inputRef}
          className="quick-pick-input"
          value={value}
          spellCheck={false}
          placeholder={source.placeholder}
          aria-controls="quick-pick-list"
          aria-activedescendant={shown[current] ? `qp-${current}` : undefined}
          role="combobox"
          aria-expanded="true"
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setIndex(step(current, 1));
            else if (e.key === 'ArrowUp') setIndex(step(current, -1));
            else if (e.key === 'Enter') accept(shown[current]);
            else if (e.key === 'Escape') hideQuickPick();
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        {loading && <div className="quick-pick-progress" role="progressbar" aria-label="Loading" />}
        <div className="quick-pick-list" id="quick-pick-list" role="listbox" ref={listRef}>
          {shown.map((item, i) => (
            <div
              key={item.id}
              id={`qp-${i}`}
              role="option"
              aria-selected={i === current}
              aria-disabled={item.problem ? true : undefined}
              className={`quick-pick-item two-line ${i === current ? 'selected' : ''} ${item.problem ? 'disabled' : ''}`}
              onMouseMove={() => pickable(i) && setIndex(i)}
              onClick={() => accept(item)}
            >
              <div className="qp-line">
                <span className="qp-label">{item.label}</span>
                {item.description && <span className="qp-description">{item.description}</span>}
                {item.badges?.map((b) => (
                  <span key={b} className="qp-badge">
                    {b}
                  </span>
                ))}
                {item.current && <span className="qp-current">current</span>}
              </div>
              {item.detail && <div className="qp-detail">{item.detail}</div>}
              {item.problem && <div className="qp-problem">{item.problem}</div>}
            </div>
          ))}
          {shown.length === 0 && !loading && <div className="quick-pick-empty">Nothing matches</div>}
        </div>
      </div>
    </div>
  );
}

function QuickPickOpen({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial);
  const [files, setFiles] = useState<{ query: string; items: Item[]; total: number; truncated: boolean } | null>(null);
  /** Enter was pressed before the results for what was typed arrived: take the first when they do. */
  const acceptWhenReady = useRef(false);
  /** The newest results, ahead of the render that shows them (a key press can come in between). */
  const latest = useRef<typeof files>(null);
  const [indexing, setIndexing] = useState(false);
  const [index, setIndex] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const commandMode = value.startsWith('>');
  const query = commandMode ? value.slice(1).trim() : value.trim();

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  useEffect(() => {
    if (commandMode) return;
    let stale = false;
    const slow = setTimeout(() => setIndexing(true), 300);
    const timer = setTimeout(async () => {
      const r = await call('workspace.findFiles', { query, limit: 50 });
      clearTimeout(slow);
      if (stale) return;
      setIndexing(false);
      const next = r.ok ? { query, items: r.value.matches.map(fileItem), total: r.value.total, truncated: r.value.truncated } : { query, items: [], total: 0, truncated: false };
      latest.current = next;
      if (acceptWhenReady.current) {
        acceptWhenReady.current = false;
        accept(next.items[0]);
        return;
      }
      setFiles(next);
      setIndex(0);
    }, 25);
    return () => {
      stale = true;
      clearTimeout(timer);
      clearTimeout(slow);
    };
  }, [query, commandMode]);

  const items = useMemo(() => (commandMode ? commandItems(query) : (files?.items ?? [])), [commandMode, query, files]);

  useEffect(() => {
    setIndex(0);
  }, [commandMode, query]);
  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [index]);

  const accept = (item: Item | undefined) => {
    if (!item) return;
    hideQuickPick();
    item.run();
  };

  return (
    <div className="quick-pick-backdrop" onMouseDown={hideQuickPick}>
      <div className="quick-pick" role="dialog" aria-label={commandMode ? 'Command palette' : 'Go to file'} onMouseDown={(e) => e.stopPropagation()}>
        <input
          ref={inputRef}
          className="quick-pick-input"
          value={value}
          spellCheck={false}
          placeholder={commandMode ? 'Type a command' : 'Search files by name (type > for commands)'}
          aria-controls="quick-pick-list"
          aria-activedescendant={items[index] ? `qp-${index}` : undefined}
          role="combobox"
          aria-expanded="true"
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setIndex((i) => Math.min(items.length - 1, i + 1));
            else if (e.key === 'ArrowUp') setIndex((i) => Math.max(0, i - 1));
            else if (e.key === 'PageDown') setIndex((i) => Math.min(items.length - 1, i + 10));
            else if (e.key === 'PageUp') setIndex((i) => Math.max(0, i - 10));
            else if (e.key === 'Enter') {
              const newest = latest.current;
              if (commandMode) accept(items[index]);
              else if (newest?.query !== query) acceptWhenReady.current = true;
              // The selection only means something in the list on screen; otherwise take the best match.
              else accept(newest === files ? items[index] : newest.items[0]);
            }
            else if (e.key === 'Escape') hideQuickPick();
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        {indexing && !commandMode && <div className="quick-pick-progress" role="progressbar" aria-label="Indexing files" />}
        <div className="quick-pick-list" id="quick-pick-list" role="listbox" ref={listRef}>
          {items.map((item, i) => (
            <div
              key={item.id}
              id={`qp-${i}`}
              role="option"
              aria-selected={i === index}
              className={`quick-pick-item ${i === index ? 'selected' : ''}`}
              onMouseMove={() => setIndex(i)}
              onClick={() => accept(item)}
            >
              {item.icon !== undefined && <FileIcon name={item.icon} directory={false} />}
              <span className="qp-label">
                <Highlighted text={item.label} positions={item.labelPositions} />
              </span>
              {item.detail && (
                <span className="qp-detail">
                  <Highlighted text={item.detail} positions={item.detailPositions} />
                </span>
              )}
              {item.hint && <kbd className="qp-hint">{item.hint}</kbd>}
            </div>
          ))}
          {items.length === 0 && (commandMode || files) && (
            <div className="quick-pick-empty">{commandMode ? 'No matching commands' : 'No matching files'}</div>
          )}
        </div>
        {!commandMode && files?.truncated && <div className="quick-pick-footer">Searched the first {files.total.toLocaleString()} files</div>}
      </div>
    </div>
  );
}

export function quickPickOpen(): boolean {
  return useQuickPick.getState().mode !== null;
}
