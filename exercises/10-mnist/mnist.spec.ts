/**
 * Exercise 10 — MNIST two ways. Run: `npm start -- 10` (watch mode) or
 * `npx vitest --project exercises 10`. Each describe block is one step of README.md; make
 * them pass in order.
 *
 * NOTE: steps 3 and 8 train the book's network on 2,000 real MNIST images (a few seconds each
 * on a quiet machine; README.md says why these sizes). Those tests have their own time limit,
 * TRAINING_TIMEOUT, because a busy machine can take several times longer.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { arrayOfShape } from '../../lib/arbitraries.ts';
import { ArgumentError, ShapeError } from '../../lib/errors.ts';
import type { AllCloseOptions } from '../../lib/matchers.ts';
import { imagesToArray, loadMnist, type Mnist, type MnistSplit, subset } from '../../lib/mnist-data.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { argmax, map, matmul, relu } from '../../lib/ops/index.ts';
import { fromTensor, loadOracle, type Oracle, runOracle, type Tensor, type Tf, toTensor } from '../../lib/oracle.ts';
import { createRng, runSeed } from '../../lib/rng.ts';
import { runs } from '../../lib/runs.ts';
import { FLOAT32_UNIT_ROUNDOFF, float32Tolerance } from '../../lib/tolerance.ts';
import {
  type ActivationName,
  BatchGenerator,
  buildModel,
  compileModel,
  evaluate,
  evaluateModel,
  fit,
  type InitializerName,
  lossAndGradients,
  type Model,
  NaiveDense,
  NaiveSequential,
  predictClasses,
  prepareImages,
  type TrainHistory,
  trainingStep,
  trainModel,
  updateWeights,
} from './mnist.ts';

/** Time limit of a test that trains the book's network (vitest's default is 20 s). */
const TRAINING_TIMEOUT = 180_000;
/** Seeds the models of this file: the run's KATA_SEED (default 42). */
const SEED = runSeed();
/** The held-out accuracy steps 3 and 8 ask for; README.md has the measurements behind it. */
const HELD_OUT_THRESHOLD = 0.75;

let oracle: Oracle;
let tf: Tf;
let mnist: Mnist;
beforeAll(async () => {
  oracle = await loadOracle();
  tf = oracle.tf;
  mnist = loadMnist();
});

/** The first `n` images of a split as the book's train_images: [n, 28, 28], pixels 0–255. */
const rawImages = (split: MnistSplit, n: number): NDArray =>
  imagesToArray(subset(split, n), { flatten: false, scale: false });

/** float32 tolerance for `terms` roundings, scaled to the largest |expected| (at least `floor`). */
function f32(expected: NDArray | number, terms: number, label: string, floor = 1): AllCloseOptions {
  const scale = Math.max(floor, typeof expected === 'number' ? Math.abs(expected) : maxAbs(expected));
  return { ...float32Tolerance(terms, scale), label };
}

// Index loops: for…of over a typed array is several times slower, and these read 400,000
// weights at a time. Math.max and Math.min keep a NaN, so a NaN weight fails the checks.
function maxAbs(x: NDArray): number {
  let m = 0;
  for (let i = 0; i < x.size; i++) m = Math.max(m, Math.abs(x.data[i]));
  return m;
}
function maxOf(x: NDArray): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.size; i++) m = Math.max(m, x.data[i]);
  return m;
}
function minOf(x: NDArray): number {
  let m = Number.POSITIVE_INFINITY;
  for (let i = 0; i < x.size; i++) m = Math.min(m, x.data[i]);
  return m;
}
function meanOf(x: NDArray): number {
  let s = 0;
  for (let i = 0; i < x.size; i++) s += x.data[i];
  return s / x.size;
}

/** Mean of −log(clip(p[label])) over the rows: Keras' sparse categorical cross-entropy. */
function meanCrossEntropy(probs: NDArray, labels: ArrayLike<number>): number {
  const classes = probs.shape[1];
  let total = 0;
  for (let r = 0; r < labels.length; r++) {
    const p = probs.data[r * classes + labels[r]] as number;
    total -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, p)));
  }
  return total / labels.length;
}

/** Says how a loss that should have fallen moved, and what usually causes it. */
function lossChange(before: number, after: number, when: string): string {
  const [b, a] = [before.toFixed(4), after.toFixed(4)];
  return after === before
    ? `the loss stayed at ${b} ${when}: are the arrays of model.weights updated in place?`
    : `loss increased from ${b} to ${a} ${when}: every weight must move against its gradient (w − lr·g), the gradient of the mean loss (step 6)`;
}

/** The fraction of rows whose argmax is the label. */
function accuracyOf(probs: NDArray, labels: ArrayLike<number>): number {
  const predicted = argmax(probs);
  return predicted.filter((c, i) => c === labels[i]).length / predicted.length;
}

/** "at index i: received a, expected b (k of n differ)", or undefined when the lists agree. */
function firstDifference(received: readonly number[], expected: readonly number[]): string | undefined {
  const bad = expected.flatMap((e, i) => (received[i] === e ? [] : [i]));
  if (bad.length === 0) return undefined;
  const i = bad[0];
  return `at index ${i}: received ${received[i]}, expected ${expected[i]} (${bad.length} of ${expected.length} differ)`;
}

// ==== Part 1: the Keras way ===================================================================

/** Frees a model and its optimizer (a model frees only an optimizer it made from a name). */
function disposeModel(model: Model): void {
  const optimizer = model.optimizer;
  model.dispose();
  optimizer?.dispose();
}

/** Each layer as "Dense(units, activation)". */
function describeLayers(model: Model): string[] {
  return model.layers.map((layer) => {
    const config = layer.getConfig() as { units?: number; activation?: string };
    return `${layer.getClassName()}(${config.units}, ${config.activation})`;
  });
}

