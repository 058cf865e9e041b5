/**
 * Exercise 11's given types: the shapes its functions and classes take and give, which the
 * learner reads but does not write. The stub and the reference solution both import them from
 * here, so the two cannot drift apart (tests/integrity.test.ts checks the rest of the given code).
 */
import type { Dataset, EpochLogs, MLP, OptimizerName } from '../nn/index.ts';
import type { Rng } from '../rng.ts';

// ---- Step 1: the gap and a diagnosis ----------------------------------------------------

export type Diagnosis = 'underfitting' | 'overfitting' | 'good fit';

export interface Thresholds {
  /** below this training accuracy the model has not learned its own data: underfitting */
  minTrainAcc: number;
  /** above this train − test gap the model has learned its data too well: overfitting */
  maxGap: number;
}

export interface FitReport {
  trainAcc: number;
  testAcc: number;
}

// ---- Step 3: experiments --------------------------------------------------------------------

export interface ExperimentConfig {
  train: Dataset;
  test: Dataset;
  /** units of the one hidden relu layer: features → hidden → classes (softmax) */
  hidden: number;
  epochs: number;
  batchSize?: number;
  optimizer?: OptimizerName;
  /** the optimizer's Keras default when not given */
  lr?: number;
  /** seeds the initial weights and the shuffles */
  seed?: number;
  classes?: number;
  thresholds?: Partial<Thresholds>;
}

export interface ExperimentResult {
  model: MLP;
  history: EpochLogs[];
  trainAcc: number;
  testAcc: number;
  trainLoss: number;
  testLoss: number;
  gap: number;
  diagnosis: Diagnosis;
}

// ---- Step 4: dropout --------------------------------------------------------------------------

/** Anything with next(): uniform numbers in [0, 1). lib/rng's createRng(seed) is one. */
export type RandomSource = Pick<Rng, 'next'>;

export interface DropoutOptions {
  /** true while training (drop and rescale); false at inference (the identity). Default false. */
  training?: boolean;
  /** the generator of the masks; needed when training */
  rng?: RandomSource;
}

// ---- Step 6: early stopping -------------------------------------------------------------------

export interface EarlyStoppingOptions {
  /** the log to watch (default 'val_loss') */
  monitor?: string;
  /** an improvement smaller than this does not count (default 0; its sign is ignored) */
  minDelta?: number;
  /** epochs without improvement to wait before stopping (default 0) */
  patience?: number;
  /** 'min' (a loss), 'max' (an accuracy) or 'auto': 'max' if the name contains 'acc' (default) */
  mode?: 'auto' | 'min' | 'max';
  /** keep copies of the weights of the best epoch (default false) */
  restoreBestWeights?: boolean;
}

export interface EarlyStoppingFitResult {
  /** one entry per epoch trained, with val_loss and val_accuracy */
  history: EpochLogs[];
  /** 0-based, as Keras' stopped_epoch; −1 if it trained every epoch */
  stoppedEpoch: number;
  /** 0-based index into history of the best monitored value */
  bestEpoch: number;
  /** true when the best epoch's weights were copied back into the model */
  restored: boolean;
  train: Dataset;
  validation: Dataset;
}
