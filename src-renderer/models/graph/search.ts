/**
 * Graph search as pure functions: which boxes match a query (node name, op type or, for pills, the
 * value's name; case-insensitive substring), in reading order (top to bottom, then left to right) so
 * Enter walks down the model; and stepping through the hits.
 */
import type { LaidOutNode } from './layout';

export function searchNodes(nodes: readonly LaidOutNode[], query: string): number[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const hits: number[] = [];
  nodes.forEach((n, i) => {
    if (n.label.toLowerCase().includes(q) || n.name.toLowerCase().includes(q)) hits.push(i);
  });
  return hits.sort((a, b) => nodes[a]!.y - nodes[b]!.y || nodes[a]!.x - nodes[b]!.x);
}

/** The next (step 1) or previous (step -1) hit, wrapping; -1 when there are none. */
export function stepHit(current: number, count: number, step: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return step === 1 ? 0 : count - 1;
  return (current + step + count) % count;
}
