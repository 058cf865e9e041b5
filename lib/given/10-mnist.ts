/**
 * Exercise 10's given types: the shapes its functions and classes take and give, which the
 * learner reads but does not write. The stub and the reference solution both import them from
 * here, so the two cannot drift apart (tests/integrity.test.ts checks the rest of the given code).
 */
import type { NDArray } from '../ndarray.ts';
import type { Tf } from '../oracle.ts';
import type { Rng } from '../rng.ts';

// ==== Part 1: the Keras way (steps 1–3) ====================================================

/** A tf.Sequential model (what `tf.sequential(…)` returns). */
export type Model = ReturnType<Tf['sequential']>;

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** shuffle the samples before every epoch (Keras' default: true) */
  shuffle?: boolean;
}

/** Keras' History.history: one number per epoch. */
export interface TrainHistory {
  loss: number[];
  accuracy: number[];
}

export interface Evaluation {
  loss: number;
  accuracy: number;
}

// ==== Part 2: from scratch (steps 4–8) ====================================================

export type ActivationName = 'relu' | 'softmax';

export type InitializerName = 'uniform' | 'glorotUniform';

export interface NaiveDenseOptions {
  /** 'uniform' in [0, 0.1) as the book's NaiveDense (default), or Keras' 'glorotUniform' */
  init?: InitializerName;
  /** where the initial weights come from (default: a generator seeded with KATA_SEED) */
  rng?: Rng;
}

export interface Batch {
  images: NDArray;
  labels: number[];
}

export interface LossAndGradients {
  /** mean sparse categorical cross-entropy of the batch */
  loss: number;
  /** ∂loss/∂w for every w of model.weights, in the same order and shapes */
  gradients: NDArray[];
}

export interface FitOptions {
  epochs: number;
  /** default 128, as the book */
  batchSize?: number;
  learningRate: number;
}
