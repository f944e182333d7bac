import type { PointerEvent } from 'react';

/** A drag handle between two panes; reports the new size, clamped by the caller. Arrow keys resize too. */
export function Splitter({ orientation, onResize, size, label }: { orientation: 'vertical' | 'horizontal'; size: number; onResize: (size: number) => void; label: string }) {
  const vertical = orientation === 'vertical';
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const start = vertical ? e.clientX : e.clientY;
    const initial = size;
    const target = e.currentTarget;
    target.setPointerCapture(e.pointerId);
    const move = (ev: globalThis.PointerEvent) => {
      const delta = (vertical ? ev.clientX : ev.clientY) - start;
      onResize(vertical ? initial + delta : initial - delta);
    };
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
      document.body.classList.remove('resizing');
    };
    document.body.classList.add('resizing');
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };
  return (
    <div
      className={`splitter ${orientation}`}
      role="separator"
      aria-orientation={vertical ? 'vertical' : 'horizontal'}
      aria-label={label}
      aria-valuenow={Math.round(size)}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 40 : 10;
        const grow = vertical ? 'ArrowRight' : 'ArrowUp';
        const shrink = vertical ? 'ArrowLeft' : 'ArrowDown';
        if (e.key === grow) onResize(size + step);
        else if (e.key === shrink) onResize(size - step);
        else return;
        e.preventDefault();
      }}
    />
  );
}
