/**
 * The ordered EP list of a session config, edited in the EP panel, and what each EP state means to a
 * person. Pure.
 */
import type { EpName, EpState } from '../../src-main/common/onnx/ep';

export function addEp(list: readonly EpName[], ep: EpName): EpName[] {
  return list.includes(ep) ? [...list] : [...list, ep];
}

/** Remove an EP; the last one stays (a session needs one). */
export function removeEp(list: readonly EpName[], ep: EpName): EpName[] {
  if (list.length <= 1) return [...list];
  return list.filter((e) => e !== ep);
}

/** Move the EP at `index` by `delta` places (clamped). */
export function moveEp(list: readonly EpName[], index: number, delta: number): EpName[] {
  const to = Math.max(0, Math.min(list.length - 1, index + delta));
  if (index < 0 || index >= list.length || to === index) return [...list];
  const next = [...list];
  const [ep] = next.splice(index, 1);
  next.splice(to, 0, ep!);
  return next;
}

export const EP_STATE_LABELS: Readonly<Record<EpState, string>> = {
  available: 'available',
  'no-device': 'no device',
  'needs-install': 'needs install',
  'not-in-build': 'not in this build',
};

export const MODE_HELP = {
  'fail-fast': 'Every listed EP must load and run every node: an error says which one could not (no silent CPU fallback).',
  fallback: 'EPs that fail to load are dropped (and reported); CPU runs the nodes the others cannot.',
} as const;

/** A warning for the session facts: which listed EPs did not run, in plain words. */
export function droppedWarning(dropped: readonly { ep: string; reason: string }[], label: (ep: string) => string): string | null {
  if (dropped.length === 0) return null;
  return dropped.map((d) => `${label(d.ep)} was not used: ${d.reason}`).join(' ');
}
