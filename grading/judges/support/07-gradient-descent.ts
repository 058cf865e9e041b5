/**
 * The judge of 07-gradient-descent's helpers: its inputs, stand-ins and replays, kept apart so that
 * grading/judges/07-gradient-descent.ts reads as its list of cases.
 */
import type * as Api from '../../../exercises/07-gradient-descent/gradient-descent.ts';
import { ArgumentError } from '../../../lib/errors.ts';
import { NDArray } from '../../../lib/ndarray.ts';
import type { JudgeRng } from '../../judge/api.ts';

export interface Problem {
  x: NDArray;
  y: NDArray;
}

/** n samples of d features and targets, small enough that a learning rate below 0.2 converges. */
export function problem(r: JudgeRng, n: number, d: number): Problem {
  return { x: r.ndarray([n, d]), y: r.ndarray([n], -2, 2) };
}

export const params = (w: ArrayLike<number>, b: number): Api.LinearParams => ({
  w: NDArray.fromFlat(w, [w.length]),
  b,
});

/** The judge's own MSE step and loss, so a replay does not rest on the learner's step 3. */
export function lossOf({ x, y }: Problem, w: ArrayLike<number>, b: number): number {
  const [n, d] = x.shape as [number, number];
  let total = 0;
  for (let i = 0; i < n; i++) {
    let r = b - y.data[i];
    for (let j = 0; j < d; j++) r += x.data[i * d + j] * w[j];
    total += r * r;
  }
  return total / n;
}

export function stepOn(batch: Problem, w: number[], b: number, lr: number): [number[], number] {
  const [n, d] = batch.x.shape as [number, number];
  const dw = new Array<number>(d).fill(0);
  let db = 0;
  for (let i = 0; i < n; i++) {
    let r = b - batch.y.data[i];
    for (let j = 0; j < d; j++) r += batch.x.data[i * d + j] * w[j];
    for (let j = 0; j < d; j++) dw[j] = dw[j] + (2 / n) * batch.x.data[i * d + j] * r;
    db += (2 / n) * r;
  }
  return [w.map((v, j) => v - lr * dw[j]), b - lr * db];
}

export interface LoopOptions {
  learningRate: number;
  epochs: number;
  batchSize: number;
  seed: number;
  dropRemainder?: boolean;
}

/**
 * The losses a loop must record when it takes its batches from the learner's BatchGenerator, and
 * the iteration (1, 2, …) after which it must stop as diverged, or 0.
 */
export function replay(
  api: typeof Api,
  p: Problem,
  o: LoopOptions,
): { losses: number[]; diverged: number; w: number[] } {
  const gen = new api.BatchGenerator(p.x, p.y, {
    batchSize: o.batchSize,
    seed: o.seed,
    dropRemainder: o.dropRemainder,
  });
  let w = new Array<number>(p.x.shape[1]).fill(0);
  let b = 0;
  const losses = [lossOf(p, w, b)];
  for (let k = 1; k <= o.epochs * gen.numBatches; k++) {
    const batch = gen.next();
    [w, b] = stepOn(batch, w, b, o.learningRate);
    losses.push(lossOf(p, w, b));
    if (!((losses.at(-1) as number) <= 1000 * losses[0])) return { losses, diverged: k, w: [...w, b] };
  }
  return { losses, diverged: 0, w: [...w, b] };
}

/** True when two lists of numbers agree to 1e-9 (relative above 1); NaN and ±Infinity only equal themselves. */
export function agree(a: readonly number[], b: readonly number[]): boolean {
  return (
    a.length === b.length &&
    a.every((v, i) => Object.is(v, b[i]) || Math.abs(v - b[i]) <= 1e-9 * Math.max(1, Math.abs(v)))
  );
}

export interface Stopped {
  argumentError: boolean;
  namesTheLoop: boolean;
  epoch: number;
  step: number;
  iteration: number;
  learningRate: number;
  loss: number;
  lossByStep: number[];
}

/** A loop's result, or the DivergenceError it threw, as plain data. */
export function outcome(
  api: typeof Api,
  op: string,
  run: () => Api.TrainResult,
): { returned: Api.TrainResult } | { diverged: Stopped } {
  try {
    const r = run();
    return { returned: r };
  } catch (e) {
    if (!(e instanceof api.DivergenceError)) throw e;
    return {
      diverged: {
        argumentError: e instanceof ArgumentError,
        namesTheLoop: e.message.startsWith(`${op}:`),
        epoch: e.epoch,
        step: e.step,
        iteration: e.iteration,
        learningRate: e.learningRate,
        loss: e.loss,
        lossByStep: e.lossByStep,
      },
    };
  }
}

/** What a stochastic loop must do, whatever order its generator draws: checked against the replay. */
export function stochasticOutcome(api: typeof Api, op: string, p: Problem, o: LoopOptions, run: () => Api.TrainResult) {
  const want = replay(api, p, o);
  const got = outcome(api, op, run);
  if ('diverged' in got) {
    // where it stops depends on the order of the batches: compare it with the replay's, not the reference's
    const { argumentError, namesTheLoop, learningRate, lossByStep, iteration, loss } = got.diverged;
    return {
      diverged: {
        argumentError,
        namesTheLoop,
        learningRate,
        stoppedWhereReplayDid: iteration === want.diverged,
        lossByStepMatchesReplay: agree(lossByStep, want.losses),
        lossIsTheLastStep: Object.is(loss, lossByStep.at(-1)),
      },
    };
  }
  const r = got.returned;
  const steps = want.losses.length - 1;
  const perEpoch = steps / o.epochs;
  return {
    returned: {
      neverDiverged: want.diverged === 0,
      lossByStepMatchesReplay: agree(r.lossByStep, want.losses),
      lossByEpochIsEveryEpochsLastStep: agree(
        r.lossByEpoch,
        Array.from({ length: o.epochs + 1 }, (_, e) => want.losses[e * perEpoch]),
      ),
      paramsMatchReplay: agree([...Array.from(r.params.w.data), r.params.b], want.w),
    },
  };
}

export const size = (r: JudgeRng) => ({ n: r.int(3, 10), d: r.int(1, 4) });
