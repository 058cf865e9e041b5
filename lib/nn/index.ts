/** lib/nn: the fast from-scratch MLP used by `npm run mnist` and `npm run bench`, on lib/kernels. */
export { type Activation, type DenseParams, type Initializer, type LayerSpec, MLP, type MlpOptions } from './mlp.ts';
export { Adam, makeOptimizer, OPTIMIZERS, type Optimizer, type OptimizerName, RMSprop, SGD } from './optimizers.ts';
export {
  defaultWorkers,
  GradientPool,
  type GradientResult,
  type GradientSource,
  type PoolOptions,
} from './parallel.ts';
export {
  type BatchLogs,
  type Dataset,
  type EpochLogs,
  type Evaluation,
  evaluate,
  type FitOptions,
  fit,
  type History,
} from './train.ts';
