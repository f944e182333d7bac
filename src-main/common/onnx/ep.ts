/**
 * Execution providers: the names onnxruntime-node knows, and what Lathe says about each on this machine.
 * Pure: no node:*, no electron.
 */

export const EP_NAMES = ['cpu', 'cuda', 'tensorrt', 'dml', 'coreml', 'webgpu', 'qnn'] as const;
export type EpName = (typeof EP_NAMES)[number];

export const EP_LABELS: Readonly<Record<EpName, string>> = {
  cpu: 'CPU',
  cuda: 'CUDA',
  tensorrt: 'TensorRT',
  dml: 'DirectML',
  coreml: 'CoreML',
  webgpu: 'WebGPU',
  qnn: 'QNN',
};

/**
 * - available: a session can be made with it here;
 * - no-device: the build has it, but it found no device (e.g. WebGPU with no adapter, CUDA with no GPU);
 * - needs-install: the build supports it, but its binaries are not downloaded (CUDA/TensorRT on Linux x64);
 * - not-in-build: this onnxruntime-node build does not have it (DirectML off Windows, CoreML off macOS, QNN).
 */
export type EpState = 'available' | 'no-device' | 'needs-install' | 'not-in-build';

export interface EpInfo {
  readonly name: EpName;
  readonly label: string;
  readonly state: EpState;
  /** Why, in plain words (with ORT's own message where it gave one). */
  readonly reason: string;
  /** What the user can do about it ('' when available). */
  readonly action: string;
  /** The "Install GPU support" action applies (CUDA/TensorRT on Linux x64, binaries missing). */
  readonly installable: boolean;
}

/** Session options Lathe exposes. */
export interface SessionConfig {
  /** The EPs to try, in order. */
  readonly eps: readonly EpName[];
  /**
   * fail-fast: every listed EP must load, and no node may fall back to CPU (ORT's
   * session.disable_cpu_ep_fallback) — an error says which and why;
   * fallback: EPs that fail to load are dropped (reported), and CPU takes what they can't.
   */
  readonly mode: 'fail-fast' | 'fallback';
  readonly graphOptimization: 'disabled' | 'basic' | 'extended' | 'all';
  /** 0: ORT's default. */
  readonly intraOpThreads: number;
  readonly interOpThreads: number;
  readonly executionMode: 'sequential' | 'parallel';
}

export const DEFAULT_SESSION_CONFIG: SessionConfig = {
  eps: ['cpu'],
  mode: 'fallback',
  graphOptimization: 'all',
  intraOpThreads: 0,
  interOpThreads: 0,
  executionMode: 'sequential',
};

/** ORT's profile names providers as 'CPUExecutionProvider'; Lathe shows 'cpu'. */
export function epFromProvider(provider: string): EpName | string {
  const p = provider.replace(/ExecutionProvider$/, '').toLowerCase();
  const known: Record<string, EpName> = { cpu: 'cpu', cuda: 'cuda', tensorrt: 'tensorrt', dml: 'dml', coreml: 'coreml', webgpu: 'webgpu', js: 'webgpu', qnn: 'qnn' };
  return known[p] ?? p;
}
