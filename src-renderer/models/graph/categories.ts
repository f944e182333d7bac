/**
 * Op categories for the graph view's colours: a node is coloured by what kind of work it does, so a
 * person sees the shape of a model (conv stacks, attention math, reshapes) before reading any label.
 * The colours themselves are CSS variables in graph.css (`--graph-cat-<category>`), one set per theme.
 */

export const OP_CATEGORIES = ['conv', 'math', 'activation', 'normalization', 'pooling', 'shape', 'quantize', 'control', 'other'] as const;
export type OpCategory = (typeof OP_CATEGORIES)[number];

export const CATEGORY_LABELS: Readonly<Record<OpCategory, string>> = {
  conv: 'Convolution / matmul',
  math: 'Math',
  activation: 'Activation',
  normalization: 'Normalisation',
  pooling: 'Pooling',
  shape: 'Shape / reshape',
  quantize: 'Quantize',
  control: 'Control flow',
  other: 'Other',
};

const BY_OP: Readonly<Record<string, OpCategory>> = Object.fromEntries(
  (
    [
      ['conv', 'Conv ConvTranspose ConvInteger QLinearConv MatMul MatMulInteger QLinearMatMul Gemm Einsum FusedConv FusedGemm FusedMatMul Attention MultiHeadAttention DeformConv'],
      ['math', 'Add Sub Mul Div Pow Sqrt Reciprocal Neg Abs Exp Log Ceil Floor Round Sign Sin Cos Tan Asin Acos Atan Sinh Cosh Asinh Acosh Atanh Erf Max Min Mean Sum Mod BitShift ReduceSum ReduceMean ReduceMax ReduceMin ReduceProd ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceSumSquare CumSum Equal Greater GreaterOrEqual Less LessOrEqual And Or Xor Not Where IsNaN IsInf ArgMax ArgMin TopK Det Clip BitwiseAnd BitwiseOr BitwiseXor BitwiseNot'],
      ['activation', 'Relu LeakyRelu PRelu Sigmoid HardSigmoid Tanh Softmax LogSoftmax Softplus Softsign Elu Selu Celu Gelu FastGelu QuickGelu BiasGelu HardSwish Mish ThresholdedRelu Hardmax Shrink'],
      ['normalization', 'BatchNormalization InstanceNormalization LayerNormalization GroupNormalization LpNormalization MeanVarianceNormalization LRN SkipLayerNormalization SimplifiedLayerNormalization SkipSimplifiedLayerNormalization RMSNormalization EmbedLayerNormalization'],
      ['pooling', 'MaxPool AveragePool GlobalMaxPool GlobalAveragePool GlobalLpPool LpPool MaxRoiPool RoiAlign MaxUnpool'],
      ['shape', 'Reshape Flatten Squeeze Unsqueeze Transpose Concat Split Slice Gather GatherElements GatherND Scatter ScatterElements ScatterND Expand Tile Pad Shape Size Identity Resize Upsample DepthToSpace SpaceToDepth ConstantOfShape Constant Cast CastLike Range NonZero OneHot Trilu Compress ReverseSequence EyeLike SplitToSequence ConcatFromSequence SequenceAt SequenceConstruct SequenceEmpty SequenceInsert SequenceLength SequenceErase Dropout'],
      ['quantize', 'QuantizeLinear DequantizeLinear DynamicQuantizeLinear QLinearAdd QLinearMul QLinearSigmoid QLinearLeakyRelu QLinearConcat QLinearAveragePool QLinearGlobalAveragePool QLinearSoftmax DynamicQuantizeMatMul MatMulIntegerToFloat MatMulNBits'],
      ['control', 'If Loop Scan'],
    ] as const
  ).flatMap(([category, ops]) => ops.split(' ').map((op) => [op, category])),
);

/** The category of an op type (domain ignored: contrib ops reuse the standard names where they can). */
export function categoryOf(op: string): OpCategory {
  return BY_OP[op] ?? 'other';
}

/** Colours for execution providers when the view colours by EP (they do not depend on the theme's hue). */
export const EP_COLOURS: Readonly<Record<string, string>> = {
  cpu: '#5b8def',
  cuda: '#76b900',
  tensorrt: '#3f8f2f',
  dml: '#d17b0f',
  coreml: '#a05cc7',
  webgpu: '#d9468c',
  qnn: '#1aa39a',
};

export function epColour(ep: string): string {
  return EP_COLOURS[ep] ?? '#9aa1ab';
}