describe('step 1: the Keras way — build and compile the book’s network', () => {
  it('buildModel(tf, seed) is 784 → Dense(512, relu) → Dense(10, softmax)', () => {
    const model = buildModel(tf, SEED);
    try {
      // Keras: Sequential([Dense(512, activation="relu"), Dense(10, activation="softmax")])
      expect(describeLayers(model), 'the layers of buildModel(tf, seed), in order').toEqual([
        'Dense(512, relu)',
        'Dense(10, softmax)',
      ]);
      expect(model.inputs[0]?.shape, 'the input: a batch of 784 pixels per image (inputShape: [784])').toEqual([
        null,
        784,
      ]);
      expect(model.outputs[0]?.shape, 'the output: 10 probabilities per image').toEqual([null, 10]);
    } finally {
      disposeModel(model);
    }
  });

  it('it has 407,050 parameters: 784·512 + 512 + 512·10 + 10', () => {
    const model = buildModel(tf, SEED);
    try {
      const shapes = model.getWeights().map((w) => w.shape);
      expect(shapes, 'the weight shapes: kernel [784,512], bias [512], kernel [512,10], bias [10]').toEqual([
        [784, 512],
        [512],
        [512, 10],
        [10],
      ]);
      expect(model.countParams()).toBe(407_050);
    } finally {
      disposeModel(model);
    }
  });

  it('the kernels start from glorotUniform with the seed: the same seed gives the same weights, biases 0', () => {
    const a = buildModel(tf, SEED);
    const b = buildModel(tf, SEED);
    const c = buildModel(tf, SEED + 1000);
    try {
      // NOTE: getWeights() returns the variables' own tensors; copy them, never dispose them.
      const [wa, wb, wc] = [a, b, c].map((m) => m.getWeights().map(fromTensor)) as [NDArray[], NDArray[], NDArray[]];
      const [kernel1, bias1, kernel2, bias2] = wa as [NDArray, NDArray, NDArray, NDArray];
      wa.forEach((w, k) => {
        expect(wb[k], `weight ${k} of two models built with the same seed: seed the kernel initializers`).toBeAllClose(
          w,
          { rtol: 0, atol: 0, label: `weight ${k}` },
        );
      });
      expect(
        (wc[0] as NDArray).data.some((v, i) => v !== kernel1.data[i]),
        'buildModel(tf, seed) with another seed must start from other weights: pass the seed to the initializer',
      ).toBe(true);
      // glorotUniform: U(−limit, limit) with limit = sqrt(6 / (fanIn + fanOut)), stored as float32:
      // a draw just inside ±limit may round to ±fround(limit), the float32 just outside it.
      for (const [name, kernel, limit] of [
        ['kernel 1', kernel1, Math.sqrt(6 / (784 + 512))],
        ['kernel 2', kernel2, Math.sqrt(6 / (512 + 10))],
      ] as const) {
        const [lo, hi] = [minOf(kernel), maxOf(kernel)];
        expect(
          hi <= Math.fround(limit) && lo >= -Math.fround(limit) && hi > 0.95 * limit && lo < -0.95 * limit,
          `${name} must fill [−${limit.toFixed(4)}, ${limit.toFixed(4)}] (glorotUniform), but spans [${lo.toFixed(4)}, ${hi.toFixed(4)}]`,
        ).toBe(true);
      }
      expect(
        maxOf(bias1) === 0 && minOf(bias1) === 0 && maxOf(bias2) === 0 && minOf(bias2) === 0,
        'biases start at 0',
      ).toBe(true);
    } finally {
      for (const m of [a, b, c]) disposeModel(m);
    }
  });

  it('compileModel(tf, model): rmsprop (learning rate 0.001), sparseCategoricalCrossentropy, accuracy', () => {
    const model = buildModel(tf, SEED);
    try {
      compileModel(tf, model);
      // Keras: model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
      const optimizer = model.optimizer as unknown as { getClassName(): string; learningRate?: number } | undefined;
      expect(optimizer?.getClassName(), 'the optimizer: "rmsprop" or tf.train.rmsprop(0.001)').toBe('RMSProp');
      expect(optimizer?.learningRate, "rmsprop's learning rate (Keras' default)").toBe(0.001);
      expect(
        model.loss,
        'the loss: labels are digits 0–9, not one-hot rows, so the sparse categorical cross-entropy',
      ).toBe('sparseCategoricalCrossentropy');
      expect(model.metricsNames, 'the metrics: the loss, and accuracy (TensorFlow.js calls it "acc")').toEqual([
        'loss',
        'acc',
      ]);
    } finally {
      disposeModel(model);
    }
  });
});

describe('step 2: prepare the images — reshape to [n, 784], float32, divided by 255', () => {
  it('two 2×2 images: [2, 2, 2] → [2, 4], row by row, each pixel / 255', () => {
    const images = NDArray.fromNested(
      [
        [
          [0, 51],
          [102, 255],
        ],
        [
          [255, 0],
          [0, 25.5],
        ],
      ],
      'float32',
    );
    const x = prepareImages(images);
    // image 0 row by row: 0, 51, 102, 255 → 0, 0.2, 0.4, 1;  image 1: 255, 0, 0, 25.5 → 1, 0, 0, 0.1
    expect(x).toHaveShape([2, 4]);
    expect(x).toBeAllClose(
      [
        [0, 0.2, 0.4, 1],
        [1, 0, 0, 0.1],
      ],
      f32(1, 1, 'prepareImages'),
    );
    expect(x.dtype, 'astype("float32"): TensorFlow computes in float32').toBe('float32');
  });

  it('100 MNIST images: [100, 28, 28] pixels 0–255 → [100, 784] in [0, 1]', () => {
    const images = rawImages(mnist.train, 100);
    const x = prepareImages(images);
    expect(x).toHaveShape([100, 784]);
    const top = maxOf(x);
    expect(
      top,
      `pixels must be scaled to [0, 1] (divided by 255), but the largest value is ${top}`,
    ).toBeLessThanOrEqual(1);
    expect(x).toBeAllClose(imagesToArray(subset(mnist.train, 100)), f32(1, 1, 'prepareImages(MNIST)'));
  });

  it('does not change its input', () => {
    const images = rawImages(mnist.train, 3);
    expect(() => prepareImages(images)).toLeaveUnchanged({ images }, 'prepareImages(images)');
  });

  it('anything but a stack of pictures [n, height, width] is a ShapeError naming its shape', () => {
    expect(prepareImages(NDArray.zeros([1, 2, 2], 'float32'))).toHaveShape([1, 4]);
    expect(() => prepareImages(NDArray.zeros([2, 784], 'float32'))).toThrowKind(ShapeError, /prepareImages.*\[2,784\]/);
  });
});

/** The Keras way, trained once and shared by the tests of step 3 (each test calls it). */
interface KerasRun {
  model: Model;
  history: TrainHistory;
  xTest: NDArray;
  yTest: Uint8Array;
  /** model.predict(xTest), computed by this spec */
  probs: NDArray;
}
let kerasRun: Promise<KerasRun> | undefined;
const TRAIN_SIZE = 2000;
const TEST_SIZE = 2000;

function trainedKerasModel(): Promise<KerasRun> {
  kerasRun ??= (async (): Promise<KerasRun> => {
    // Your buildModel and compileModel (step 1), prepareImages (step 2), then trainModel. The
    // model first: while step 1 is a TODO, the test fails without preparing 4,000 images.
    const model = buildModel(tf, SEED);
    compileModel(tf, model);
    const x = prepareImages(rawImages(mnist.train, TRAIN_SIZE));
    const xTest = prepareImages(rawImages(mnist.test, TEST_SIZE));
    // shuffle: false keeps the run repeatable: TensorFlow.js shuffles with an unseeded generator.
    const history = await trainModel(tf, model, x, subset(mnist.train, TRAIN_SIZE).labels, {
      epochs: 1,
      batchSize: 128,
      shuffle: false,
    });
    // One batch: with predict's default of 32, the WASM backend copies all of xTest out of its
    // memory for every batch it slices (63 times here).
    const predicted = tf.tidy(() => model.predict(toTensor(tf, xTest), { batchSize: TEST_SIZE }) as Tensor);
    const probs = fromTensor(predicted);
    predicted.dispose();
    return { model, history, xTest, yTest: subset(mnist.test, TEST_SIZE).labels, probs };
  })();
  return kerasRun as Promise<KerasRun>;
}

