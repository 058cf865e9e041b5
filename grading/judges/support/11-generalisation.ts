/**
 * The judge of 11-generalisation's helpers: its inputs, stand-ins and replays, kept apart so that
 * grading/judges/11-generalisation.ts reads as its list of cases.
 */
import type * as Api from '../../../exercises/11-generalisation/generalisation.ts';
import type { Dataset } from '../../../lib/nn/index.ts';
import type { JudgeRng } from '../../judge/api.ts';

/** An accuracy as a multiple of 1/64: exact in floating point, so no rounding decides a comparison. */
export const sixtyFourths = (r: JudgeRng) => r.int(0, 64) / 64;

/** `count` samples of `features` values in [0, 1) with labels below `classes`. */
export function dataset(r: JudgeRng, count: number, features: number, classes: number): Dataset {
  return {
    x: Float32Array.from({ length: count * features }, () => r.float(0, 1)),
    y: Array.from({ length: count }, () => r.int(0, classes - 1)),
    count,
    features,
  };
}

export const plain = (d: Dataset) => ({ x: Array.from(d.x), y: Array.from(d.y), count: d.count, features: d.features });

/** Keras' rule, as the README states it: strictly better than the best by more than |minDelta|. */
export function replayStopping(values: readonly number[], o: { patience: number; minDelta: number; max: boolean }) {
  let [best, bestEpoch, wait] = [o.max ? -Infinity : Infinity, -1, 0];
  const delta = Math.abs(o.minDelta);
  for (const [epoch, v] of values.entries()) {
    if (o.max ? v - delta > best : v + delta < best) [best, bestEpoch, wait] = [v, epoch, 0];
    else if (++wait >= o.patience) return { stoppedEpoch: epoch, bestEpoch };
  }
  return { stoppedEpoch: -1, bestEpoch };
}

export const state = (es: Api.EarlyStopping) => [es.best, es.bestEpoch, es.wait, es.stoppedEpoch, es.stopTraining];

/** Float32 parameters of a two-layer lib/nn model, [W0, b0, W1, b1], and gradients of the same sizes. */
export function parameters(r: JudgeRng) {
  const [a, b, c] = [r.int(1, 4), r.int(1, 4), r.int(1, 3)];
  const make = () => [a * b, b, b * c, c].map((n) => Float32Array.from({ length: n }, () => r.float(-1, 1)));
  return { params: make(), grads: [make(), make()] };
}
