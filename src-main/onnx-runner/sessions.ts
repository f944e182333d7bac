/**
 * onnxruntime sessions, made from a `SessionConfig` and cached per (model SHA-256, config).
 *
 * - Fallback mode drops EPs that can't load (each with ORT's reason) and lets the CPU take the rest;
 *   fail-fast keeps the list as given and forbids CPU fallback (ORT's `session.disable_cpu_ep_fallback`).
 * - A new session profiles its first run only: the profile's `provider` field says which EP ran each
 *   node. Profiling then ends, so later runs (and benchmarks) pay nothing for it.
 */
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { EpName, SessionConfig } from '../common/onnx/ep';
import { placementFromProfile } from '../common/onnx/ort-trace';
import { explainOrtError } from '../common/onnx/ort-errors';
import type { Placement, SessionFacts } from '../common/protocols/onnx';
import { err, ok, type Result } from '../common/result';
import { probeEp } from './eps';

export interface LiveSession {
  readonly key: string;
  readonly session: ort.InferenceSession;
  facts: SessionFacts;
  /** Set until the first run has been profiled. */
  profilePrefix: string | null;
}

// ORT logs a failed EP library load as an error on stderr; Lathe reports it in words instead.
ort.env.logLevel = 'fatal';

const profileDir = mkdtempSync(join(tmpdir(), 'lathe-ort-'));
let profileSeq = 0;

export function disposeProfiles(): void {
  rmSync(profileDir, { recursive: true, force: true });
}

const cache = new Map<string, LiveSession>();

function keyOf(sha256: string, config: SessionConfig): string {
  return `${sha256}|${JSON.stringify(config)}`;
}

function ortOptions(config: SessionConfig, eps: readonly EpName[], profilePrefix: string | null): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [...eps],
    graphOptimizationLevel: config.graphOptimization,
    executionMode: config.executionMode,
    ...(config.intraOpThreads > 0 ? { intraOpNumThreads: config.intraOpThreads } : {}),
    ...(config.interOpThreads > 0 ? { interOpNumThreads: config.interOpThreads } : {}),
    ...(profilePrefix ? { enableProfiling: true, profileFilePrefix: profilePrefix } : {}),
    logSeverityLevel: 3,
    ...(config.mode === 'fail-fast' && !eps.includes('cpu') ? { extra: { session: { disable_cpu_ep_fallback: '1' } } } : {}),
  };
}

/** The cached session for (model, config), or a new one. `fresh` always makes a new one (benchmarks time it). */
export async function getSession(
  modelPath: string,
  sha256: string,
  config: SessionConfig,
  options: { fresh?: boolean; profile?: boolean } = {},
): Promise<Result<LiveSession>> {
  const key = keyOf(sha256, config);
  const hit = cache.get(key);
  if (hit && !options.fresh) return ok({ ...hit, facts: { ...hit.facts, createMs: null } } as LiveSession);
  const made = await createSession(modelPath, config, options.profile ?? true);
  if (!made.ok) return made;
  const live: LiveSession = { key, ...made.value };
  if (hit) await release(hit);
  cache.set(key, live);
  return ok(live);
}

/**
 * A session of its own (not cached) that profiles every run, for `profile`. The caller ends it with
 * `finishProfile`, which returns the trace's events and releases the session.
 */
export async function profilingSession(modelPath: string, config: SessionConfig): Promise<Result<Omit<LiveSession, 'key'>>> {
  return createSession(modelPath, config, true);
}

/** Ends a profiling session's profile and returns the trace's events (the file is deleted), then releases it. */
export async function finishProfile(live: Omit<LiveSession, 'key'>): Promise<unknown[]> {
  const prefix = live.profilePrefix;
  live.profilePrefix = null;
  try {
    if (!prefix) return [];
    live.session.endProfiling();
    const events = await readTrace(prefix);
    return Array.isArray(events) ? events : [];
  } finally {
    await release(live as LiveSession);
  }
}