describe('step 3: the Keras way — fit, predict, evaluate', () => {
  afterAll(async () => {
    const run = await kerasRun?.catch(() => undefined);
    if (run) disposeModel(run.model);
  });

  it(
    'trainModel: 1 epoch over 2,000 images in batches of 128 returns that epoch’s loss and accuracy',
    async () => {
      const { history } = await trainedKerasModel();
      expect(history.loss, 'history.loss: one number per epoch (is model.fit awaited?)').toHaveLength(1);
      expect(history.accuracy, 'history.accuracy: one number per epoch').toHaveLength(1);
      const [loss, accuracy] = [history.loss[0], history.accuracy[0]];
      // a model that has learned nothing predicts 1/10 everywhere: loss ln 10 = 2.30, accuracy 0.1
      expect(loss, `the epoch's training loss ${loss} must be below ln 10 = 2.30 (chance)`).toBeLessThan(Math.LN10);
      expect(accuracy, `the epoch's training accuracy ${accuracy} must be well above 0.1 (chance)`).toBeGreaterThan(
        0.5,
      );
    },
    TRAINING_TIMEOUT,
  );

  it(
    'predictClasses: one class per image, the argmax of model.predict over the class axis',
    async () => {
      const { model, xTest, probs } = await trainedKerasModel();
      const classes = predictClasses(tf, model, xTest);
      expect(
        classes.length,
        `predictClasses returned ${classes.length} classes for ${TEST_SIZE} images: take argMax over the last axis (the 10 classes), not axis 0 (the images)`,
      ).toBe(TEST_SIZE);
      const diff = firstDifference(classes, argmax(probs));
      expect(diff, 'predictClasses vs argmax(model.predict(x), axis 1)').toBeUndefined();
    },
    TRAINING_TIMEOUT,
  );

  it(
    'evaluateModel: the mean loss and the accuracy of model.evaluate on 2,000 test images',
    async () => {
      const { model, xTest, yTest, probs } = await trainedKerasModel();
      const { loss, accuracy } = evaluateModel(tf, model, xTest, yTest);
      // accuracy = mean(argmax(p) == y); loss = mean(−log p[y]) (p clipped to [1e-7, 1 − 1e-7])
      expect(accuracy).toBeAllClose(accuracyOf(probs, yTest), { rtol: 0, atol: 1e-6, label: 'evaluateModel accuracy' });
      const expected = meanCrossEntropy(probs, yTest);
      expect(loss).toBeAllClose(expected, f32(expected, TEST_SIZE, 'evaluateModel loss'));
    },
    TRAINING_TIMEOUT,
  );

  it(
    'the trained model gets ≥ 75% of 2,000 held-out test images right',
    async () => {
      const { probs, yTest } = await trainedKerasModel();
      const accuracy = accuracyOf(probs, yTest);
      expect(
        accuracy,
        `held-out accuracy ${accuracy.toFixed(4)} after 1 epoch over ${TRAIN_SIZE} images is below ${HELD_OUT_THRESHOLD} (the reference solution: 0.81–0.83 for every seed tried). ` +
          'Are the pixels scaled to [0, 1] (step 2)? Is the model the book’s, compiled with rmsprop (step 1)?',
      ).toBeGreaterThanOrEqual(HELD_OUT_THRESHOLD);
    },
    TRAINING_TIMEOUT,
  );

  it('trainModel passes epochs, batchSize and shuffle on: a small model trains as model.fit with the same options', async () => {
    const { x, y } = smallData();
    const [mine, theirs] = [smallModel(), smallModel()];
    try {
      const history = await trainModel(tf, mine, x, y, { epochs: 3, batchSize: 2, shuffle: false });
      const expected = await fitDirectly(theirs, x, y, { epochs: 3, batchSize: 2, shuffle: false });
      expect(history.loss, 'history.loss: one number per epoch, 3 epochs').toHaveLength(3);
      expect(history.accuracy, 'history.accuracy: one number per epoch').toHaveLength(3);
      expect(history.loss).toBeAllClose(expected.loss, { rtol: 1e-6, atol: 1e-7, label: 'history.loss vs model.fit' });
      expectSameWeights(mine, theirs, 'after trainModel vs model.fit with the same options');
    } finally {
      for (const m of [mine, theirs]) disposeModel(m);
    }
  });

  it('shuffle defaults to true, as in Keras: left out, the samples are visited in another order than with shuffle: false', async () => {
    const { x, y } = smallData();
    const models = [smallModel(), smallModel(), smallModel()] as const;
    // TensorFlow.js shuffles with Math.random: made constant here, so every shuffled epoch visits
    // the samples in the same order (not their own), and the runs repeat.
    const random = vi.spyOn(Math, 'random').mockReturnValue(0);
    try {
      await trainModel(tf, models[0], x, y, { epochs: 2, batchSize: 2 });
      await trainModel(tf, models[1], x, y, { epochs: 2, batchSize: 2, shuffle: true });
      await trainModel(tf, models[2], x, y, { epochs: 2, batchSize: 2, shuffle: false });
    } finally {
      random.mockRestore();
    }
    try {
      expectSameWeights(models[0], models[1], 'shuffle left out vs shuffle: true');
      const [a, c] = [models[0], models[2]].map((m) => m.getWeights().map(fromTensor)) as [NDArray[], NDArray[]];
      expect(
        a.some((w, k) => w.data.some((v, i) => v !== (c[k] as NDArray).data[i])),
        'shuffle left out must shuffle (Keras’ default), so the weights must differ from a run with shuffle: false',
      ).toBe(true);
    } finally {
      for (const m of models) disposeModel(m);
    }
  });

  it('trainModel, predictClasses and evaluateModel free every tensor they make', async () => {
    const { x, y } = smallData();
    const model = smallModel();
    try {
      // the first fit makes the optimizer's own variables: count from the second
      await trainModel(tf, model, x, y, { epochs: 1, batchSize: 2, shuffle: false });
      const count = () => tf.memory().numTensors;
      let before = count();
      await trainModel(tf, model, x, y, { epochs: 1, batchSize: 2, shuffle: false });
      expect(count() - before, 'tensors left behind by trainModel: tf.dispose the tensors you make').toBe(0);
      before = count();
      expect(predictClasses(tf, model, x)).toHaveLength(6);
      expect(count() - before, 'tensors left behind by predictClasses').toBe(0);
      before = count();
      const { accuracy } = evaluateModel(tf, model, x, y);
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(count() - before, 'tensors left behind by evaluateModel: dispose the inputs and both results').toBe(0);
    } finally {
      disposeModel(model);
    }
  });
});

/** Six samples of 4 features and their classes 0–2, drawn from the run's seed. */
function smallData(): { x: NDArray; y: number[] } {
  return {
    x: NDArray.randomUniform([6, 4], 0, 1, { rng: createRng(SEED), dtype: 'float32' }),
    y: [0, 1, 2, 0, 1, 2],
  };
}

/** A seeded 4 → 3 softmax model with plain SGD: step 3's options, checked in milliseconds. */
function smallModel(): Model {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [4],
        units: 3,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: SEED }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** model.fit itself, with the given options: what trainModel must do. */
async function fitDirectly(
  model: Model,
  x: NDArray,
  y: readonly number[],
  options: { epochs: number; batchSize: number; shuffle: boolean },
): Promise<{ loss: number[] }> {
  const [xs, ys] = [toTensor(tf, x), tf.tensor1d(y as number[])];
  try {
    const history = await model.fit(xs, ys, { ...options, verbose: 0 });
    return { loss: history.history.loss as number[] };
  } finally {
    tf.dispose([xs, ys]);
  }
}

function expectSameWeights(a: Model, b: Model, when: string): void {
  const [wa, wb] = [a, b].map((m) => m.getWeights().map(fromTensor)) as [NDArray[], NDArray[]];
  wa.forEach((w, k) => {
    expect(w).toBeAllClose(wb[k] as NDArray, { rtol: 1e-6, atol: 1e-7, label: `weight ${k} ${when}` });
  });
}

// ==== Part 2: from scratch ====================================================================

/** The book's model from scratch: relu layers then a softmax, sizes [inputs, …hidden, classes]. */
function naiveModel(sizes: readonly number[], seed: number): NaiveSequential {
  const rng = createRng(seed);
  const layers = sizes.slice(1).map(
    (out, i) =>
      new NaiveDense(sizes[i], out, i === sizes.length - 2 ? 'softmax' : 'relu', {
        init: 'glorotUniform',
        rng,
      }),
  );
  return new NaiveSequential(layers);
}

/** Copies of every weight (a training step changes them in place). */
const snapshot = (model: NaiveSequential): NDArray[] => model.weights.map((w) => w.clone());

