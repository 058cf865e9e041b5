/**
 * Made-up but plausible training histories for the chart's tests: a loss that falls and an
 * accuracy that rises like MNIST's, with seeded noise, logged the way `npm run mnist` logs them.
 */
import { createRng } from '../../lib/rng.ts';
import { type EpochPoint, StepRecorder } from '../../scripts/lib/training-log.ts';

export interface SyntheticRun {
  steps: StepRecorder['points'];
  test: EpochPoint[];
  every: number;
  stepsPerEpoch: number;
}

/**
 * `epochs` epochs of `stepsPerEpoch` batches of 128, logged every `every` steps, and a test point
 * per epoch at `testAccuracy` (by default a little above anything the training curve reaches).
 */
export function syntheticRun(options: {
  epochs: number;
  stepsPerEpoch?: number;
  every?: number;
  seed?: number;
  testAccuracy?: (epoch: number) => number;
}): SyntheticRun {
  const { epochs, stepsPerEpoch = 469, every = 2, seed = 7 } = options;
  const rng = createRng(seed);
  const log = new StepRecorder(stepsPerEpoch, every);
  for (let s = 1; s <= epochs * stepsPerEpoch; s++) {
    const t = s / stepsPerEpoch;
    const accuracy = Math.min(0.97, 0.97 - 0.85 * Math.exp(-12 * t) + rng.normal(0, 0.015));
    log.add({ loss: Math.max(0.02, 2.3 * Math.exp(-10 * t) + 0.12 + rng.normal(0, 0.04)), accuracy, size: 128 });
  }
  const testAccuracy = options.testAccuracy ?? ((e: number) => 0.975 + 0.004 * e);
  const test = Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, loss: 0.09, accuracy: testAccuracy(i + 1) }));
  return { steps: log.points, test, every, stepsPerEpoch };
}
