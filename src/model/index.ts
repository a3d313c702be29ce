// The SpecMoE network's public face, as a tfjs-models package exposes load/predict: `load` builds a decoding-ready
// model from weights (read by io/weights.ts); the model's `forward` gives class probabilities, the experts' gates
// and every intermediate the parity check compares, its `embed` the pooled embeddings fine-tuning caches.
// `runForward` runs any weights (one expert or a SpecMoE) on given inputs under the reference pack's output names.
// Pipeline, worker and CLI import the network from here; training (src/train) works on its parts.
export { specMoEFromWeights as load, type LoadedModel } from './load';
export { SpecMoE, type SpecMoEOutputs, specMoETensors } from './specMoE';
export { type SpecMoESnapshot, snapshotOf, specMoEFromSnapshot } from './snapshot';
export { AUTHORS_EXPERT, type ExpertConfig, ModelShapeError, type SpecMoEConfig, specMoEConfig } from './config';
export { BUILTIN_TASKS, findTask, type PoolMode, type TaskDefinition } from './tasks';
export { initExpertParams, initHeadParams } from './init';
export { parameterCount } from './params';
export { channelsPerPooledFeature, pooledSource, poolingNote } from './pooling';
export { compareOutputs, forwardInputs, runForward, shapeText } from './forwardCheck';
export { compareWithReferences, type ComparedTensor, formatComparison, PARITY_TOLERANCE } from './parityReport';
