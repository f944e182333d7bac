/**
 * The Gradients panel's store: per session, the typed-array data of grad-data.ts, fed by the core's
 * `grads.batch` events and, when a session is first shown (or after a reload), its `grads.history`.
 * The arrays are mutated in place; the zustand state holds only a version per session, so a batch
 * re-renders what reads that version (throttled to one frame by the views) and nothing else.
 */
import { create } from 'zustand';
import type { GradBatch } from '../../src-main/common/protocols/grads';
import { bridge, call } from '../bridge/client';
import { postMessage } from '../state/store';
import { applyBatch, applyHistory, emptySession, type SessionGrads } from './grad-data';

export interface GradsState {
  /** Bumped per session on every change: subscribe to `versions.get(id)`. */
  readonly versions: ReadonlyMap<string, number>;
  /** The watch picked per session (null: the newest). */
  readonly picked: ReadonlyMap<string, string | null>;
}

export const useGrads = create<GradsState>(() => ({ versions: new Map(), picked: new Map() }));

const data = new Map<string, SessionGrads>();
const historyLoaded = new Set<string>();

export function sessionGrads(sessionId: string): SessionGrads {
  let g = data.get(sessionId);
  if (!g) {
    g = emptySession(sessionId);
    data.set(sessionId, g);
  }
  return g;
}

function bump(sessionId: string): void {
  const g = sessionGrads(sessionId);
  useGrads.setState((s) => ({ versions: new Map(s.versions).set(sessionId, g.version) }));
}

/** A live batch (exported for tests and the event wiring). */
/**
 * Batches that came while a session's history was being fetched: applied after it. Without this, steps
 * sent between the core taking the history and its reply arriving were lost whenever their watch began
 * before the panel listened (the bench's 5,000 steps arrived as 4,987).
 */
const waiting = new Map<string, GradBatch[]>();

export function onGradBatch(batch: GradBatch): void {
  const queued = waiting.get(batch.sessionId);
  if (queued) {
    queued.push(batch);
    return;
  }
  if (!historyLoaded.has(batch.sessionId)) {
    // The first word of a session: its history (with what came before) first, then this batch.
    waiting.set(batch.sessionId, [batch]);
    void loadGradHistory(batch.sessionId);
    return;
  }
  applyBatch(sessionGrads(batch.sessionId), batch);
  bump(batch.sessionId);
}

let installed = false;

/** Listen to `grads.batch` (once; safe to call from every mount). */
export function installGradEvents(): void {
  if (installed) return;
  installed = true;
  bridge().on('grads.batch', onGradBatch);
}

/** Ask the core for what it kept of a session (once per session, or again with `force`). */
export async function loadGradHistory(sessionId: string, force = false): Promise<void> {
  if (historyLoaded.has(sessionId) && !force) return;
  historyLoaded.add(sessionId);
  if (!waiting.has(sessionId)) waiting.set(sessionId, []);
  const r = await call('grads.history', { sessionId });
  const queued = waiting.get(sessionId) ?? [];
  waiting.delete(sessionId);
  const g = sessionGrads(sessionId);
  if (!r.ok) historyLoaded.delete(sessionId);
  else applyHistory(g, r.value);
  // Steps already in the history are skipped (each watch only takes steps after its last).
  for (const batch of queued) applyBatch(g, batch);
  bump(sessionId);
}

export function pickWatch(sessionId: string, watch: string | null): void {
  useGrads.setState((s) => ({ picked: new Map(s.picked).set(sessionId, watch) }));
}

/** The watch shown: the one picked, else the newest. */
export function shownWatch(sessionId: string, picked: string | null | undefined): string | null {
  const g = data.get(sessionId);
  if (!g || g.watches.size === 0) return null;
  if (picked && g.watches.has(picked)) return picked;
  return [...g.watches.keys()].at(-1) ?? null;
}

export async function exportGrads(sessionId: string, watch: string | null, format: 'csv' | 'json', path: string): Promise<boolean> {
  const r = await call('grads.export', { sessionId, watch, format, path });
  if (!r.ok) {
    postMessage('error', r.message);
    return false;
  }
  postMessage('info', `Gradients exported to ${path}`);
  return true;
}

/** The session ended and was removed, or the project closed. */
export function forgetGrads(sessionId?: string): void {
  if (sessionId === undefined) {
    data.clear();
    historyLoaded.clear();
  } else {
    data.delete(sessionId);
    historyLoaded.delete(sessionId);
  }
}
