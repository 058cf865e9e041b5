/**
 * The picture of exercise 11 (`npm run plot -- 11`): under- and overfitting as the seed describes
 * them, measured. Panel 1: accuracy on the training and the test images of a model too small, one
 * that fits, and one too large for its data. Panel 2: training and validation loss epoch by epoch
 * while a model overfits, with the epoch early stopping keeps. Panel 3: the same model trained on
 * normalised and on raw 0–255 pixels. Everything is trained with the learner's functions
 * (scripts/plot.ts falls back to the reference solution for those that throw, and the panel says so).
 */
import { pathToFileURL } from 'node:url';
import type * as Generalisation from '../../exercises/11-generalisation/generalisation.ts';
import { loadMnist, type MnistSplit, subset } from '../../lib/mnist-data.ts';
import { MLP, makeOptimizer } from '../../lib/nn/index.ts';
import { createRng } from '../../lib/rng.ts';
import { figure, type Mark, type Panel, type Point, palette } from '../lib/svg.ts';
import type { PlotContext } from '../plot.ts';

type Code = typeof Generalisation;

/** The spec's seeded subsets: the same images on every run. */
const pick = (split: MnistSplit, n: number, seed: number) =>
  subset(split, createRng(seed).permutation(split.count).slice(0, n));

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const line = (points: readonly Point[], colour: string, label?: string, dash?: string): Mark => ({
  kind: 'line',
  points: points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)),
  style: { stroke: colour, width: 1.8, dash },
  label,
});

/** A bar from (x − w/2, 0) to (x + w/2, h). */
const bar = (x: number, h: number, w: number, colour: string, label?: string): Mark => ({
  kind: 'polygon',
  points: [
    [x - w / 2, 0],
    [x + w / 2, 0],
    [x + w / 2, h],
    [x - w / 2, h],
  ],
  style: { fill: colour, stroke: colour },
  label,
});

