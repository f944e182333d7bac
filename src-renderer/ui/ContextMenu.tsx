import { useEffect, useRef, useState } from 'react';

export type MenuItem =
  | { readonly separator: true }
  | { readonly separator?: false; readonly label: string; readonly keyHint?: string; readonly danger?: boolean; run(): void };

/** A keyboard-navigable context menu at a screen position; closes on Escape, a choice or an outside click. */
export function ContextMenu({ x, y, items, onClose }: { x: number; y: number; items: readonly MenuItem[]; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const actionable = items.map((item, i) => (item.separator ? -1 : i)).filter((i) => i >= 0);
  const [focus, setFocus] = useState(actionable[0] ?? 0);
  useEffect(() => {
    ref.current?.focus();
    const close = (e: Event) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    window.addEventListener('mousedown', close, true);
    window.addEventListener('blur', onClose);
    return () => {
      window.removeEventListener('mousedown', close, true);
      window.removeEventListener('blur', onClose);
    };
  }, [onClose]);
  const choose = (item: MenuItem) => {
    onClose();
    if (!item.separator) item.run();
  };
  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      tabIndex={-1}
      style={{ left: Math.min(x, window.innerWidth - 220), top: Math.min(y, window.innerHeight - items.length * 26 - 12) }}
      onKeyDown={(e) => {
        e.stopPropagation();
        const pos = actionable.indexOf(focus);
        if (e.key === 'Escape') onClose();
        else if (e.key === 'ArrowDown') setFocus(actionable[(pos + 1) % actionable.length] ?? focus);
        else if (e.key === 'ArrowUp') setFocus(actionable[(pos - 1 + actionable.length) % actionable.length] ?? focus);
        else if (e.key === 'Enter') {
          const item = items[focus];
          if (item) choose(item);
        } else return;
        e.preventDefault();
      }}
    >
      {items.map((item, i) =>
        item.separator ? (
          <div key={i} className="menu-separator" role="separator" />
        ) : (
          <div
            key={i}
            role="menuitem"
            className={`menu-item ${i === focus ? 'focused' : ''} ${item.danger ? 'danger' : ''}`}
            onMouseEnter={() => setFocus(i)}
            onClick={() => choose(item)}
          >
            <span>{item.label}</span>
            {item.keyHint && <span className="menu-key">{item.keyHint}</span>}
          </div>
        ),
      )}
    </div>
  );
}
