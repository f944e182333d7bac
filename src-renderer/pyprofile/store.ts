/**
 * The profiles of recent "Profile cell" runs, by run id, taken from the core's `sessions.output` events
 * (a notebook cell's also land in its outputs; an editor run's are shown in the History panel), and
 * where an editor run's code came from, so that its lines open in the file.
 */
import { create } from 'zustand';
import type { RunOutput } from '../../src-main/common/contract';
import { isProfileReport, PROFILE_MIME, type CellProfileReport } from './model';

/** Profiles kept (the newest). */
export const PROFILES_KEPT = 20;

export interface ProfileEntry {
  readonly runId: string;
  readonly sessionId: string;
  readonly report: CellProfileReport;
  readonly at: number;
}

export interface ProfilesState {
  /** Oldest first. */
  readonly profiles: readonly ProfileEntry[];
  /** Editor runs: the file and line their code came from. */
  readonly sources: ReadonlyMap<string, { readonly path: string; readonly startLine: number }>;
  /** The run whose profile the History panel shows. */
  readonly selected: string | null;
}

export const useProfiles = create<ProfilesState>(() => ({ profiles: [], sources: new Map(), selected: null }));

/** The profile among a run's outputs, if any. */
export function profileIn(outputs: readonly RunOutput[]): CellProfileReport | null {
  for (const o of outputs) {
    if (o.type === 'display_data' && PROFILE_MIME in o.data) {
      const value = o.data[PROFILE_MIME];
      if (isProfileReport(value)) return value;
    }
  }
  return null;
}

/** Pure: the state with a run's profile added (replacing an earlier one of the same run), bounded. */
export function addProfile(s: ProfilesState, entry: ProfileEntry): Pick<ProfilesState, 'profiles' | 'sources'> {
  const profiles = [...s.profiles.filter((p) => p.runId !== entry.runId), entry].slice(-PROFILES_KEPT);
  const kept = new Set(profiles.map((p) => p.runId));
  // Sources of runs whose profile is gone are dropped; those still waiting for theirs are kept (few).
  const sources = new Map([...s.sources].filter(([runId]) => kept.has(runId) || !s.profiles.some((p) => p.runId === runId)).slice(-PROFILES_KEPT * 2));
  return { profiles, sources };
}

/** For the session events: a run's outputs arrived. */
export function onRunOutputs(sessionId: string, runId: string, outputs: readonly RunOutput[]): void {
  const report = profileIn(outputs);
  if (!report) return;
  useProfiles.setState((s) => addProfile(s, { runId, sessionId, report, at: Date.now() }));
}

export function rememberSource(runId: string, source: { path: string; startLine: number }): void {
  useProfiles.setState((s) => ({ sources: new Map(s.sources).set(runId, source) }));
}

export function selectProfile(runId: string | null): void {
  useProfiles.setState({ selected: runId });
}
