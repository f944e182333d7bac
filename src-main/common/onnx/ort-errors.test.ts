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

  it('explains unsupported opsets, unknown ops and custom ops (messages from models made with onnx.helper)', () => {
    const opset =
      'Load model from opset99.onnx failed:/onnxruntime_src/onnxruntime/core/graph/model_load_utils.h:46 void onnxruntime::model_load_utils::ValidateOpsetForDomain(const std::unordered_map<std::__cxx11::basic_string<char>, int>&, const onnxruntime::logging::Logger&, bool, const std::string&, int) ONNX Runtime only *guarantees* support for models stamped with official released onnx opset versions. Opset 99 is under development and support for this is limited. The operator schemas and or other functionality may change before next ONNX release and in this case ONNX Runtime will not guarantee backward compatibility. Current official support for domain ai.onnx is till opset 26.';
    expect(explainOrtError(opset).summary).toBe('The model uses opset 99, which this onnxruntime does not support (it goes up to opset 26 of ai.onnx): re-export with a lower opset_version.');
    const noOp =
      'Load model from noop.onnx failed:This is an invalid model. In Node, ("mystery", NoSuchOp, "", -1) : ("x": tensor(float),) -> ("y": tensor(float),) , Error No Op registered for NoSuchOp with domain_version of 13';
    expect(explainOrtError(noOp)).toMatchObject({ code: 'MODEL_INVALID', summary: 'Node "mystery" uses op NoSuchOp, which opset 13 of ai.onnx does not have (a typo, or an op from another opset).' });
    const custom = 'Load model from custom.onnx failed:Fatal error: com.acme:FancyOp(-1) is not a registered function/op';
    expect(explainOrtError(custom).summary).toBe('The model uses op FancyOp of domain "com.acme", which onnxruntime does not know (a custom op needs its library).');
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