/** The loss and ∂loss/∂w of a NaiveSequential's network in TensorFlow.js (tf.variableGrads). */
function oracleLossAndGradients(
  weights: readonly NDArray[],
  activations: readonly ActivationName[],
  images: NDArray,
  labels: ArrayLike<number>,
): { loss: number; gradients: NDArray[] } {
  const vars = tf.tidy(() => weights.map((w) => tf.variable(toTensor(tf, w))));
  try {
    const out = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        let a = toTensor(tf, images);
        activations.forEach((activation, i) => {
          const z = tf.add(tf.matMul(a, vars[2 * i] as Tensor), vars[2 * i + 1] as Tensor);
          a = activation === 'relu' ? tf.relu(z) : tf.softmax(z);
        });
        // tf.metrics.categoricalCrossentropy is Keras' loss, one value per sample; the mean as Keras
        const classes = a.shape[1] as number;
        const oneHot = tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), classes);
        return tf.mean(tf.metrics.categoricalCrossentropy(oneHot, a)) as ReturnType<Tf['scalar']>;
      }, vars);
      return [value, ...vars.map((v) => grads[v.name] as Tensor)];
    });
    const [loss, ...gradients] = out.map(fromTensor);
    tf.dispose(out);
    return { loss: (loss as NDArray).data[0], gradients };
  } finally {
    tf.dispose(vars);
  }
}

/** The probabilities of a NaiveSequential's network for `images`, in one TensorFlow.js call. */
function oracleProbabilities(
  weights: readonly NDArray[],
  activations: readonly ActivationName[],
  images: NDArray,
): NDArray {
  return runOracle(
    oracle,
    (tf, x, ...ws) =>
      activations.reduce((a, activation, i) => {
        const z = tf.add(tf.matMul(a, ws[2 * i] as Tensor), ws[2 * i + 1] as Tensor);
        return activation === 'relu' ? tf.relu(z) : tf.softmax(z);
      }, x as Tensor),
    images,
    ...weights,
  );
}

/** relu for every layer of `sizes` but the last, which is softmax. */
const activationsOf = (sizes: readonly number[]): ActivationName[] =>
  sizes.slice(1).map((_, i) => (i === sizes.length - 2 ? 'softmax' : 'relu'));

/**
 * naiveModel(sizes, seed), with the bias of every relu unit whose pre-activation z lies, for
 * one of the images, within float32 rounding of 0 moved (in place) until none does. relu's
 * derivative is 0 or 1 by the side of 0 that z is rounded to, and right answers round it
 * differently (TF.js in float32, float64 code, float32 storage): a whole column of dW then
 * differs (KATA_SEED=168: unit 151 of the book's network for one image, 216 elements of dW1
 * off by up to 1.2e-3). The band is float32Tolerance(fan-in) of z's magnitude Σ|a·w| + |b|, as
 * for any sum of products checked against TensorFlow.js; a bias moves by a few bands (1e-4).
 */
function kinkFreeModel(sizes: readonly number[], seed: number, x: NDArray): NaiveSequential {
  const model = naiveModel(sizes, seed);
  const weights = model.weights;
  const f64 = (v: NDArray) => NDArray.fromFlat(v.data, v.shape);
  let a = f64(x);
  activationsOf(sizes).forEach((activation, i) => {
    if (activation !== 'relu') return;
    const W = f64(weights[2 * i] as NDArray);
    const b = weights[2 * i + 1] as NDArray;
    const xw = matmul(a, W);
    const mag = matmul(map(a, Math.abs), map(W, Math.abs));
    const [rows, units] = xw.shape as [number, number];
    const z = new Float64Array(rows * units);
    for (let j = 0; j < units; j++) {
      const zOf = (r: number, bias: number) => xw.data[r * units + j] + bias;
      const band = (r: number, bias: number) =>
        float32Tolerance(W.shape[0], mag.data[r * units + j] + Math.abs(bias)).atol;
      const clear = (bias: number) =>
        Array.from({ length: rows }, (_, r) => r).every((r) => Math.abs(zOf(r, bias)) > band(r, bias));
      const start = b.data[j];
      const widest = Math.max(...Array.from({ length: rows }, (_, r) => band(r, start)));
      // 0, then ±2, ±4, … widest bands: a few steps clear every image (their z lie far apart)
      for (let k = 1; !clear(b.data[j]); k++) b.data[j] = start + (k % 2 ? 1 : -1) * 2 * Math.ceil(k / 2) * widest;
      for (let r = 0; r < rows; r++) z[r * units + j] = zOf(r, b.data[j]);
    }
    a = relu(new NDArray(z, [rows, units]));
  });
  return model;
}

