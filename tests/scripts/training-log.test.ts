/**
 * scripts/lib/training-log.ts: the training curve step by step — windows of k mini-batches weighted by
 * their sizes, closed at every epoch's end — fed by lib/nn's `fit` the way `npm run mnist` feeds it.
 */
import { describe, expect, it } from 'vitest';
import { fit, MLP, makeOptimizer } from '../../lib/nn/index.ts';
import { createRng } from '../../lib/rng.ts';
import { coarsen, logInterval, type StepLog, StepRecorder } from '../../scripts/lib/training-log.ts';

describe('logInterval', () => {
  it('logs every step of a short run and keeps a long one to about 250 points', () => {
    expect(logInterval(24)).toBe(1);
    expect(logInterval(250)).toBe(1);
    expect(logInterval(469)).toBe(2); // one MNIST epoch: 235 points
    expect(logInterval(5 * 469)).toBe(10); // five: 235 points, not 2,345
    expect(logInterval(0)).toBe(1);
    expect(logInterval(1000, 100)).toBe(10);
  });

  it('refuses a count that is not a number ≥ 0, naming it', () => {
    expect(() => logInterval(Number.NaN)).toThrow(/logInterval: totalSteps must be a finite number ≥ 0, got NaN/);
    expect(() => logInterval(-1)).toThrow(/got -1/);
  });
});

describe('StepRecorder', () => {
  it('averages each window of k batches, weighted by their sizes', () => {
    const log = new StepRecorder(10, 2);
    log.add({ loss: 2, accuracy: 0.5, size: 100 });
    expect(log.points).toEqual([]); // the window is still open
    log.add({ loss: 1, accuracy: 1, size: 300 });
    // (2·100 + 1·300) / 400 = 1.25; (0.5·100 + 1·300) / 400 = 0.875
    expect(log.points).toEqual([{ step: 2, epoch: 0.2, loss: 1.25, accuracy: 0.875, samples: 400 }]);
  });

  it("closes a window early at the epoch's end, so that every epoch ends on a point", () => {
    const log = new StepRecorder(5, 2); // windows: steps 1–2, 3–4, 5 | 6–7, 8–9, 10
    for (let s = 1; s <= 10; s++) log.add({ loss: s, accuracy: 0, size: s === 5 || s === 10 ? 7 : 128 });
    expect(log.points.map((p) => p.step)).toEqual([2, 4, 5, 7, 9, 10]);
    expect(log.points.map((p) => p.epoch)).toEqual([0.4, 0.8, 1, 1.4, 1.8, 2]);
    expect(log.points.map((p) => p.samples)).toEqual([256, 256, 7, 256, 256, 7]);
    expect(log.points[2]?.loss).toBe(5);
  });

  it('flush closes a window that a stop left open, and does nothing when none is open', () => {
    const log = new StepRecorder(100, 10);
    for (let s = 0; s < 3; s++) log.add({ loss: 1, accuracy: 1, size: 8 });
    log.flush();
    log.flush();
    expect(log.points).toEqual([{ step: 3, epoch: 0.03, loss: 1, accuracy: 1, samples: 24 }]);
  });

  it('refuses sizes and intervals that are not positive integers, naming them', () => {
    expect(() => new StepRecorder(0, 1)).toThrow(/StepRecorder: stepsPerEpoch must be a positive integer, got 0/);
    expect(() => new StepRecorder(10, 1.5)).toThrow(/StepRecorder: every must be a positive integer, got 1.5/);
    expect(() => new StepRecorder(10, 1).add({ loss: 1, accuracy: 1, size: 0 })).toThrow(
      /StepRecorder.add: a batch's size must be a positive integer, got 0/,
    );
  });

  it("records lib/nn's fit: its points average to the epoch's History loss and accuracy", () => {
    const rng = createRng(3);
    const count = 200; // batches of 16: 12 full and one of 8
    const x = new Float32Array(count * 2).map(() => rng.normal(0, 1));
    const y = Uint8Array.from({ length: count }, (_, i) => (x[2 * i] > 0 ? 1 : 0));
    const model = new MLP(2, [{ units: 2, activation: 'softmax' }], { seed: 1 });
    const log = new StepRecorder(Math.ceil(count / 16), 3);
    const sizes: number[] = [];
    const data = { x, y, count, features: 2 };
    const history = fit(model, makeOptimizer('sgd', 0.1), data, {
      epochs: 2,
      batchSize: 16,
      seed: 2,
      onStep: (_s, _n, _loss, _acc, batch) => {
        sizes.push(batch.size);
        log.add(batch);
      },
    });
    expect(sizes.slice(0, 13)).toEqual([...new Array(12).fill(16), 8]);
    // 13 steps an epoch in windows of 3: 3, 6, 9, 12, 13 — five points an epoch.
    expect(log.points).toHaveLength(10);
    expect(log.points.map((p) => p.epoch).filter(Number.isInteger)).toEqual([1, 2]);
    history.epochs.forEach((e, i) => {
      const points = log.points.slice(5 * i, 5 * i + 5);
      const samples = points.reduce((n, p) => n + p.samples, 0);
      expect(samples).toBe(count);
      const mean = (key: 'loss' | 'accuracy') => points.reduce((s, p) => s + p[key] * p.samples, 0) / samples;
      expect(mean('loss')).toBeCloseTo(e.loss, 10);
      expect(mean('accuracy')).toBeCloseTo(e.accuracy, 10);
    });
    // The curve falls: the second epoch's last point is below the first point.
    expect(log.points.at(-1)?.loss).toBeLessThan(log.points[0]?.loss ?? 0);
  });
});

describe('coarsen', () => {
  const points: StepLog[] = Array.from({ length: 7 }, (_, i) => ({
    step: i + 1,
    epoch: (i + 1) / 7,
    loss: i,
    accuracy: i / 10,
    samples: i === 6 ? 2 : 4,
  }));

  it('merges neighbours into at most max points, weighted by samples, keeping the last step', () => {
    const c = coarsen(points, 3); // runs of 3: steps 1–3, 4–6, 7
    expect(c.map((p) => p.step)).toEqual([3, 6, 7]);
    expect(c.map((p) => p.samples)).toEqual([12, 12, 2]);
    expect(c[0]?.loss).toBeCloseTo(1, 12);
    expect(c[1]?.accuracy).toBeCloseTo(0.4, 12);
    expect(c[2]?.epoch).toBe(1);
  });

  it('keeps short curves as they are and refuses a max below 1', () => {
    expect(coarsen(points, 7)).toEqual(points);
    expect(coarsen([], 60)).toEqual([]);
    expect(() => coarsen(points, 0)).toThrow(/coarsen: max must be a positive integer, got 0/);
  });
});
