/**
 * What each execution provider can do on this machine: asks the binding which EPs this build has, looks
 * for the side libraries the CUDA/TensorRT EPs need, and makes a one-node session with each EP that
 * could work to see whether it finds a device. Cached until asked to refresh (after an install).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { EP_LABELS, EP_NAMES, type EpInfo, type EpName } from '../common/onnx/ep';
import { explainOrtError } from '../common/onnx/ort-errors';

/** A one-node float32 Relu model (x: [1,4] → y), for probing EPs without touching the user's model. */
const PROBE_MODEL = Uint8Array.from(
  atob('CAc6OwoMCgF4EgF5IgRSZWx1EgFnWhMKAXgSDgoMCAESCAoCCAEKAggEYhMKAXkSDgoMCAESCAoCCAEKAggEQgQKABAN'),
  (c) => c.charCodeAt(0),
);

/** The folder holding the binding and its libraries (where the installer puts the CUDA/TensorRT ones). */
export function bindingDir(): string {
  const pkg = dirname(require.resolve('onnxruntime-node/package.json'));
  return join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
}

const SIDE_LIBRARY: Partial<Record<EpName, string>> = {
  cuda: process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so',
  tensorrt: process.platform === 'win32' ? 'onnxruntime_providers_tensorrt.dll' : 'libonnxruntime_providers_tensorrt.so',
};

const NOT_IN_BUILD: Record<EpName, string> = {
  cpu: '',
  cuda: 'This onnxruntime-node build has no CUDA EP (it has one on Linux x64 and Windows x64 only).',
  tensorrt: 'This onnxruntime-node build has no TensorRT EP (it has one on Linux x64 and Windows x64 only).',
  dml: 'DirectML is only in onnxruntime-node’s Windows build.',
  coreml: 'CoreML is only in onnxruntime-node’s macOS build.',
  webgpu: 'This onnxruntime-node build has no WebGPU EP.',
  qnn: 'No prebuilt onnxruntime-node has the QNN EP: build onnxruntime-node from source with --use_qnn.',
};

const NOT_IN_BUILD_ACTION: Record<EpName, string> = {
  cpu: '',
  cuda: 'Use a Linux x64 or Windows x64 machine.',
  tensorrt: 'Use a Linux x64 or Windows x64 machine.',
  dml: 'Use it on Windows (it reaches GPUs and NPUs there).',
  coreml: 'Use it on macOS (it reaches the Neural Engine there).',
  webgpu: 'Use a platform whose build has WebGPU (Linux, Windows, macOS x64/arm64).',
  qnn: 'Build onnxruntime-node with QNN, or reach the NPU through DirectML (Windows) or CoreML (macOS).',
};

const NO_DEVICE_ACTION: Partial<Record<EpName, string>> = {
  cuda: 'Install an NVIDIA driver and CUDA 12 with cuDNN 9, then refresh.',
  tensorrt: 'Install an NVIDIA driver, CUDA 12 and TensorRT 10, then refresh.',
  webgpu: 'WebGPU needs a GPU adapter: on Linux a Vulkan driver (libvulkan1 and a Mesa/NVIDIA ICD).',
};

const cached = new Map<EpName, EpInfo>();

export async function probeEps(refresh = false): Promise<readonly EpInfo[]> {
  if (refresh) cached.clear();
  const out: EpInfo[] = [];
  for (const name of EP_NAMES) out.push(await probeEp(name));
  return out;
}

/** One EP's state (probed once, then cached until a refresh). */
export async function probeEp(name: EpName): Promise<EpInfo> {
  const hit = cached.get(name);
  if (hit) return hit;
  const backends = new Map(ort.listSupportedBackends().map((b) => [b.name, b.bundled]));
  const info = await probeOne(name, backends);
  cached.set(name, info);
  return info;
}

async function probeOne(name: EpName, backends: Map<string, boolean>): Promise<EpInfo> {
  const info = (state: EpInfo['state'], reason: string, action: string, installable = false): EpInfo => ({
    name,
    label: EP_LABELS[name],
    state,
    reason,
    action,
    installable,
  });
  if (name === 'cpu') return info('available', 'Always there.', '');
  if (!backends.has(name)) return info('not-in-build', NOT_IN_BUILD[name], NOT_IN_BUILD_ACTION[name]);
  const lib = SIDE_LIBRARY[name];
  if (!backends.get(name) && lib && !existsSync(join(bindingDir(), lib))) {
    const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
    return info(
      'needs-install',
      `Its libraries are not downloaded (${lib} is missing): npm install skips onnxruntime-node’s GPU download.`,
      linuxX64
        ? '“Install GPU support” downloads the CUDA 12 and TensorRT libraries with onnxruntime-node’s own installer (it needs the internet).'
        : 'Run: node node_modules/onnxruntime-node/script/install --onnxruntime-node-install',
      linuxX64,
    );
  }
  const failure = await trySession(name);
  if (failure === null) return info('available', 'A session was made with it on this machine.', '');
  return info('no-device', failure, NO_DEVICE_ACTION[name] ?? 'Check the device’s driver, then refresh.');
}

/** null when a session could be made with `ep` (no CPU fallback allowed), else ORT's reason in plain words. */
async function trySession(ep: EpName): Promise<string | null> {
  try {
    const session = await ort.InferenceSession.create(PROBE_MODEL, {
      executionProviders: [ep],
      logSeverityLevel: 4,
      extra: { session: { disable_cpu_ep_fallback: '1' } },
    });
    await session.release();
    return null;
  } catch (e) {
    return explainOrtError(String((e as Error).message ?? e)).summary;
  }
}
