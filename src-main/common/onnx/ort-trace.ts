/**
 * onnxruntime's profile: a Chrome trace (JSON array of events). `Node` events carry the node's name
 * (with a `_kernel_time` suffix), its op and, in `args.provider`, the EP that ran it.
 * Pure: no node:*, no electron.
 */
import { epFromProvider } from './ep';
import type { Placement } from '../protocols/onnx';

/** Node → EP from ORT's Chrome-trace profile (events of cat 'Node' carry args.provider). */
export function placementFromProfile(trace: unknown): Placement {
  const nodes: Record<string, string> = {};
  const byEp: Record<string, number> = {};
  if (!Array.isArray(trace)) return { nodes, byEp };
  for (const e of trace as { cat?: string; name?: string; args?: { provider?: string } }[]) {
    if (e.cat !== 'Node' || !e.name || !e.args?.provider) continue;
    const node = e.name.replace(/_(kernel_time|fence_before|fence_after)$/, '');
    if (node in nodes) continue;
    const ep = epFromProvider(e.args.provider);
    nodes[node] = ep;
    byEp[ep] = (byEp[ep] ?? 0) + 1;
  }
  return { nodes, byEp };
}

