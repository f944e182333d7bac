/**
 * The Chrome-trace parser: onnxruntime's session profile, torch.profiler's `export_chrome_trace`, or any
 * Chrome trace JSON, into a `ProfileSummary` (per-node and per-op-type tables, run spans, a packed timeline).
 *
 * Formats accepted:
 * - JSON Array (`[event, …]`: ORT, and torch's legacy autograd-profiler export) and JSON Object
 *   (`{ traceEvents: [...], … }`: Perfetto/kineto, and Lathe's saved ORT traces `{ lathe: meta, traceEvents }`,
 *   whose `lathe` is returned as `meta`).
 * - ORT: `cat: 'Node'` events named `<node>_kernel_time` are node kernel time (`_fence_before`/`_fence_after`
 *   are not: read, not counted); `cat: 'Session'` spans: `model_run` (the runs) and the others
 *   (SequentialExecutor::Execute, session_initialization, model_loading_uri…).
 * - torch / generic: complete events (`ph: 'X'`) and B/E pairs (matched per pid/tid, innermost first),
 *   aggregated by name (op = name). torch's `kernel`/`gpu_memcpy`/`gpu_memset` events get ep 'cuda', others
 *   ''. torch's `ProfilerStep#N` annotations are its runs. Totals are inclusive: a torch op that calls
 *   another (aten::conv2d → aten::convolution → …) counts the callee's time in both, so shares there
 *   are of the summed inclusive totals, not of wall time.
 *
 * All times in µs. Span starts (runs, session spans, timeline spans) are relative to the trace's first span.
 * One pass over the events after JSON.parse; per event, only the packed timeline numbers are allocated.
 * Pure: no node:*, no electron.
 */
import { epFromProvider } from './ep';
import type { ProfileNodeRow, ProfileOpRow, ProfileSpan, ProfileSummary, TraceSource } from './profile-types';
import { err, ok, type Result } from '../result';

export interface ParsedTrace {
  readonly summary: ProfileSummary;
  /** Lathe's record saved with the trace (`{ lathe, traceEvents }`), else null. */
  readonly meta: unknown;
}

/** A Chrome trace event, as far as the parser reads it. */
interface TraceEvent {
  readonly name?: unknown;
  readonly cat?: unknown;
  readonly ph?: unknown;
  readonly ts?: unknown;
  readonly dur?: unknown;
  readonly pid?: unknown;
  readonly tid?: unknown;
  readonly args?: {
    readonly op_name?: unknown;
    readonly provider?: unknown;
    readonly input_type_shape?: unknown;
    readonly output_type_shape?: unknown;
  };
}

interface NodeAcc {
  name: string;
  op: string;
  ep: string;
  calls: number;
  totalUs: number;
  minUs: number;
  maxUs: number;
  inputShapes: readonly string[];
  outputShapes: readonly string[];
  /** Its index in the timeline's names. */
  nameIndex: number;
}

interface RawSpan {
  name: string;
  startUs: number;
  durUs: number;
}

const KERNEL = '_kernel_time';
const FENCE_BEFORE = '_fence_before';
const FENCE_AFTER = '_fence_after';
const TORCH_CATS = new Set(['cpu_op', 'kernel', 'python_function', 'cuda_runtime', 'cuda_driver', 'user_annotation', 'gpu_user_annotation', 'gpu_memcpy', 'gpu_memset', 'cpu_instant_event', 'Trace', 'ac2g', 'fwdbwd']);
const CUDA_CATS = new Set(['kernel', 'gpu_memcpy', 'gpu_memset']);
const PROFILER_STEP = /^ProfilerStep#\d+$/;

/** Parse a Chrome trace's text. Expected failures (not JSON, not a trace, nothing timed) are values. */
export function parseTrace(text: string): Result<ParsedTrace> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err('INVALID_ARGUMENT', notJson(text, e));
  }
  let events: unknown;
  let meta: unknown = null;
  if (Array.isArray(json)) {
    events = json;
  } else if (json !== null && typeof json === 'object') {
    const o = json as { traceEvents?: unknown; lathe?: unknown };
    if (!Array.isArray(o.traceEvents)) return err('INVALID_ARGUMENT', 'The file is a JSON object with no traceEvents array: not a Chrome trace.');
    events = o.traceEvents;
    meta = o.lathe ?? null;
  } else {
    return err('INVALID_ARGUMENT', `The file is JSON (${json === null ? 'null' : typeof json}), not a Chrome trace: a trace is an array of events or an object with a traceEvents array.`);
  }
  const list = events as readonly unknown[];
  if (list.length === 0) return err('INVALID_ARGUMENT', 'The trace has no events.');
  const summary = summarise(list);
  if (!summary.ok) return summary;
  return ok({ summary: summary.value, meta });
}