describe('step 4: NaiveDense and NaiveSequential', () => {
  it('NaiveDense(784, 512, "relu"): W [784,512] from [0, 0.1) as the book, b [512] zeros, weights = [W, b]', () => {
    const layer = new NaiveDense(784, 512, 'relu', { rng: createRng(SEED) });
    expect(layer.W).toHaveShape([784, 512]);
    expect(layer.b).toHaveShape([512]);
    // 401,408 draws from U(0, 0.1): mean 0.05 ± 0.00005 (one standard error). W is float32, and
    // a draw just below 0.1 rounds to fround(0.1) = 0.1000000015: the float32 bound is ≤ fround(0.1).
    const [lo, hi, mean] = [minOf(layer.W), maxOf(layer.W), meanOf(layer.W)];
    expect(
      lo >= 0 && hi <= Math.fround(0.1) && hi > 0.099 && Math.abs(mean - 0.05) < 0.001,
      `W must be uniform in [0, 0.1) (the book's tf.random.uniform(minval=0, maxval=1e-1)), got values in [${lo}, ${hi}] with mean ${mean}`,
    ).toBe(true);
    expect(layer.b).toBeAllClose(NDArray.zeros([512]), { rtol: 0, atol: 0, label: 'b' });
    expect(layer.weights, 'weights: [W, b]').toHaveLength(2);
    // NOTE: compared with ===, not toBe: a failing toBe would print two 784×512 arrays.
    expect(layer.weights[0] === layer.W, 'weights[0] must be W itself, not a copy (updates happen in place)').toBe(
      true,
    );
    expect(layer.weights[1] === layer.b, 'weights[1] must be b itself, not a copy (updates happen in place)').toBe(
      true,
    );
  });

  it('the same generator state gives the same W; init "glorotUniform" draws from ±sqrt(6 / (in + out))', () => {
    const a = new NaiveDense(20, 30, 'relu', { rng: createRng(SEED) });
    const b = new NaiveDense(20, 30, 'relu', { rng: createRng(SEED) });
    expect(b.W).toBeAllClose(a.W, { rtol: 0, atol: 0, label: 'W of two layers drawn from createRng(seed)' });
    const glorot = new NaiveDense(784, 512, 'relu', { init: 'glorotUniform', rng: createRng(SEED) });
    const limit = Math.sqrt(6 / (784 + 512)); // 0.0680
    // W is float32: a draw just inside ±limit may round to the float32 just outside it,
    // ±fround(limit), 2.5e-9 further out (a wrong limit, sqrt(6 / 784) say, is 0.02 off).
    const bound = Math.fround(limit);
    const [lo, hi, mean] = [minOf(glorot.W), maxOf(glorot.W), meanOf(glorot.W)];
    expect(
      lo >= -bound && hi <= bound && lo < -0.99 * limit && hi > 0.99 * limit && Math.abs(mean) < 0.001,
      `init "glorotUniform": W must be uniform in [−${limit.toFixed(4)}, ${limit.toFixed(4)}], got values in [${lo}, ${hi}] with mean ${mean}`,
    ).toBe(true);
    expect(() => new NaiveDense(3, 2, 'tanh' as ActivationName)).toThrowKind(ArgumentError, /NaiveDense.*"tanh"/);
  });

  it('call(x) is activation(x·W + b): a worked example', () => {
    const layer = new NaiveDense(3, 2, 'relu', { rng: createRng(SEED) });
    layer.W = NDArray.fromNested([
      [1, 0],
      [0, 1],
      [1, -1],
    ]);
    layer.b = NDArray.fromNested([0.5, -1]);
    const x = NDArray.fromNested([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // x·W = [[1 + 3, 2 − 3], [4 + 6, 5 − 6]] = [[4, −1], [10, −1]]; + b = [[4.5, −2], [10.5, −2]]
    const y = layer.call(x);
    expect(y).toHaveShape([2, 2]);
    expect(y).toBeAllClose(
      [
        [4.5, 0],
        [10.5, 0],
      ],
      f32(10.5, 3, 'relu layer'),
    );
    // softmax([4.5, −2]) = [1, e^−6.5] / (1 + e^−6.5) = [0.998499, 0.001501]
    const soft = new NaiveDense(3, 2, 'softmax', { rng: createRng(SEED) });
    soft.W = layer.W;
    soft.b = layer.b;
    const p = soft.call(x);
    expect(p).toHaveShape([2, 2]);
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    expect(p).toBeAllClose(
      [
        [s(6.5), 1 - s(6.5)],
        [s(12.5), 1 - s(12.5)],
      ],
      f32(1, 3, 'softmax layer'),
    );
  });

  it('call agrees with TensorFlow.js on random layers', () => {
    const cases = fc
      .record({
        batch: fc.integer({ min: 1, max: 5 }),
        nIn: fc.integer({ min: 1, max: 6 }),
        nOut: fc.integer({ min: 1, max: 6 }),
        activation: fc.constantFrom<ActivationName>('relu', 'softmax'),
        seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      })
      .chain((c) =>
        fc.record({
          c: fc.constant(c),
          x: arrayOfShape([c.batch, c.nIn], { bound: 1 }),
          b: arrayOfShape([c.nOut], { bound: 1 }),
        }),
      );
    fc.assert(
      fc.property(cases, ({ c, x, b }) => {
        const layer = new NaiveDense(c.nIn, c.nOut, c.activation, { init: 'glorotUniform', rng: createRng(c.seed) });
        layer.b = b;
        const y = layer.call(x);
        const expected = runOracle(
          oracle,
          (tf, tx, tw, tb) => {
            const z = tf.add(tf.matMul(tx as Tensor, tw as Tensor), tb as Tensor);
            return c.activation === 'relu' ? tf.relu(z) : tf.softmax(z);
          },
          x,
          layer.W,
          b,
        );
        expect(y).toHaveShape([c.batch, c.nOut]);
        expect(y).toBeAllClose(expected, f32(expected, 4 * c.nIn, `NaiveDense(${c.nIn}, ${c.nOut}, ${c.activation})`));
      }),
    );
  });

  it('the book’s model: NaiveSequential of 784 → 512 relu → 10 softmax has 4 weights and gives [n, 10] probabilities', () => {
    const rng = createRng(SEED);
    const first = new NaiveDense(784, 512, 'relu', { rng });
    const second = new NaiveDense(512, 10, 'softmax', { rng });
    const model = new NaiveSequential([first, second]);
    // the book: assert len(model.weights) == 4
    expect(model.weights, 'model.weights: [W, b] of every layer, in order').toHaveLength(4);
    [first.W, first.b, second.W, second.b].forEach((w, k) => {
      expect(model.weights[k] === w, `model.weights[${k}] must be the layer's own array, not a copy`).toBe(true);
    });
    const x = imagesToArray(subset(mnist.train, 5));
    const p = model.call(x);
    expect(p).toHaveShape([5, 10]);
    expect(p).toBeAllClose(second.call(first.call(x)), f32(1, 784, 'model.call(x) vs layer 2 of layer 1'));
    for (let r = 0; r < 5; r++) {
      const rowSum = Array.from(p.data.subarray(r * 10, r * 10 + 10)).reduce((s, v) => s + v, 0);
      expect(rowSum, `row ${r} of the probabilities must sum to 1`).toBeCloseTo(1, 5);
    }
  });

  it('layers that do not fit are a ShapeError naming them', () => {
    const rng = createRng(SEED);
    expect(
      () =>
        new NaiveSequential([new NaiveDense(784, 512, 'relu', { rng }), new NaiveDense(100, 10, 'softmax', { rng })]),
    ).toThrowKind(
      ShapeError,
      /NaiveSequential: layers\[1\] takes 100 inputs \(W \[100,10\]\), but layers\[0\] gives 512/,
    );
    expect(() => new NaiveSequential([])).toThrowKind(ArgumentError, /NaiveSequential: needs at least one layer/);
  });

  it('sizes are whole numbers of at least 1, init is uniform or glorotUniform: anything else is an ArgumentError', () => {
    const rng = createRng(SEED);
    // the smallest layer: 1 input, 1 output
    expect(new NaiveDense(1, 1, 'relu', { rng }).W).toHaveShape([1, 1]);
    expect(() => new NaiveDense(0, 2, 'relu', { rng })).toThrowKind(
      ArgumentError,
      /NaiveDense: inputSize must be a positive integer, got 0/,
    );
    expect(() => new NaiveDense(-1, 2, 'relu', { rng })).toThrowKind(
      ArgumentError,
      /NaiveDense: inputSize must be a positive integer, got (0|-1)/,
    );
    expect(() => new NaiveDense(2, 0, 'relu', { rng })).toThrowKind(
      ArgumentError,
      /NaiveDense: outputSize must be a positive integer, got (0|1\.5)/,
    );
    expect(() => new NaiveDense(2, 1.5, 'relu', { rng })).toThrowKind(
      ArgumentError,
      /NaiveDense: outputSize must be a positive integer, got (0|1\.5)/,
    );
    expect(() => new NaiveDense(2, 2, 'relu', { init: 'he' as InitializerName, rng })).toThrowKind(
      ArgumentError,
      /NaiveDense: unknown init "he" \(known: uniform, glorotUniform\)/,
    );
  });

  it('W comes from the rng option: another seed gives another W; without it, createRng() (the run’s seed)', () => {
    const a = new NaiveDense(3, 4, 'relu', { rng: createRng(SEED) });
    const b = new NaiveDense(3, 4, 'relu', { rng: createRng(SEED + 1) });
    expect(
      a.W.data.some((v, i) => v !== b.W.data[i]),
      'NaiveDense with createRng(seed) and createRng(seed + 1) drew the same W: draw from options.rng',
    ).toBe(true);
    const byDefault = new NaiveDense(3, 4, 'relu');
    const seeded = new NaiveDense(3, 4, 'relu', { rng: createRng() });
    expect(byDefault.W).toBeAllClose(seeded.W, { rtol: 0, atol: 0, label: 'W without rng vs with createRng()' });
  });

  it('call refuses inputs that are not [batch, inputSize]: a ShapeError naming both shapes', () => {
    const layer = new NaiveDense(3, 2, 'relu', { rng: createRng(SEED) });
    expect(() => layer.call(NDArray.zeros([2, 4]))).toThrowKind(
      ShapeError,
      /NaiveDense\.call: inputs must be \[batch, 3\] for W \[3,2\], got \[2,4\]/,
    );
    // rank 3 with a second axis of 3: the width alone would pass
    expect(() => layer.call(NDArray.zeros([2, 3, 1]))).toThrowKind(
      ShapeError,
      /NaiveDense\.call: inputs must be \[batch, 3\] for W \[3,2\], got \[2,(4|3,1)\]/,
    );
  });
});

describe('step 5: BatchGenerator — the book’s consecutive batches', () => {
  /** Row i is [i, 10 + i, 20 + i], so every batch shows which samples it holds. */
  const numbered = (n: number) =>
    NDArray.fromNested(
      Array.from({ length: n }, (_, i) => [i, 10 + i, 20 + i]),
      'float32',
    );

  it('5 samples in batches of 2: [0, 1], [2, 3], [4] — in order, the last one smaller', () => {
    const gen = new BatchGenerator(numbered(5), [0, 1, 2, 3, 4], 2);
    expect(gen.numBatches, 'numBatches = ceil(5 / 2): the last, smaller batch counts too').toBe(3);
    const batches = [gen.next(), gen.next(), gen.next()];
    expect(batches[0]?.images).toHaveShape([2, 3]);
    expect(batches[0]?.images).toBeAllClose(
      [
        [0, 10, 20],
        [1, 11, 21],
      ],
      { label: 'batch 0 images' },
    );
    expect(batches[0]?.labels, 'batch 0 labels').toEqual([0, 1]);
    expect(batches[1]?.images).toBeAllClose(
      [
        [2, 12, 22],
        [3, 13, 23],
      ],
      { label: 'batch 1 images' },
    );
    expect(batches[1]?.labels, 'batch 1 labels').toEqual([2, 3]);
    expect(batches[2]?.images, 'the last batch holds what is left').toHaveShape([1, 3]);
    expect(batches[2]?.images).toBeAllClose([[4, 14, 24]], { label: 'batch 2 images' });
    expect(batches[2]?.labels, 'batch 2 labels').toEqual([4]);
    expect(() => gen.next(), 'a 4th next(): every batch has been served').toThrowKind(
      ArgumentError,
      /BatchGenerator\.next: all 3 batches of the 5 samples have been served/,
    );
  });

  it('batchSize defaults to 128, as the book: 1,000 MNIST images make 8 batches, the last of 104', () => {
    const split = subset(mnist.train, 1000);
    const images = imagesToArray(split);
    const gen = new BatchGenerator(images, split.labels);
    expect(gen.numBatches, 'numBatches = ceil(1000 / 128)').toBe(8);
    const sizes: number[] = [];
    const labels: number[] = [];
    const batches: NDArray[] = [];
    for (let k = 0; k < 8; k++) {
      const batch = gen.next();
      sizes.push(batch.images.shape[0]);
      labels.push(...batch.labels);
      batches.push(batch.images);
    }
    expect(sizes, 'batch sizes').toEqual([128, 128, 128, 128, 128, 128, 128, 104]);
    expect(labels, 'the labels of all batches, in order').toEqual(Array.from(split.labels));
    // The batches end to end, copied with set(): pushing 784,000 pixels one by one takes a while.
    const rows = new Float32Array(batches.reduce((n, b) => n + b.size, 0));
    let offset = 0;
    for (const b of batches) {
      rows.set(b.data, offset);
      offset += b.size;
    }
    expect(new NDArray(rows, [1000, 784])).toBeAllClose(images, {
      rtol: 0,
      atol: 0,
      label: 'the images of all batches, in order',
    });
  });

  it('one label per image, a batch size of at least 1; the images are not changed', () => {
    const images = numbered(5);
    expect(() => new BatchGenerator(images, [0, 1, 2, 3], 2)).toThrowKind(
      ShapeError,
      /BatchGenerator.*5 images.*4 labels/,
    );
    expect(() => new BatchGenerator(images, [0, 1, 2, 3, 4], 0)).toThrowKind(
      ArgumentError,
      /BatchGenerator.*batchSize/,
    );
    const gen = new BatchGenerator(images, [0, 1, 2, 3, 4], 5);
    expect(() => gen.next()).toLeaveUnchanged({ images }, 'gen.next()');
  });

  it('batchSize 1 gives one sample per batch; 0, −1 and 1.5 are ArgumentErrors; images must be a matrix', () => {
    const gen = new BatchGenerator(numbered(3), [7, 8, 9], 1);
    expect(gen.numBatches, 'numBatches = ceil(3 / 1)').toBe(3);
    expect([gen.next().labels, gen.next().labels, gen.next().labels], 'the labels, one per batch').toEqual([
      [7],
      [8],
      [9],
    ]);
    for (const size of [0, -1, 1.5]) {
      expect(() => new BatchGenerator(numbered(3), [7, 8, 9], size), `batchSize ${size}`).toThrowKind(
        ArgumentError,
        /BatchGenerator: batchSize must be a positive integer, got/,
      );
    }
    expect(() => new BatchGenerator(NDArray.zeros([5, 2, 2]), [0, 1, 2, 3, 4], 2)).toThrowKind(
      ShapeError,
      /BatchGenerator: images must be \[samples, features\], got \[5,2,2\]/,
    );
  });
});

describe('step 6: the loss and its gradients — the backward pass of exercise 06', () => {
  it('a worked example: 2 → 2 relu → 2 softmax, one image; the relu stops the gradient of the unit it zeroed', () => {
    const first = new NaiveDense(2, 2, 'relu', { rng: createRng(SEED) });
    const second = new NaiveDense(2, 2, 'softmax', { rng: createRng(SEED) });
    first.W = NDArray.fromNested([
      [1, 0],
      [0, 1],
    ]);
    first.b = NDArray.fromNested([0, -3]);
    second.W = NDArray.fromNested([
      [1, -1],
      [2, 0],
    ]);
    second.b = NDArray.fromNested([0, 0]);
    const model = new NaiveSequential([first, second]);
    const { loss, gradients } = lossAndGradients(model, NDArray.fromNested([[1, 2]]), [1]);
    // z1 = [1, 2]·I + [0, −3] = [1, −1]; a1 = relu = [1, 0]; z2 = a1·W2 = [1, −1]
    // p = softmax([1, −1]) = [q, 1 − q] with q = 1 / (1 + e^−2) = 0.8807971; label 1: loss = −ln(1 − q) = 2.1269280
    const q = 1 / (1 + Math.exp(-2));
    expect(loss).toBeAllClose(Math.log(1 + Math.exp(2)), f32(2.2, 4, 'loss'));
    // dZ2 = p − onehot(1) = [q, −q] (batch 1); dW2 = a1ᵀ·dZ2 = [[q, −q], [0, 0]]; db2 = [q, −q]
    // dA1 = dZ2·W2ᵀ = [q·1 + (−q)(−1), q·2 + (−q)·0] = [2q, 2q]; relu′(z1) = [1, 0] → dZ1 = [2q, 0]
    // dW1 = xᵀ·dZ1 = [[1·2q, 0], [2·2q, 0]]; db1 = [2q, 0]
    const expected = [
      [
        [2 * q, 0],
        [4 * q, 0],
      ],
      [2 * q, 0],
      [
        [q, -q],
        [0, 0],
      ],
      [q, -q],
    ];
    expect(gradients, 'gradients: one per weight, [dW1, db1, dW2, db2]').toHaveLength(4);
    const names = ['dW1', 'db1', 'dW2', 'db2'];
    expected.forEach((e, k) => {
      const want = NDArray.fromNested(e);
      expect(gradients[k]).toHaveShape(want.shape);
      expect(gradients[k]).toBeAllClose(want, f32(4, 8, names[k] as string));
    });
  });

  it('agrees with tf.variableGrads on random networks of 1 or 2 relu layers and a softmax', () => {
    const nets = fc
      .record({
        sizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 3 }),
        classes: fc.integer({ min: 2, max: 5 }),
        batch: fc.integer({ min: 1, max: 6 }),
        seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      })
      .chain(({ sizes, classes, batch, seed }) =>
        fc.record({
          sizes: fc.constant([...sizes, classes]),
          seed: fc.constant(seed),
          // pixels are in [0, 1]
          x: arrayOfShape([batch, sizes[0]], { bound: 1 }).map((a) => new NDArray(a.data.map(Math.abs), a.shape)),
          labels: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: batch, maxLength: batch }),
        }),
      );
    fc.assert(
      fc.property(nets, ({ sizes, seed, x, labels }) => {
        const model = kinkFreeModel(sizes, seed, x);
        const got = lossAndGradients(model, x, labels);
        const want = oracleLossAndGradients(model.weights, activationsOf(sizes), x, labels);
        const terms = 8 * sizes.reduce((s, n) => s + n, x.shape[0]);
        expect(got.loss).toBeAllClose(want.loss, f32(want.loss, terms, 'loss vs TensorFlow.js'));
        expect(got.gradients, 'one gradient per weight').toHaveLength(want.gradients.length);
        want.gradients.forEach((g, k) => {
          expect(got.gradients[k]).toHaveShape(g.shape);
          expect(got.gradients[k]).toBeAllClose(g, f32(g, terms, `gradient ${k} vs tf.variableGrads`, 0.1));
        });
      }),
      // 50 cases, not 100: each one tapes a whole network in TensorFlow.js.
      runs(50),
    );
  });

  it('agrees with tf.variableGrads for the book’s network on 32 MNIST images', () => {
    const sizes = [784, 512, 10];
    const split = subset(mnist.train, 32);
    const x = imagesToArray(split);
    const model = kinkFreeModel(sizes, SEED, x);
    const got = lossAndGradients(model, x, split.labels);
    const want = oracleLossAndGradients(model.weights, activationsOf(sizes), x, split.labels);
    expect(got.loss).toBeAllClose(want.loss, f32(want.loss, 784, 'loss vs TensorFlow.js'));
    ['dW1', 'db1', 'dW2', 'db2'].forEach((name, k) => {
      const g = want.gradients[k] as NDArray;
      expect(got.gradients[k]).toHaveShape(g.shape);
      expect(got.gradients[k]).toBeAllClose(g, f32(g, 784, `${name} vs tf.variableGrads`, 0.01));
    });
  });

  it('one label per image, each a class index; the last layer must be softmax', () => {
    const model = naiveModel([3, 4, 2], SEED);
    const x = NDArray.full([2, 3], 0.5, 'float32');
    expect(lossAndGradients(model, x, [0, 1]).gradients).toHaveLength(4);
    expect(() => lossAndGradients(model, x, [0])).toThrowKind(ShapeError, /lossAndGradients.*1 labels.*2/);
    expect(() => lossAndGradients(model, x, [0, 2])).toThrowKind(ArgumentError, /lossAndGradients.*label 2/);
    const noSoftmax = new NaiveSequential([new NaiveDense(3, 2, 'relu', { rng: createRng(SEED) })]);
    expect(() => lossAndGradients(noSoftmax, x, [0, 1])).toThrowKind(
      ArgumentError,
      /lossAndGradients: layers\[0\] is relu, but the backward pass here needs relu layers and a softmax last \(got relu\)/,
    );
    const twoRelu = new NaiveSequential([
      new NaiveDense(3, 2, 'relu', { rng: createRng(SEED) }),
      new NaiveDense(2, 2, 'relu', { rng: createRng(SEED) }),
    ]);
    expect(() => lossAndGradients(twoRelu, x, [0, 1])).toThrowKind(
      ArgumentError,
      /lossAndGradients: layers\[1\] is relu, but the backward pass here needs relu layers and a softmax last \(got relu, relu\)/,
    );
  });

  it('labels below 0 or between classes are ArgumentErrors too', () => {
    const model = naiveModel([3, 4, 2], SEED);
    const x = NDArray.full([2, 3], 0.5, 'float32');
    expect(() => lossAndGradients(model, x, [0, -1])).toThrowKind(
      ArgumentError,
      /lossAndGradients: label -1 \(sample 1\) is not a class index 0 to 1/,
    );
    expect(() => lossAndGradients(model, x, [1, 0.5])).toThrowKind(
      ArgumentError,
      /lossAndGradients: label (-1|0\.5) \(sample 1\) is not a class index 0 to 1/,
    );
  });

  it('p is clipped to [1e-7, 1 − 1e-7]: a saturated softmax costs about 1e-7 when right and −ln 1e-7 when wrong', () => {
    const layer = new NaiveDense(1, 2, 'softmax', { rng: createRng(SEED) });
    layer.W = NDArray.fromNested([[100, 0]]);
    const model = new NaiveSequential([layer]);
    const x = NDArray.fromNested([[1]]);
    // z = [100, 0]: p = [1/(1 + e^−100), e^−100/(1 + e^−100)] = [1, 3.7e-44] in float64 and float32
    // label 0: −ln(min(1 − 1e-7, 1)) = 1.0000000495e-7 (1.19e-7 where 1 − 1e-7 is rounded to
    // float32, as Keras does); unclipped it would be 0
    expect(lossAndGradients(model, x, [0]).loss).toBeAllClose(-Math.log(1 - 1e-7), {
      rtol: 0,
      atol: 5e-8,
      label: 'loss of p = 1, clipped to 1 − 1e-7',
    });
    // label 1: −ln(max(1e-7, 3.7e-44)) = −ln 1e-7 = 16.118096; unclipped it would be 100
    expect(lossAndGradients(model, x, [1]).loss).toBeAllClose(-Math.log(1e-7), {
      rtol: 1e-6,
      atol: 0,
      label: 'loss of p = 3.7e-44, clipped to 1e-7',
    });
  });
});

