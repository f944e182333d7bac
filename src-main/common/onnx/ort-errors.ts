/**
 * onnxruntime's error messages, in plain words. ORT's messages name source files and C++ lambdas; a
 * person wants to know what about the model or the machine is wrong and what to do. The original is
 * kept after the explanation, for a bug report.
 * Pure: no node:*, no electron.
 */
import type { ErrorCode } from '../result';

export interface OrtExplanation {
  readonly code: ErrorCode;
  /** The explanation followed by ORT's own words. */
  readonly message: string;
  /** The explanation alone (ORT's cleaned words when no rule matched). */
  readonly summary: string;
}

interface Rule {
  readonly test: RegExp;
  readonly code: ErrorCode;
  readonly explain: (m: RegExpMatchArray) => string;
}

const RULES: readonly Rule[] = [
  {
    test: /Failed to get a WebGPU adapter[:.]?\s*(.*)/,
    code: 'EP_UNAVAILABLE',
    explain: (m) => `WebGPU found no GPU adapter on this machine${m[1] ? ` (${trimEnd(m[1])})` : ''}.`,
  },
  {
    test: /OrtSessionOptionsAppendExecutionProvider_(Cuda|TensorRT|\w+): Failed to load shared library/,
    code: 'EP_UNAVAILABLE',
    explain: (m) => `The ${m[1] === 'Cuda' ? 'CUDA' : m[1]} EP could not load its libraries (not installed, or CUDA/cuDNN missing).`,
  },
  {
    test: /no available backend found\. ERR: \[(\w+)\] backend not found/,
    code: 'EP_UNAVAILABLE',
    explain: (m) => `This onnxruntime-node build has no "${m[1]}" EP.`,
  },
  {
    test: /CUDA failure (\d+): ([^;\n]+)/,
    code: 'EP_UNAVAILABLE',
    explain: (m) => `CUDA failed: ${m[2]!.trim()} (error ${m[1]}). Is there an NVIDIA GPU and a matching driver?`,
  },
  {
    test: /disable_cpu_ep_fallback|assigned to the default CPU EP, but fallback to CPU EP has been explicitly disabled/i,
    code: 'EP_UNAVAILABLE',
    explain: () => 'Some nodes can only run on the CPU, and fail-fast forbids falling back to it. Switch to fallback to let the CPU take them.',
  },
  {
    test: /Could not find an implementation for (\w+)\((\d+)\) node with name '([^']*)'/,
    code: 'MODEL_RUN_FAILED',
    explain: (m) => `onnxruntime has no kernel for ${m[1]} (opset ${m[2]}) used by node "${m[3]}" with these input types on the chosen EPs.`,
  },
  {
    test: /Opset (\d+) is under development(?:.*?support for domain (\S+) is till opset (\d+))?/s,
    code: 'MODEL_INVALID',
    explain: (m) =>
      `The model uses opset ${m[1]}, which this onnxruntime does not support${m[3] ? ` (it goes up to opset ${m[3]} of ${m[2]!.replace(/\.$/, '')})` : ''}: re-export with a lower opset_version.`,
  },
  {
    test: /Unsupported model IR version: (\d+)(?:, max supported IR version: (\d+))?/,
    code: 'MODEL_INVALID',
    explain: (m) => `The model's IR version ${m[1]} is newer than this onnxruntime supports${m[2] ? ` (up to ${m[2]})` : ''}.`,
  },
  {
    test: /In Node, \("([^"]*)", (\w+), "([^"]*)", -?\d+\).*No Op registered for \w+ with domain_version of (\d+)/s,
    code: 'MODEL_INVALID',
    explain: (m) => `Node "${m[1]}" uses op ${m[2]}, which opset ${m[4]} of ${m[3] || 'ai.onnx'} does not have (a typo, or an op from another opset).`,
  },
  {
    test: /Fatal error: (\S+):(\w+)\(-?\d*\) is not a registered function\/op/,
    code: 'MODEL_INVALID',
    explain: (m) => `The model uses op ${m[2]} of domain "${m[1]}", which onnxruntime does not know (a custom op needs its library).`,
  },
  {
    test: /Protobuf parsing failed|Failed to load model with error: .*(?:parse|Protobuf)/i,
    code: 'MODEL_INVALID',
    explain: () => 'onnxruntime could not read the file as an ONNX model (it is corrupt, truncated or not ONNX).',
  },
  {
    test: /External data path does not exist|cannot get file size|GetFileLength for (.+) failed/,
    code: 'MODEL_INVALID',
    explain: () => 'The model keeps its weights in a side file that is missing or unreadable: keep the .onnx and its data file together.',
  },
  {
    test: /Got invalid dimensions for input: (\S+) for the following indices\s+index: (\d+) Got: (\d+) Expected: (\d+)/,
    code: 'INPUT_INVALID',
    explain: (m) => `Input "${m[1]}": dimension ${m[2]} is ${m[3]}, the model needs ${m[4]}.`,
  },
  {
    test: /Unexpected input data type\. Actual: \((\w+)\) , expected: \((\w+)\)/,
    code: 'INPUT_INVALID',
    explain: (m) => `An input has the wrong type: got ${m[1]}, the model wants ${m[2]}.`,
  },
];

function trimEnd(s: string): string {
  return s.replace(/[\s.]+$/, '').slice(0, 200);
}

/** ORT's text without the C++ noise: the source location prefix and ANSI colours. */
export function cleanOrtMessage(raw: string): string {
  return raw
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/\/onnxruntime_src\/\S+:\d+ [^\n]*?(?:\) |::<lambda\(\)> )/g, '')
    .replace(/\[ONNXRuntimeError\] : \d+ : \w+ : /g, '')
    .trim();
}

/** Plain words for an ORT error; `fallback` is the code when no rule matches. */
export function explainOrtError(raw: string, fallback: ErrorCode = 'MODEL_RUN_FAILED'): OrtExplanation {
  const clean = cleanOrtMessage(raw);
  for (const rule of RULES) {
    const m = raw.match(rule.test);
    if (m) {
      const summary = rule.explain(m);
      return { code: rule.code, summary, message: `${summary} (onnxruntime: ${clean.slice(0, 400)})` };
    }
  }
  return { code: fallback, summary: clean.slice(0, 300), message: `onnxruntime: ${clean.slice(0, 600)}` };
}
