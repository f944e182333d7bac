/**
 * Cells near the viewport get a real editor (Monaco), one per animation frame, and none while the user
 * is scrolling: a cell that scrolls past never pays for one. Until then a cell shows its source as
 * static text (highlighted by a job of this queue too), the same size, so nothing moves when the editor
 * takes its place.
 */
const QUIET_AFTER_SCROLL_MS = 150;
const FRAME_BUDGET_MS = 6;

const queue: Array<() => void> = [];
let scheduled = false;
let lastScroll = 0;

/** The notebook scrolled: hold the upgrades until it has been still for a moment. */
export function noteScroll(): void {
  lastScroll = performance.now();
}

/** Queue `upgrade` (run once, later); the returned function takes it out of the queue. */
export function enqueueUpgrade(upgrade: () => void): () => void {
  queue.push(upgrade);
  // Not in the frame that first shows the cell: it paints first.
  if (!scheduled) {
    scheduled = true;
    void afterPaint().then(() => {
      scheduled = false;
      schedule();
    });
  }
  return () => {
    const i = queue.indexOf(upgrade);
    if (i >= 0) queue.splice(i, 1);
  };
}

function schedule(): void {
  if (scheduled || queue.length === 0) return;
  scheduled = true;
  requestAnimationFrame(tick);
}

function tick(): void {
  scheduled = false;
  const quietFor = performance.now() - lastScroll;
  if (quietFor < QUIET_AFTER_SCROLL_MS) {
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      schedule();
    }, QUIET_AFTER_SCROLL_MS - quietFor);
    return;
  }
  // A few small jobs (colouring text) per frame; a big one (an editor) takes its frame.
  const start = performance.now();
  do queue.shift()?.();
  while (queue.length > 0 && performance.now() - start < FRAME_BUDGET_MS);
  schedule();
}

/**
 * Resolves after the next frame has been painted. Heavy modules (Monaco, KaTeX) start loading then, so
 * that their evaluation never holds back the cells' first paint.
 */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