describe('step 7: one training step — w −= lr·g', () => {
  it('updateWeights: w − lr·g for every pair, in place, as the book’s w.assign_sub(g * learning_rate)', () => {
    const w = NDArray.fromNested([[1, 2]]);
    const b = NDArray.fromNested([3]);
    const g = NDArray.fromNested([[0.5, -1]]);
    const gb = NDArray.fromNested([2]);
    expect(() => updateWeights([g, gb], [w, b], 0.1)).toLeaveUnchanged({ g, gb }, 'updateWeights');
    // [1 − 0.1·0.5, 2 − 0.1·(−1)] = [0.95, 2.1]: against the gradient; b: 3 − 0.1·2 = 2.8
    expect(w).toBeAllClose([[0.95, 2.1]], { label: 'w after updateWeights (the same array, changed in place)' });
    expect(b).toBeAllClose([2.8], { label: 'b after updateWeights' });
  });

  it('gradients and weights must pair up: same count, same shapes', () => {
    const w = NDArray.zeros([1, 2]);
    updateWeights([NDArray.ones([1, 2])], [w], 1);
    expect(w).toBeAllClose([[-1, -1]], { label: 'w = 0 after updateWeights([ones], [w], 1)' });
    expect(() => updateWeights([NDArray.zeros([2, 1])], [NDArray.zeros([1, 2])], 0.1)).toThrowKind(
      ShapeError,
      /updateWeights.*\[2,1\].*\[1,2\]/,
    );
    expect(() => updateWeights([NDArray.zeros([1]), NDArray.zeros([1])], [NDArray.zeros([1])], 0.1)).toThrowKind(
      ArgumentError,
      /updateWeights.*2 gradients.*1 weight/,
    );
  });

  it('a gradient of another rank, or with its dimensions in another order, is a ShapeError', () => {
    // [2] vs [2,1]: the same size and the same first dimension, another rank
    expect(() => updateWeights([NDArray.zeros([2])], [NDArray.zeros([2, 1])], 0.1)).toThrowKind(
      ShapeError,
      /updateWeights: gradient 0 has shape \[\d+(,\d+)*\], but weight 0 has shape \[\d+(,\d+)*\]/,
    );
    // [1,2,3] vs [1,3,2]: the same size and rank, the first dimension equal, the others swapped
    expect(() => updateWeights([NDArray.zeros([1, 2, 3])], [NDArray.zeros([1, 3, 2])], 0.1)).toThrowKind(
      ShapeError,
      /updateWeights: gradient 0 has shape \[\d+(,\d+)*\], but weight 0 has shape \[\d+(,\d+)*\]/,
    );
  });

  const LR = 0.1;

  it('trainingStep on 64 MNIST images returns the loss before the step and moves every weight by −lr·∂loss/∂w', () => {
    const sizes = [784, 32, 10];
    const split = subset(mnist.train, 64);
    const x = imagesToArray(split);
    const model = kinkFreeModel(sizes, SEED, x);
    const before = snapshot(model);
    const want = oracleLossAndGradients(before, activationsOf(sizes), x, split.labels);
    const loss = trainingStep(model, x, split.labels, LR);
    expect(loss, 'trainingStep returns the loss of the batch before the update').toBeAllClose(
      want.loss,
      f32(want.loss, 784, 'loss'),
    );
    const after = model.weights;
    expect(after, 'model.weights after the step').toHaveLength(4);
    ['W1', 'b1', 'W2', 'b2'].forEach((name, k) => {
      const w0 = before[k] as NDArray;
      const g = want.gradients[k] as NDArray;
      const w1 = after[k] as NDArray;
      expect(w1).toHaveShape(w0.shape);
      const delta = new NDArray(
        w1.data.map((v, i) => v - w0.data[i]),
        w0.shape,
      );
      const expected = new NDArray(
        g.data.map((v) => -LR * v),
        g.shape,
      );
      // the gradient's float32 tolerance, plus the rounding of w − lr·g to float32
      const tol = f32(g, 784, '', 0.01);
      const atol = LR * (tol.atol as number) + 4 * FLOAT32_UNIT_ROUNDOFF * maxAbs(w0);
      expect(delta).toBeAllClose(expected, {
        rtol: tol.rtol as number,
        atol,
        label: `the change of ${name} (must be −lr·∂loss/∂${name})`,
      });
    });
  });

  it('one trainingStep lowers the loss of its batch', () => {
    const model = naiveModel([784, 32, 10], SEED);
    const split = subset(mnist.train, 128);
    const x = imagesToArray(split);
    const before = meanCrossEntropy(model.call(x), split.labels);
    trainingStep(model, x, split.labels, LR);
    const after = meanCrossEntropy(model.call(x), split.labels);
    expect(after, lossChange(before, after, `after one trainingStep (lr ${LR})`)).toBeLessThan(before);
  });
});