/**
 * The parse error in plain words, with its position, line and column. V8's messages do not always give
 * the position (Node 20: "Unexpected token '}', ..."name": }" is not valid JSON"), so on this error path
 * the text is scanned again by a small JSON checker that stops at the first fault.
 */
function notJson(text: string, e: unknown): string {
  if (text.trim() === '') return 'The file is empty: not a Chrome trace (it has no events).';
  const fault = jsonFault(text);
  if (!fault) return `The file is not valid JSON (${e instanceof Error ? e.message : String(e)}).`;
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < fault.pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `The file is not valid JSON: ${fault.what} at position ${fault.pos} (line ${line}, column ${fault.pos - lineStart + 1}).`;
}

const JSON_LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/** Where the text stops being JSON, and why; null if it is JSON. */
export function jsonFault(t: string): { pos: number; what: string } | null {
  const n = t.length;
  let i = 0;
  const stack: string[] = [];
  const ws = (): void => {
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };
  const fault = (): { pos: number; what: string } =>
    i >= n ? { pos: n, what: 'the text ends before the JSON is complete (is the file cut short?)' } : { pos: i, what: `unexpected ${JSON.stringify(t[i])}` };
  // A string at t[i] === '"'; false at a fault (i at it).
  const str = (): boolean => {
    i++;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c === 92) i += 2;
      else if (c < 32) return false;
      else i++;
    }
    i = n;
    return false;
  };
  // An object key and its colon.
  const key = (): boolean => {
    ws();
    if (t[i] !== '"' || !str()) return false;
    ws();
    if (t[i] !== ':') return false;
    i++;
    return true;
  };
  for (;;) {
    // A value.
    ws();
    const c = t[i];
    if (c === '[' || c === '{') {
      i++;
      ws();
      if (t[i] === (c === '[' ? ']' : '}')) {
        i++;
      } else {
        stack.push(c);
        if (c === '{' && !key()) return fault();
        continue;
      }
    } else if (c === '"') {
      if (!str()) return fault();
    } else {
      JSON_LITERAL.lastIndex = i;
      const m = JSON_LITERAL.exec(t);
      if (!m) return fault();
      i += m[0].length;
    }
    // After a value: separators and closing brackets.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? fault() : null;
      const d = t[i];
      if (d === ',') {
        i++;
        if (top === '{' && !key()) return fault();
        break;
      }
      if (d === (top === '[' ? ']' : '}')) {
        i++;
        stack.pop();
        continue;
      }
      return fault();
    }
  }
}

