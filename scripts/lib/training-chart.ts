/**
 * The loss and accuracy curves of a training run, as `npm run mnist` writes them to
 * curves.svg: the training curve step by step (each point the mean of a few mini-batches, no
 * other smoothing), and held-out (test) markers where each epoch ended. The x axis counts
 * epochs, fractions included, so a one-epoch run is a curve from 0 to 1.
 */
import { plural } from '../../lib/format.ts';
import { figure, type Mark, type Panel, palette } from './svg.ts';
import type { EpochPoint, StepLog } from './training-log.ts';

export interface TrainingCurves {
  title: string;
  steps: readonly StepLog[];
  /** loss and accuracy on held-out data where each epoch ended */
  test: readonly EpochPoint[];
  /** how many steps each training point averages */
  every: number;
  stepsPerEpoch: number;
  /** what the held-out points are called in the legend (default 'test') */
  testName?: string;
}

const percent = (v: number) => `${(v * 100).toFixed(2)}%`;

export function trainingCurvesSvg(c: TrainingCurves): string {
  const end = Math.max(0, ...c.steps.map((s) => s.epoch), ...c.test.map((t) => t.epoch));
  const testName = c.testName ?? 'test';
  const panel = (key: 'loss' | 'accuracy', title: string, yLabel: string): Panel => {
    const marks: Mark[] = [
      {
        kind: 'line',
        points: c.steps.map((s) => [s.epoch, s[key]] as const),
        style: { stroke: palette[0], width: 1.5 },
        label: 'train',
      },
    ];
    const held = c.test.map((t) => [t.epoch, t[key]] as const);
    // A faint line between the epochs' markers, so that their trend reads at a glance.
    if (held.length > 1)
      marks.push({ kind: 'line', points: held, style: { stroke: palette[1], width: 1, dash: '4 3' } });
    marks.push({
      kind: 'points',
      points: held,
      radius: 4,
      style: { fill: palette[1], stroke: '#fff', width: 1 },
      label: `${testName}, end of epoch`,
    });
    return {
      title,
      x: [0, end || 1],
      nice: true,
      xLabel: `epoch (${plural(c.stepsPerEpoch, 'step')} each)`,
      yLabel,
      marks,
    };
  };
  const last = c.test.at(-1);
  return figure({
    title: c.title,
    subtitle: `train: ${c.every === 1 ? 'each step' : `each point the mean of ${c.every} steps`} (loss and accuracy of the batch before its update); ${testName}: after each epoch`,
    columns: 2,
    panelWidth: 400,
    panels: [
      panel('loss', 'loss', 'cross-entropy'),
      panel('accuracy', last ? `accuracy (${testName} ${percent(last.accuracy)})` : 'accuracy', 'accuracy'),
    ],
  });
}
