import { describe, expect, it } from 'vitest';
import { cleanOrtMessage, explainOrtError } from './ort-errors';

// The raw messages are the ones onnxruntime-node 1.30 gave on this machine (Linux x64, no GPU).
const WEBGPU =
  "/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters.";
const CUDA = 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library';
const DML = 'no available backend found. ERR: [dml] backend not found.';

describe('explainOrtError', () => {
  it('says an EP has no device, no libraries or is not in the build', () => {
    expect(explainOrtError(WEBGPU)).toMatchObject({ code: 'EP_UNAVAILABLE', message: expect.stringMatching(/^WebGPU found no GPU adapter/) });
    expect(explainOrtError(CUDA)).toMatchObject({ code: 'EP_UNAVAILABLE', message: expect.stringMatching(/^The CUDA EP could not load its libraries/) });
    expect(explainOrtError(DML)).toMatchObject({ code: 'EP_UNAVAILABLE', message: expect.stringMatching(/has no "dml" EP/) });
  });

  it('names the op and node onnxruntime has no kernel for', () => {
    const raw = "Could not find an implementation for MyOp(19) node with name 'my_node'";
    expect(explainOrtError(raw)).toMatchObject({ code: 'MODEL_RUN_FAILED', message: expect.stringContaining('no kernel for MyOp (opset 19) used by node "my_node"') });
  });

  it('explains wrong input dimensions', () => {
    const raw = '[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions for input: input for the following indices\n index: 2 Got: 200 Expected: 224\n Please fix either the inputs/outputs or the model.';
    expect(explainOrtError(raw)).toMatchObject({ code: 'INPUT_INVALID', message: expect.stringMatching(/^Input "input": dimension 2 is 200, the model needs 224/) });
  });

  it('keeps an unknown message, cleaned, under the fallback code', () => {
    expect(explainOrtError('something new', 'MODEL_INVALID')).toEqual({ code: 'MODEL_INVALID', summary: 'something new', message: 'onnxruntime: something new' });
    expect(explainOrtError(CUDA).summary).toBe('The CUDA EP could not load its libraries (not installed, or CUDA/cuDNN missing).');
  });

  it('strips source locations, error prefixes and colours', () => {
    expect(cleanOrtMessage(WEBGPU)).toMatch(/^adapter_result\.status == /);
    expect(cleanOrtMessage('\x1b[1;31m[ONNXRuntimeError] : 1 : FAIL : Load model failed\x1b[m')).toBe('Load model failed');
  });
});