function summarise(events: readonly unknown[]): Result<ProfileSummary> {
  const nodes = new Map<string, NodeAcc>();
  // ORT: the event's own name ('<node>_kernel_time') → its node, so no event needs slicing after the first.
  const byEvent = new Map<string, NodeAcc>();
  const runs: RawSpan[] = [];
  const sessionSpans: RawSpan[] = [];

  // The timeline, packed as it is read: absolute starts, rebased at the end.
  const laneIndex = new Map<unknown, number>();
  const laneKeys: { pid: unknown; tid: unknown; cuda: boolean; ep: string }[] = [];
  const nameIndex = new Map<string, number>();
  const names: string[] = [];
  const ops: string[] = [];
  const spans: number[] = [];
  let startUs = Infinity;
  let endUs = -Infinity;

  let ort = false;
  let torch = false;
  let read = 0;
  let skipped = 0;
  let untimed = 0;
  // Open B events per lane (B/E pairs).
  let open: Map<string, { name: string; cat: unknown; ts: number }[]> | null = null;
  let pidOfLanes: unknown = undefined;
  let manyPids = false;

  const laneOf = (pid: unknown, tid: unknown, cuda: boolean, ep = ''): number => {
    // One key per (pid, tid): numbers and strings both occur (torch's legacy pid is "CPU functions").
    // ORT nodes of an EP other than the CPU get lanes of their own: a lane per thread and per EP.
    const base = pid === undefined ? tid : `${asText(pid)}\u0000${asText(tid)}${cuda ? '\u0000c' : ''}`;
    const key = ep ? `${asText(base)}\u0000ep:${ep}` : base;
    let lane = laneIndex.get(key);
    if (lane === undefined) {
      lane = laneKeys.length;
      laneIndex.set(key, lane);
      laneKeys.push({ pid, tid, cuda, ep });
      if (lane === 0) pidOfLanes = pid;
      else if (pid !== pidOfLanes) manyPids = true;
    }
    return lane;
  };
  const nameOf = (name: string, op: string): number => {
    let i = nameIndex.get(name);
    if (i === undefined) {
      i = names.length;
      nameIndex.set(name, i);
      names.push(name);
      ops.push(op);
    }
    return i;
  };
  const addSpan = (lane: number, name: number, ts: number, dur: number): void => {
    spans.push(lane, name, ts, dur);
    if (ts < startUs) startUs = ts;
    if (ts + dur > endUs) endUs = ts + dur;
  };
  const addNode = (name: string, op: string, ep: string, dur: number, e: TraceEvent | null): NodeAcc => {
    let acc = nodes.get(name);
    if (acc === undefined) {
      acc = {
        name,
        op,
        ep,
        calls: 0,
        totalUs: 0,
        minUs: Infinity,
        maxUs: -Infinity,
        inputShapes: e ? shapes(e.args?.input_type_shape) : [],
        outputShapes: e ? shapes(e.args?.output_type_shape) : [],
        nameIndex: nameOf(name, op),
      };
      nodes.set(name, acc);
    }
    acc.calls++;
    acc.totalUs += dur;
    if (dur < acc.minUs) acc.minUs = dur;
    if (dur > acc.maxUs) acc.maxUs = dur;
    return acc;
  };

  for (let i = 0; i < events.length; i++) {
    const e = events[i] as TraceEvent;
    if (e === null || typeof e !== 'object') {
      skipped++;
      continue;
    }
    read++;
    const cat = e.cat;
    const name = e.name;
    const ts = e.ts;
    const dur = e.dur;

    // onnxruntime: Node and Session events.
    if (cat === 'Node' || cat === 'Session') {
      ort = true;
      if (typeof name !== 'string' || typeof ts !== 'number' || typeof dur !== 'number') {
        untimed++;
        skipped++;
        continue;
      }
      if (cat === 'Node') {
        if (!name.endsWith(KERNEL)) {
          if (!name.endsWith(FENCE_BEFORE) && !name.endsWith(FENCE_AFTER)) skipped++;
          continue;
        }
        let acc = byEvent.get(name);
        if (acc === undefined) {
          const node = name.slice(0, name.length - KERNEL.length);
          const args = e.args;
          const op = typeof args?.op_name === 'string' ? args.op_name : '';
          const ep = typeof args?.provider === 'string' ? epFromProvider(args.provider) : '';
          acc = addNode(node, op, ep, dur, e);
          byEvent.set(name, acc);
        } else {
          acc.calls++;
          acc.totalUs += dur;
          if (dur < acc.minUs) acc.minUs = dur;
          if (dur > acc.maxUs) acc.maxUs = dur;
        }
        addSpan(laneOf(undefined, e.tid, false, acc.ep !== 'cpu' ? acc.ep : ''), acc.nameIndex, ts, dur);
      } else {
        (name === 'model_run' ? runs : sessionSpans).push({ name, startUs: ts, durUs: dur });
        addSpan(laneOf(undefined, e.tid, false), nameOf(name, ''), ts, dur);
      }
      continue;
    }

    const ph = e.ph;
    if (!torch && ((typeof cat === 'string' && TORCH_CATS.has(cat)) || e.pid === 'CPU functions' || (typeof name === 'string' && name.startsWith('aten::')))) torch = true;
    if (ph === 'X') {
      if (typeof name !== 'string' || typeof ts !== 'number' || typeof dur !== 'number') {
        untimed++;
        skipped++;
        continue;
      }
      span(name, cat, ts, dur, e.pid, e.tid);
    } else if (ph === 'B' || ph === 'E') {
      if (typeof ts !== 'number') {
        untimed++;
        skipped++;
        continue;
      }
      const lane = `${asText(e.pid)}\u0000${asText(e.tid)}`;
      open ??= new Map();
      let stack = open.get(lane);
      if (ph === 'B') {
        if (typeof name !== 'string') {
          skipped++;
          continue;
        }
        if (!stack) open.set(lane, (stack = []));
        stack.push({ name, cat, ts });
      } else {
        const begin = stack?.pop();
        if (!begin) {
          skipped++;
          continue;
        }
        span(begin.name, begin.cat, begin.ts, ts - begin.ts, e.pid, e.tid);
      }
    } else {
      // Metadata (M), instants (i), counters (C), flows (s/f), async (b/e)…: nothing to time.
      skipped++;
    }
  }
  // B events never closed.
  if (open) for (const stack of open.values()) skipped += stack.length;

  function span(name: string, cat: unknown, ts: number, dur: number, pid: unknown, tid: unknown): void {
    const cuda = typeof cat === 'string' && CUDA_CATS.has(cat);
    const lane = laneOf(pid, tid, cuda);
    if (PROFILER_STEP.test(name)) {
      runs.push({ name, startUs: ts, durUs: dur });
      addSpan(lane, nameOf(name, ''), ts, dur);
      return;
    }
    const acc = addNode(name, name, cuda ? 'cuda' : '', dur, null);
    addSpan(lane, acc.nameIndex, ts, dur);
  }

  if (spans.length === 0) {
    if (untimed > 0) return err('INVALID_ARGUMENT', `The trace's events have no ts/dur (${untimed} of ${read} lack them): there is nothing to time.`);
    return err('INVALID_ARGUMENT', `The trace has no events with a duration (${read} events, none a complete 'X' event, a B/E pair or an onnxruntime node): nothing to time.`);
  }

  // Rebase every start on the trace's first span.
  for (let i = 2; i < spans.length; i += 4) spans[i] = (spans[i] ?? 0) - startUs;
  const rebase = (s: RawSpan): ProfileSpan => ({ name: s.name, startUs: s.startUs - startUs, durUs: s.durUs });

  const source: TraceSource = ort ? 'ort' : torch ? 'torch' : 'chrome';
  const accs = [...nodes.values()];
  let totalNodeUs = 0;
  for (const acc of accs) totalNodeUs += acc.totalUs;
  const shareOf = (us: number): number => (totalNodeUs > 0 ? us / totalNodeUs : 0);
  const byEp: Record<string, number> = {};
  const nodeRows: ProfileNodeRow[] = accs.map((a) => {
    if (a.ep) byEp[a.ep] = (byEp[a.ep] ?? 0) + 1;
    return {
      name: a.name,
      op: a.op,
      ep: a.ep,
      calls: a.calls,
      totalUs: a.totalUs,
      meanUs: a.totalUs / a.calls,
      minUs: a.minUs,
      maxUs: a.maxUs,
      share: shareOf(a.totalUs),
      inputShapes: a.inputShapes,
      outputShapes: a.outputShapes,
    };
  });
  // Stable: equal totals keep the trace's order (the graph's, for ORT).
  nodeRows.sort((x, y) => y.totalUs - x.totalUs);

  const byOp = new Map<string, { op: string; nodes: number; calls: number; totalUs: number }>();
  for (const n of nodeRows) {
    const o = byOp.get(n.op);
    if (o) {
      o.nodes++;
      o.calls += n.calls;
      o.totalUs += n.totalUs;
    } else byOp.set(n.op, { op: n.op, nodes: 1, calls: n.calls, totalUs: n.totalUs });
  }
  const opRows: ProfileOpRow[] = [...byOp.values()].map((o) => ({ ...o, share: shareOf(o.totalUs) })).sort((x, y) => y.totalUs - x.totalUs);

  const lanes = laneKeys.map(({ pid, tid, cuda, ep }) => {
    const thread = tid === undefined ? 'no thread' : cuda ? `stream ${asText(tid)}` : `thread ${asText(tid)}`;
    const who = cuda ? `cuda · ${manyPids && pid !== undefined ? `${asText(pid)} · ` : ''}` : manyPids && pid !== undefined ? `${asText(pid)} · ` : '';
    return (ep ? `${ep} · ` : '') + who + thread;
  });

  return ok({
    source,
    nodes: nodeRows,
    ops: opRows,
    runs: runs.map(rebase),
    sessionSpans: sessionSpans.map(rebase),
    totalNodeUs,
    totalRunUs: runs.reduce((s, r) => s + r.durUs, 0),
    byEp,
    // Spans start from the trace's first span: the timeline runs from 0.
    timeline: { lanes, names, ops, spans, startUs: 0, endUs: endUs - startUs },
    events: read,
    skipped,
  });
}

/** ORT's `[{"float":[1,3,224,224]}]` as ['float[1,3,224,224]']; [] when absent. */
function shapes(v: unknown): readonly string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const item of v as unknown[]) {
    if (item === null || typeof item !== 'object') {
      out.push('');
      continue;
    }
    const keys = Object.keys(item);
    const type = keys[0];
    if (type === undefined) {
      out.push('');
      continue;
    }
    const dims = (item as Record<string, unknown>)[type];
    out.push(Array.isArray(dims) ? `${type}[${dims.map((d) => (d == null ? '' : asText(d))).join(',')}]` : type);
  }
  return out;
}

/**
 * A value from the file as text, as String() writes it; where String() throws (an object with a "toString" or
 * "valueOf" key that is no function: `{"pid": {"toString": 1}}`), its JSON.
 */
function asText(v: unknown): string {
  try {
    return String(v);
  } catch {
    return JSON.stringify(v) ?? '';
  }
}