export default async function plot(ctx: PlotContext): Promise<string> {
  const code = await ctx.learnerCode<Code>();
  const g = code.fns;
  // EarlyStopping is a class: the fallback wrapper calls functions, not constructors, so it is made here.
  const reference = (await import(pathToFileURL(ctx.exercise.solution).href)) as Code;
  const learner = (await import(pathToFileURL(ctx.exercise.stub).href).catch(() => ({}))) as Partial<Code>;
  const earlyStopping = (options: Generalisation.EarlyStoppingOptions): Generalisation.EarlyStopping => {
    try {
      if (learner.EarlyStopping) return new learner.EarlyStopping(options);
    } catch (e) {
      ctx.notice(`new EarlyStopping threw (${(e as Error).message.split('\n')[0]}): using the reference solution's`);
    }
    return new reference.EarlyStopping(options);
  };

  const mnist = loadMnist();
  const panel = (base: Omit<Panel, 'marks' | 'note'>, draw: () => Mark[]): Panel => {
    try {
      const { result, fellBack } = code.run(draw);
      return { ...base, note: fellBack.length > 0 ? '(drawn with the reference solution)' : undefined, marks: result };
    } catch (e) {
      ctx.notice(`panel "${base.title}" could not be drawn: ${(e as Error).message}`);
      return { ...base, note: '(failed: see the message in the terminal)', marks: [] };
    }
  };

  const test = () => g.toDataset(pick(mnist.test, 2000, 12));
  const panels: Panel[] = [
    panel(
      {
        title: '1 · accuracy: training vs test images',
        xLabel: 'model (training images)',
        yLabel: 'accuracy',
        x: [-0.6, 2.6],
        y: [-0.1, 1.4],
      },
      () => {
        const runs = [
          { name: '784-2-10 (2000)', n: 2000, hidden: 2, epochs: 5, batchSize: 32 },
          { name: '784-32-10 (3000)', n: 3000, hidden: 32, epochs: 5, batchSize: 32 },
          { name: '784-64-10 (300)', n: 300, hidden: 64, epochs: 30, batchSize: 128 },
        ];
        const testSet = test();
        return runs.flatMap((r, i) => {
          const result = g.runExperiment({
            ...r,
            train: g.toDataset(pick(mnist.train, r.n, 11)),
            test: testSet,
            seed: 1,
          });
          return [
            bar(i - 0.17, result.trainAcc, 0.32, palette[0], i === 0 ? 'training images' : undefined),
            bar(i + 0.17, result.testAcc, 0.32, palette[1], i === 0 ? 'test images' : undefined),
            { kind: 'text', at: [i, -0.06], text: r.name, anchor: 'middle' },
            {
              kind: 'text',
              at: [i, Math.max(result.trainAcc, result.testAcc) + 0.04],
              text: result.diagnosis,
              anchor: 'middle',
            },
            {
              kind: 'text',
              at: [i, Math.max(result.trainAcc, result.testAcc) + 0.15],
              text: `${pct(result.trainAcc)} / ${pct(result.testAcc)}`,
              anchor: 'middle',
            },
          ] satisfies Mark[];
        });
      },
    ),
    panel({ title: '2 · overfitting over time (784-32-10)', xLabel: 'epoch', yLabel: 'loss', x: [0, 31] }, () => {
      const data = g.toDataset(pick(mnist.train, 600, 21));
      const model = new MLP(
        data.features,
        [
          { units: 32, activation: 'relu' },
          { units: 10, activation: 'softmax' },
        ],
        { seed: 1 },
      );
      // A callback that never stops, so that the whole curve is drawn; a second one replays it.
      const { history } = g.fitWithEarlyStopping(model, makeOptimizer('rmsprop'), data, {
        epochs: 30,
        batchSize: 16,
        validationSplit: 0.2,
        earlyStopping: earlyStopping({ patience: 1000 }),
        seed: 1,
      });
      const replay = earlyStopping({ patience: 5 });
      for (const [epoch, logs] of history.entries()) if (replay.onEpochEnd(epoch, { ...logs })) break;
      const train = history.map((h, e) => [e + 1, h.loss] as const);
      const validation = history.map((h, e) => [e + 1, h.val_loss ?? Number.NaN] as const);
      const best = validation[replay.bestEpoch];
      const marks: Mark[] = [
        line(train, palette[0], 'training loss (running mean)'),
        line(validation, palette[1], 'validation loss (last 120 images)'),
      ];
      if (best) {
        marks.push({ kind: 'points', points: [best], radius: 4, style: { fill: palette[1] } });
        const stopped = validation[replay.stoppedEpoch];
        if (stopped) marks.push(line([[stopped[0], 0], stopped], '#666666', undefined, '4 3'));
        marks.push({ kind: 'text', at: [30, 1.2], text: `lowest val loss: epoch ${best[0]} (dot)`, anchor: 'end' });
        if (stopped) {
          const text = `patience 5 stops after ${stopped[0]} (dashed)`;
          marks.push({ kind: 'text', at: [30, 1.05], text, anchor: 'end' });
        }
      }
      return marks;
    }),
    panel({ title: '3 · pixels / 255 vs raw (784-32-10)', xLabel: 'epoch', yLabel: 'training loss' }, () => {
      const split = pick(mnist.train, 2000, 11);
      const testSplit = pick(mnist.test, 2000, 12);
      return [
        { raw: false, colour: palette[2], name: 'pixels / 255' },
        { raw: true, colour: palette[3], name: 'raw 0–255' },
      ].map(({ raw, colour, name }) => {
        const r = g.runExperiment({
          train: g.toDataset(split, { raw }),
          test: g.toDataset(testSplit, { raw }),
          hidden: 32,
          epochs: 10,
          seed: 1,
        });
        return line(
          r.history.map((h, e) => [e + 1, h.loss] as const),
          colour,
          `${name}: test ${pct(r.testAcc)}`,
        );
      });
    }),
  ];

  return figure({
    title: '11 · Generalisation: under- and overfitting, early stopping, normalisation',
    subtitle:
      'lib/nn, RMSprop, seeded MNIST subsets; test accuracy on 2,000 test images. Train/test accuracy above the bars.',
    panels,
    columns: 3,
    panelWidth: 380,
  });
}
