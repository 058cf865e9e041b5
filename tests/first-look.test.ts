/**
 * Step 0 of 01 shows the chapter's network (the notes' §2.1, the book's first listing) in
 * TensorFlow.js layers, with a claim: about 98% of the test images right after 5 epochs on all of
 * MNIST. That takes minutes; here the README's own lines run on a small subset (2,000 training
 * images, 2 epochs), unchanged except for those two numbers, and must already get three in four of 1,000
 * test images right. So the code a learner copies from the README runs, and learns.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imagesToArray, loadMnist, subset } from '../lib/mnist-data.ts';
import { loadOracle } from '../lib/oracle.ts';
import { createRng } from '../lib/rng.ts';
import { listExercises } from '../scripts/lib/exercises.ts';

const tensors = listExercises().find((e) => e.name === '01-tensors');

/** The ts code block of README's step 0. */
function firstLook(file: string): string {
  const text = readFileSync(file, 'utf8');
  const step0 = text.slice(text.search(/^## (Step 0|0단계)/m));
  const block = /```ts\n([\s\S]*?)```/.exec(step0)?.[1];
  if (!block) throw new Error(`${file}: no ts code block in step 0`);
  return block;
}

describe("01's first look: the book's network in TensorFlow.js layers", () => {
  const en = firstLook(tensors?.readme ?? '');

  it('is the same code in both languages', () => {
    expect(firstLook(tensors?.readmeKo ?? '')).toBe(en);
  });

  it('runs as written on 2,000 images for 2 epochs and gets three in four of 1,000 test images right', async () => {
    const train = 2000;
    const test = 1000;
    const code = en.replace('[60000, 784]', `[${train}, 784]`).replace('epochs: 5', 'epochs: 2');
    expect(code).not.toBe(en);
    const lines = code.trimEnd().split('\n');
    const last = lines.pop() as string;
    expect(last).toMatch(/^model\.predict\(testXs\)\.argMax\(-1\);/);
    const body = [...lines, `return ${last}`].join('\n');

    const { tf } = await loadOracle();
    const mnist = loadMnist();
    const trainSplit = subset(mnist.train, train);
    const testSplit = subset(mnist.test, test);
    const trainImages = tf.tensor3d(Float32Array.from(trainSplit.images), [train, 28, 28]);
    const trainLabels = tf.tensor1d(Float32Array.from(trainSplit.labels));
    const testX = imagesToArray(testSplit);
    const testXs = tf.tensor2d(testX.data as Float32Array, [test, 784]);

    // TF.js draws its initial weights and shuffles its batches with Math.random: seed it for the run.
    const random = Math.random;
    const rng = createRng();
    Math.random = () => rng.next();
    try {
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
        ...args: string[]
      ) => (...values: unknown[]) => Promise<{ dataSync(): ArrayLike<number> }>;
      const run = new AsyncFunction('tf', 'trainImages', 'trainLabels', 'testXs', body);
      const predicted = (await run(tf, trainImages, trainLabels, testXs)).dataSync();
      expect(predicted.length).toBe(test);
      const right = Array.from(predicted).filter((p, i) => p === testSplit.labels[i]).length;
      // Chance is 10%; 2,000 images and 32 steps give 80–85% (all of MNIST and 5 epochs, about 98%).
      expect(right / test).toBeGreaterThan(0.75);
    } finally {
      Math.random = random;
      tf.dispose([trainImages, trainLabels, testXs]);
    }
  }, 120_000);
});
