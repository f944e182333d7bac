/**
 * The layout worker: dagre off the UI thread. One request per worker (the client terminates it after
 * the answer, or to cancel). Errors come back as a message, not an exception, so the view can say what
 * failed.
 */
import type { GraphData } from '../../../src-main/common/onnx/model-types';
import { layoutGraph, type GraphLayout } from './layout';

export type LayoutRequest = { readonly graph: GraphData };
export type LayoutReply = { readonly ok: true; readonly layout: GraphLayout } | { readonly ok: false; readonly message: string };

self.onmessage = (e: MessageEvent<LayoutRequest>) => {
  let reply: LayoutReply;
  try {
    reply = { ok: true, layout: layoutGraph(e.data.graph) };
  } catch (error) {
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(reply);
};