/** The trace ORT wrote for a session's profile prefix (it adds a timestamp to the name), then deletes it. */
async function readTrace(prefix: string): Promise<unknown> {
  const base = prefix.slice(profileDir.length + 1);
  const file = (await fs.readdir(profileDir)).find((f) => f.startsWith(`${base}_`) && f.endsWith('.json'));
  if (!file) return null;
  const full = join(profileDir, file);
  try {
    return JSON.parse(await fs.readFile(full, 'utf8')) as unknown;
  } finally {
    await fs.rm(full, { force: true });
  }
}

async function createSession(
  modelPath: string,
  config: SessionConfig,
  profile: boolean,
): Promise<Result<Omit<LiveSession, 'key'>>> {
  const dropped: { ep: EpName; reason: string }[] = [];
  let eps = [...config.eps];
  if (config.mode === 'fallback') {
    // Drop the EPs already known not to work here, with the probe's reason, before asking ORT.
    for (const ep of [...eps]) {
      if (ep === 'cpu') continue;
      const state = await probeEp(ep);
      if (state.state !== 'available') {
        dropped.push({ ep, reason: state.reason });
        eps = eps.filter((e) => e !== ep);
      }
    }
    if (!eps.includes('cpu')) eps.push('cpu');
  }
  for (;;) {
    const profilePrefix = profile ? join(profileDir, `s${++profileSeq}`) : null;
    const started = performance.now();
    try {
      const session = await ort.InferenceSession.create(modelPath, ortOptions(config, eps, profilePrefix));
      const createMs = performance.now() - started;
      return ok({ session, profilePrefix, facts: { eps, dropped, createMs, placement: null } });
    } catch (e) {
      const raw = String((e as Error).message ?? e);
      const explained = explainOrtError(raw, 'MODEL_INVALID');
      const culprit = explained.code === 'EP_UNAVAILABLE' ? blamedEp(raw, eps) : null;
      if (config.mode === 'fallback' && culprit && culprit !== 'cpu') {
        dropped.push({ ep: culprit, reason: explained.message });
        eps = eps.filter((x) => x !== culprit);
        continue;
      }
      if (explained.code === 'EP_UNAVAILABLE') {
        const which = culprit ? `${culprit} ` : '';
        return err('EP_UNAVAILABLE', `Fail-fast: the ${which}EP can't run this model here. ${explained.message}`);
      }
      return err(explained.code, explained.message);
    }
  }
}

/** Which EP an ORT error is about (by the names it uses), if any. */
function blamedEp(raw: string, eps: readonly EpName[]): EpName | null {
  const lower = raw.toLowerCase();
  const hints: Record<EpName, readonly string[]> = {
    cpu: [],
    cuda: ['_cuda', 'cuda'],
    tensorrt: ['tensorrt'],
    dml: ['[dml]', 'directml'],
    coreml: ['[coreml]', 'coreml'],
    webgpu: ['webgpu', '[webgpu]'],
    qnn: ['[qnn]', 'qnn'],
  };
  for (const ep of eps) if (hints[ep].some((h) => lower.includes(h))) return ep;
  if (/fallback to CPU EP has been explicitly disabled/i.test(raw)) return null;
  return eps.find((e) => e !== 'cpu') ?? null;
}

/**
 * After a session's first run: end its profiling and read which EP ran each node. A session made
 * without profiling keeps `placement: null`.
 */
export async function collectPlacement(live: LiveSession): Promise<Placement | null> {
  const prefix = live.profilePrefix;
  if (!prefix) return live.facts.placement;
  live.profilePrefix = null;
  live.session.endProfiling();
  const cached = cache.get(live.key);
  const trace = await readTrace(prefix);
  if (trace === null) return null;
  const placement: Placement = placementFromProfile(trace);
  live.facts = { ...live.facts, placement };
  if (cached) {
    cached.profilePrefix = null;
    cached.facts = { ...cached.facts, placement };
  }
  return placement;
}

async function release(live: LiveSession): Promise<void> {
  try {
    await live.session.release();
  } catch {
    // Already released: nothing holds it.
  }
}

/** Dispose every cached session of a model (its tab closed), or all of them. */
export async function releaseSessions(sha256: string | null): Promise<void> {
  for (const [key, live] of [...cache]) {
    if (sha256 !== null && !key.startsWith(`${sha256}|`)) continue;
    cache.delete(key);
    await release(live);
  }
}