describe('step 8: fit and evaluate — the whole loop, from scratch', () => {
  it('evaluate is the fraction of images whose argmax over the classes is the label', () => {
    const layer = new NaiveDense(2, 3, 'softmax', { rng: createRng(SEED) });
    layer.W = NDArray.fromNested([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    layer.b = NDArray.fromNested([0, 0, 0.5]);
    const model = new NaiveSequential([layer]);
    const x = NDArray.fromNested([
      [2, 0],
      [0, 3],
      [0.1, 0.2],
      [1, 4],
    ]);
    // z = x·W + b = [[2, 0, 0.5], [0, 3, 0.5], [0.1, 0.2, 0.5], [1, 4, 0.5]] → classes [0, 1, 2, 1]
    // labels [0, 1, 1, 1]: 3 of 4 right
    expect(evaluate(model, x, [0, 1, 1, 1])).toBeAllClose(0.75, { label: 'evaluate' });
    // 200 test images and a random model: compare with argmax(model.call(x)) == labels
    const random = naiveModel([784, 16, 10], SEED);
    const split = subset(mnist.test, 200);
    const images = imagesToArray(split);
    expect(evaluate(random, images, split.labels)).toBeAllClose(accuracyOf(random.call(images), split.labels), {
      label: 'evaluate on 200 test images',
    });
  });

  it('fit: a new BatchGenerator every epoch, one trainingStep per batch; returns each epoch’s mean loss per sample', () => {
    const split = subset(mnist.train, 100);
    const x = imagesToArray(split);
    const model = naiveModel([784, 16, 10], SEED);
    // biome-ignore lint/suspicious/noFocusedTests: the book's fit, not a focused test
    const losses = fit(model, x, split.labels, { epochs: 2, batchSize: 40, learningRate: 0.1 });
    // the same by hand: batches of 40, 40 and 20 samples; the epoch's loss weighs each batch by its size
    const byHand = naiveModel([784, 16, 10], SEED);
    const expected: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      const batches = new BatchGenerator(x, split.labels, 40);
      let total = 0;
      for (let k = 0; k < batches.numBatches; k++) {
        const batch = batches.next();
        total += trainingStep(byHand, batch.images, batch.labels, 0.1) * batch.labels.length;
      }
      expected.push(total / 100);
    }
    expect(losses, 'fit returns one loss per epoch').toHaveLength(2);
    expect(losses).toBeAllClose(expected, { rtol: 1e-6, atol: 1e-9, label: 'the loss of each epoch' });
    byHand.weights.forEach((w, k) => {
      expect(model.weights[k]).toBeAllClose(w, { rtol: 1e-6, atol: 1e-9, label: `weight ${k} after fit` });
    });
  });

  it('fit runs 1 epoch or more (0, −1 and 1.5 are ArgumentErrors); evaluate wants one label per image', () => {
    const x = NDArray.full([4, 3], 0.5, 'float32');
    const labels = [0, 1, 0, 1];
    // biome-ignore lint/suspicious/noFocusedTests: the book's fit, not a focused test
    expect(fit(naiveModel([3, 2], SEED), x, labels, { epochs: 1, learningRate: 0.1 }), 'one epoch').toHaveLength(1);
    for (const epochs of [0, -1, 1.5]) {
      expect(
        // biome-ignore lint/suspicious/noFocusedTests: the book's fit, not a focused test
        () => fit(naiveModel([3, 2], SEED), x, labels, { epochs, learningRate: 0.1 }),
        `epochs ${epochs}`,
      ).toThrowKind(ArgumentError, /fit: epochs must be a positive integer, got/);
    }
    expect(() => evaluate(naiveModel([3, 2], SEED), x, [0, 1, 0])).toThrowKind(
      ShapeError,
      /evaluate: 3 labels for 4 images: need one label per image/,
    );
  });

  it(
    'fit 2 epochs over 2,000 images (Glorot init, lr 0.2): the loss falls and ≥ 75% of 2,000 held-out test images are right',
    () => {
      // The book's model with the initialisation of Keras (README.md says why), then your
      // prepareImages (step 2): the model first, so that a TODO fails before 4,000 images are prepared.
      const sizes = [784, 512, 10];
      const model = naiveModel(sizes, SEED);
      const x = prepareImages(rawImages(mnist.train, TRAIN_SIZE));
      const xTest = prepareImages(rawImages(mnist.test, TEST_SIZE));
      const yTest = subset(mnist.test, TEST_SIZE).labels;
      // biome-ignore lint/suspicious/noFocusedTests: the book's fit, not a focused test
      const losses = fit(model, x, subset(mnist.train, TRAIN_SIZE).labels, {
        epochs: 2,
        batchSize: 128,
        learningRate: 0.2,
      });
      expect(losses, 'fit returns one loss per epoch').toHaveLength(2);
      const [first, second] = losses as [number, number];
      expect(second, lossChange(first, second, 'from epoch 1 to epoch 2')).toBeLessThan(first);
      // The trained weights, run through TensorFlow.js: one batched call, not 2,000 images
      // through lib/ops (0.4 s). Step 4 checks model.call itself against the same forward pass.
      const accuracy = accuracyOf(oracleProbabilities(model.weights, activationsOf(sizes), xTest), yTest);
      expect(
        accuracy,
        `held-out accuracy ${accuracy.toFixed(4)} after 2 epochs over ${TRAIN_SIZE} images is below ${HELD_OUT_THRESHOLD} (the reference solution: 0.81–0.83 for every seed tried). ` +
          'Check that the pixels are scaled (step 2), init "glorotUniform" is used (step 4), the gradients (step 6) and w − lr·g (step 7).',
      ).toBeGreaterThanOrEqual(HELD_OUT_THRESHOLD);
    },
    TRAINING_TIMEOUT,
  );
});
