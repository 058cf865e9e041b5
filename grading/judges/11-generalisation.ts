/**
 * The judge of 11-generalisation: the gap and the diagnosis on exact binary fractions, normalise,
 * dropout on scripted draws, the L2 penalty and withL2 around a recording optimizer, the split
 * and the early-stopping rule on random sequences, and the experiments on tiny synthetic data.
 *
 * NOTE: how runExperiment and fitWithEarlyStopping seed their shuffles is the learner's choice
 * (the README does not pin it), so their training runs are never compared number for number with
 * the reference's. What they report is checked against lib/nn's evaluate of the model they
 * return, and the early-stopping decisions against the rule replayed on their own history.
 */
import type * as Api from '../../exercises/11-generalisation/generalisation.ts';
import { PIXELS } from '../../lib/mnist-data.ts';
import type { NDArray } from '../../lib/ndarray.ts';
import { evaluate, MLP, makeOptimizer, type Optimizer } from '../../lib/nn/index.ts';
import { defineJudge, refused, settle } from '../judge/api.ts';
import { dataset, parameters, plain, replayStopping, sixtyFourths, state } from './support/11-generalisation.ts';

export default defineJudge<typeof Api>({
  module: 'generalisation.ts',
  cases: (c) => [
    c({
      name: 'the gap and the diagnosis, thresholds included',
      step: 1,
      count: 6,
      input: (r, i) => {
        // the first input underfits with a large gap: underfitting is checked first
        const trainAcc = i === 0 ? r.int(8, 40) / 64 : sixtyFourths(r);
        const testAcc = i === 0 ? trainAcc - r.int(4, 8) / 64 : sixtyFourths(r);
        const thresholds = r.pick([
          undefined,
          undefined,
          { minTrainAcc: sixtyFourths(r) },
          { maxGap: sixtyFourths(r) },
          // equal to a threshold is a good fit
          { minTrainAcc: trainAcc, maxGap: Math.max(0, trainAcc - testAcc) },
        ]);
        return {
          trainAcc,
          testAcc,
          thresholds: i === 0 ? undefined : thresholds,
          bad: r.pick([98.9, -0.1, 1.5, Number.NaN]),
        };
      },
      run: (api, { trainAcc, testAcc, thresholds, bad }) => ({
        gap: api.generalisationGap(trainAcc, testAcc),
        diagnosis: thresholds ? api.diagnose({ trainAcc, testAcc }, thresholds) : api.diagnose({ trainAcc, testAcc }),
        badTrain: settle(() => api.generalisationGap(bad, testAcc)),
        badTest: settle(() => api.diagnose({ trainAcc, testAcc: bad })),
        badThreshold: settle(() => api.diagnose({ trainAcc, testAcc }, { maxGap: bad })),
      }),
    }),
    c({
      name: 'normalise and toDataset',
      step: 2,
      count: 4,
      input: (r) => {
        const count = r.int(1, 3);
        const max = r.pick([255, r.int(1, 1000)]);
        return {
          pixels: Array.from({ length: r.int(0, 12) }, () => r.int(0, max)),
          max,
          outside: r.pick([max + 1, -1]),
          split: {
            images: Uint8Array.from({ length: count * PIXELS }, () => r.int(0, 255)),
            labels: Uint8Array.from({ length: count }, () => r.int(0, 9)),
            count,
          },
        };
      },
      run: (api, { pixels, max, outside, split }) => ({
        scaled: max === 255 ? api.normalise(pixels) : api.normalise(pixels, max),
        pixelsAfter: pixels,
        outside: settle(() => api.normalise([...pixels, outside], max)),
        noMax: refused(() => api.normalise(pixels, 0)),
        dataset: plain(api.toDataset(split)),
        raw: plain(api.toDataset(split, { raw: true })),
      }),
    }),
    c({
      name: 'runExperiment reports what evaluate measures of the model it trained',
      step: 3,
      count: 3,
      // the first input trains hard enough (Adam, small batches) that fit's running accuracy is not the final one
      input: (r, i) => {
        const [features, classes] = [r.int(2, 6), r.pick([3, undefined])];
        return {
          train: dataset(r, r.int(8, 30), features, classes ?? 10),
          test: dataset(r, r.int(4, 20), features, classes ?? 10),
          options: {
            hidden: r.int(1, 6),
            epochs: r.int(1, 3),
            ...(classes ? { classes } : {}),
            ...(i === 0 ? { batchSize: 4 } : r.bool() ? { batchSize: r.int(2, 16) } : {}),
            ...(i === 0
              ? { optimizer: 'adam' as const }
              : r.bool()
                ? { optimizer: r.pick(['sgd', 'momentum', 'rmsprop', 'adam'] as const) }
                : {}),
            ...(r.bool() ? { seed: r.int(0, 1000) } : {}),
            ...(r.bool() ? { thresholds: { minTrainAcc: sixtyFourths(r) } } : {}),
          },
        };
      },
      run: (api, { train, test, options }) => {
        const run = () => api.runExperiment({ train, test, ...options });
        const e = run();
        const [onTrain, onTest] = [evaluate(e.model, train), evaluate(e.model, test)];
        const { minTrainAcc = 0.9, maxGap = 0.05 } = (options.thresholds ?? {}) as Partial<Api.Thresholds>;
        const rule =
          e.trainAcc < minTrainAcc ? 'underfitting' : e.trainAcc - e.testAcc > maxGap ? 'overfitting' : 'good fit';
        const again = run();
        return {
          layers: e.model.layers.map((l) => [l.inputs, l.units, l.activation]),
          epochs: e.history.length,
          measured: [e.trainAcc, e.testAcc, e.trainLoss, e.testLoss].map(
            (v, i) => v === [onTrain.accuracy, onTest.accuracy, onTrain.loss, onTest.loss][i],
          ),
          gap: Math.abs(e.gap - (e.trainAcc - e.testAcc)) < 1e-12,
          diagnosis: e.diagnosis === rule,
          repeatable: [again.trainAcc, again.testLoss].join() === [e.trainAcc, e.testLoss].join(),
        };
      },
    }),
    c({
      name: 'runExperiment on one training sample: the model, the optimizer and its defaults',
      step: 3,
      count: 3,
      // the first input leaves the optimizer and its learning rate to the defaults
      input: (r, i) => {
        const features = r.int(2, 6);
        return {
          train: dataset(r, 1, features, 3),
          test: dataset(r, r.int(4, 12), features, 3),
          options: {
            hidden: r.int(1, 6),
            epochs: r.int(1, 4),
            classes: 3,
            seed: r.int(0, 1000),
            ...(i > 0 && r.bool() ? { optimizer: r.pick(['sgd', 'momentum', 'rmsprop', 'adam'] as const) } : {}),
            ...(i > 0 && r.bool() ? { lr: r.float(0.001, 0.05) } : {}),
          },
        };
      },
      // One sample: however the learner seeds the shuffle, every epoch is the same single step, so
      // the run is the reference's. (With more samples, RMSprop and Adam amplify the float32
      // rounding of near-zero gradients, which another order of the same batch changes.)
      run: (api, { train, test, options }) => {
        const e = api.runExperiment({ train, test, ...options });
        return { history: e.history.map((h) => h.loss), trainLoss: e.trainLoss, testLoss: e.testLoss };
      },
    }),
    c({
      name: 'runExperiment checks its config',
      step: 3,
      count: 2,
      input: (r) => ({ train: dataset(r, 6, 3, 10), bad: r.pick([0, 1.5, -2]) }),
      run: (api, { train, bad }) => ({
        trains: api.runExperiment({ train, test: train, hidden: 2, epochs: 1 }).history.length,
        hidden: refused(() => api.runExperiment({ train, test: train, hidden: bad, epochs: 1 })),
        epochs: refused(() => api.runExperiment({ train, test: train, hidden: 2, epochs: bad })),
        features: refused(() =>
          api.runExperiment({ train, test: { ...train, x: train.x.slice(0, 12), features: 2 }, hidden: 2, epochs: 1 }),
        ),
      }),
    }),
    c({
      name: 'dropout on scripted draws',
      step: 4,
      count: 6,
      input: (r, i) => {
        const x = r.ndarray(r.shape(r.int(1, 3), 2, 4), -3, 3);
        const rate = i === 0 ? 0.5 : r.pick([0, 0.1, 0.25, 0.5, 0.8, r.float(0, 0.95)]);
        // some draws exactly at the rate: kept, since only u < rate drops
        const draws = Array.from({ length: x.size }, () => (r.int(0, 4) === 0 ? rate : r.float(0, 1)));
        return { x, rate, draws, training: i === 0 || r.pick([true, true, false, undefined]) };
      },
      run: (api, { x, rate, draws, training }) => {
        let used = 0;
        const rng = { next: () => draws[used++] ?? 0.5 };
        const out = api.dropout(x, rate, training === undefined ? { rng } : { training, rng });
        return {
          out,
          used,
          xAfter: x,
          atInference: api.dropout(x, rate),
          rateOne: settle(() => api.dropout(x, 1, { training: true, rng })),
          negative: settle(() => api.dropout(x, -rate - 0.1)),
          noRng: settle(() => api.dropout(x, 0.5, { training: true })),
        };
      },
    }),
    c({
      name: 'l2Penalty and l2Gradient',
      step: 5,
      count: 4,
      input: (r) => ({
        ws: Array.from({ length: r.int(1, 3) }, () => r.ndarray(r.shape(r.int(0, 3), 1, 4), -2, 2)),
        l2: r.pick([undefined, 0, r.float(0, 0.1)]),
      }),
      run: (api, { ws, l2 }) => {
        const [w] = ws as [NDArray];
        const given = l2 === undefined ? [] : [l2];
        return {
          one: api.l2Penalty(w, ...given),
          list: api.l2Penalty(ws, ...given),
          gradient: api.l2Gradient(w, ...given),
          negative: [
            settle(() => api.l2Penalty(w, -0.01)),
            settle(() => api.l2Gradient(w, -1)),
            settle(() => api.withL2(makeOptimizer('sgd'), -0.5)),
          ],
        };
      },
    }),
    c({
      name: 'withL2: what the wrapped optimizer is given, and SGD steps with it',
      step: 5,
      count: 4,
      input: (r) => ({ ...parameters(r), l2: r.pick([undefined, r.float(0.001, 0.1)]), lr: r.float(0.01, 0.5) }),
      // the regularised gradients may be stored in float32 (as lib/nn's) or in float64
      tolerance: { rtol: 1e-6, atol: 1e-6 },
      run: (api, { params, grads, l2, lr }) => {
        const given: number[][][] = [];
        const recorder: Optimizer = {
          name: 'recorder',
          step: (_p, g) => {
            given.push(g.map((x) => Array.from(x)));
          },
        };
        const wrap = (opt: Optimizer) => (l2 === undefined ? api.withL2(opt) : api.withL2(opt, l2));
        const recorded = wrap(recorder);
        for (const g of grads) recorded.step(params, g);
        const sgd = wrap(makeOptimizer('sgd', lr));
        const moved = params.map((p) => p.slice());
        for (const g of grads) sgd.step(moved, g);
        return { given, gradsAfter: grads, paramsAfter: params, moved };
      },
    }),
    c({
      name: 'validationSplit of random sizes and fractions',
      step: 6,
      count: 5,
      input: (r) => ({
        data: dataset(r, r.int(1, 30), r.int(1, 3), 10),
        fraction: r.pick([r.float(0.01, 0.99), 0, 1, 0.2]),
      }),
      run: (api, { data, fraction }) => {
        const out = settle(() => api.validationSplit(data, fraction));
        const split = 'thrown' in out ? out : { train: plain(out.train), validation: plain(out.validation) };
        return { split, dataAfter: plain(data) };
      },
    }),
    c({
      name: 'EarlyStopping on random sequences',
      step: 6,
      count: 8,
      input: (r) => {
        const [monitor, mode] = r.pick([
          ['val_loss', undefined],
          ['val_accuracy', undefined],
          ['val_loss', 'min'],
          ['val_loss', 'max'],
          ['acc', 'auto'],
        ] as const);
        // a grid of 0.1, where a third of the values repeat the best so far (an equal value does not
        // improve); minDeltas off the grid, so that no rounding decides a comparison
        const max = mode === 'max' || (mode !== 'min' && monitor.includes('acc'));
        const values: number[] = [];
        for (let k = r.int(3, 12); k > 0; k--) {
          const tie = values.length > 0 && r.int(0, 2) === 0;
          values.push(tie ? (max ? Math.max(...values) : Math.min(...values)) : r.int(0, 10) / 10);
        }
        return {
          values,
          options: {
            monitor,
            ...(mode ? { mode } : {}),
            ...(r.bool() ? { patience: r.int(0, 4) } : {}),
            ...(r.bool() ? { minDelta: r.pick([0, 0.025, 0.075, -0.025]) } : {}),
            restoreBestWeights: r.bool(),
          },
          weights: [r.ndarray([3]), r.ndarray([2])],
        };
      },
      run: (api, { values, options, weights }) => {
        const es = new api.EarlyStopping(options);
        const w = weights.map((x) => Float32Array.from(x.data));
        es.onTrainBegin();
        const epochs: unknown[] = [];
        for (const [epoch, v] of values.entries()) {
          const stop = es.onEpochEnd(epoch, { [options.monitor]: v, other: 1 }, w);
          epochs.push([stop, ...state(es)]);
          // training goes on and changes the weights in place: kept weights must be copies
          for (const x of w) for (let i = 0; i < x.length; i++) x[i] = x[i] + 1;
          if (stop) break;
        }
        const kept = es.bestWeights?.map((x) => Array.from(x)) ?? null;
        es.onTrainBegin();
        return { mode: es.mode, epochs, kept, reset: state(es) };
      },
    }),
    c({
      name: 'EarlyStopping checks its options and its logs',
      step: 6,
      count: 3,
      input: (r) => ({ patience: r.pick([-1, 1.5]), mode: r.pick(['maximum', 'up']) }),
      run: (api, { patience, mode }) => ({
        patience: refused(() => new api.EarlyStopping({ patience })),
        mode: refused(() => new api.EarlyStopping({ mode: mode as 'max' })),
        missing: settle(() => new api.EarlyStopping().onEpochEnd(0, { loss: 0.3, accuracy: 0.9 })),
        defaults: state(new api.EarlyStopping()),
      }),
    }),
    c({
      name: 'fitWithEarlyStopping: the split, the stop and the weights it keeps',
      step: 6,
      count: 3,
      input: (r) => {
        const features = r.int(2, 5);
        return {
          data: dataset(r, r.int(15, 40), features, 3),
          hidden: r.int(2, 6),
          seed: r.int(0, 1000),
          options: {
            epochs: r.int(2, 8),
            batchSize: r.int(4, 8),
            validationSplit: r.pick([0.2, 0.25, r.float(0.1, 0.5)]),
            seed: r.int(0, 1000),
          },
          stopping: { patience: r.int(0, 2), restoreBestWeights: r.bool(), ...(r.bool() ? { minDelta: 0.001 } : {}) },
          lr: r.float(0.005, 0.05),
        };
      },
      run: (api, { data, hidden, seed, options, stopping, lr }) => {
        const model = new MLP(
          data.features,
          [
            { units: hidden, activation: 'relu' },
            { units: 3, activation: 'softmax' },
          ],
          { seed },
        );
        const earlyStopping = new api.EarlyStopping(stopping);
        const r = api.fitWithEarlyStopping(model, makeOptimizer('rmsprop', lr), data, { ...options, earlyStopping });
        const losses = r.history.map((h) => h.val_loss as number);
        const want = replayStopping(losses, {
          patience: stopping.patience,
          minDelta: stopping.minDelta ?? 0,
          max: false,
        });
        const kept = r.restored ? losses[r.bestEpoch] : losses.at(-1);
        const now = evaluate(model, r.validation).loss;
        return {
          split: [plain(r.train), plain(r.validation)],
          validationLogged: r.history.every(
            (h) => typeof h.val_loss === 'number' && typeof h.val_accuracy === 'number',
          ),
          trainedUntilTheStop: r.history.length === (want.stoppedEpoch < 0 ? options.epochs : want.stoppedEpoch + 1),
          stoppedEpoch: r.stoppedEpoch === want.stoppedEpoch,
          bestEpoch: r.bestEpoch === want.bestEpoch,
          restored: r.restored,
          // the model holds the weights whose val_loss the history shows: the best epoch's if restored, else the last's
          weights: Math.abs(now - (kept as number)) <= 1e-6 * Math.max(1, Math.abs(now)),
        };
      },
    }),
  ],
});
