/**
 * The picture of exercise 08 (`npm run plot -- 08`): the seed's comparison of optimizers
 * (its compare_optimizer.gif, as one still picture). Every optimizer walks down the Rosenbrock
 * function f(x, y) = (1 − x)² + 100·(y − x²)² from (−1.5, 2) towards its minimum at (1, 1):
 * the paths over the contours, and log₁₀ f step by step. A fourth panel shows a local minimum
 * (lib/surfaces.ts' tilted double well) that SGD stays in and momentum rolls out of. The optimizers are the learner's
 * (scripts/plot.ts falls back to the reference solution for those that throw, and the legend
 * says so).
 */

import type * as Optimizers from '../../exercises/08-optimizers/optimizers.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { tiltedWell } from '../../lib/surfaces.ts';
import { figure, type Mark, type Panel, type Point, palette } from '../lib/svg.ts';
import type { LearnerCode, PlotContext } from '../plot.ts';

type Opt = typeof Optimizers;

const START: Point = [-1.5, 2];
const STEPS = 500;

/** Rosenbrock's banana: a long curved valley along y = x², the minimum 0 at (1, 1). */
const f = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
const gradient = (x: number, y: number): [number, number] => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)];

interface Racer {
  label: string;
  colour: string;
  make: (o: Opt) => Optimizers.Optimizer;
}

// Learning rates tuned so that, in 500 steps, each optimizer ends somewhere else along the
// valley. SGD's is as large as the steep walls allow: their curvature is ~1900 at the start,
// and gradient descent is stable only for lr < 2/1900.
const RACERS: Racer[] = [
  { label: 'SGD, lr 0.0009', colour: palette[6], make: (o) => o.sgd({ learningRate: 0.0009 }) },
  {
    label: 'momentum μ 0.9, lr 0.0005',
    colour: palette[0],
    make: (o) => o.momentum({ learningRate: 0.0005, momentum: 0.9 }),
  },
  {
    label: 'Nesterov (book) μ 0.9, lr 0.0005',
    colour: palette[5],
    make: (o) => o.momentum({ learningRate: 0.0005, momentum: 0.9, nesterov: true }),
  },
  { label: 'Adagrad, lr 0.3', colour: palette[2], make: (o) => o.adagrad({ learningRate: 0.3 }) },
  { label: 'RMSprop ρ 0.9, lr 0.02', colour: palette[3], make: (o) => o.rmsprop({ learningRate: 0.02 }) },
  { label: 'Adam, lr 0.1', colour: palette[1], make: (o) => o.adam({ learningRate: 0.1 }) },
];

interface Path {
  points: Point[];
  /** why the path stopped early, if it did: a few words for the legend, the whole story for the terminal */
  stopped?: { short: string; detail: string };
}

/** Runs `opt` from START for STEPS steps on f; stops at a throw or a non-finite point. */
function walk(opt: Optimizers.Optimizer): Path {
  const w = NDArray.fromFlat(START, [2]);
  const points: Point[] = [START];
  for (let t = 1; t <= STEPS; t++) {
    const [x, y] = [w.data[0], w.data[1]];
    try {
      opt.step([w], [NDArray.fromFlat(gradient(x, y), [2])]);
    } catch (e) {
      const detail = `step ${t} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      return { points, stopped: { short: `threw at step ${t}`, detail } };
    }
    const p: Point = [w.data[0], w.data[1]];
    if (!Number.isFinite(f(p[0], p[1]))) {
      return {
        points,
        stopped: { short: `diverged at step ${t}`, detail: `f(w) overflowed at step ${t}, w = (${p.join(', ')})` },
      };
    }
    points.push(p);
  }
  return { points };
}

const WELL_START = 2;
const WELL_STEPS = 300;

/** `opt` from WELL_START on the tilted double well: the points (w, f(w)) of its first WELL_STEPS steps. */
function roll(opt: Optimizers.Optimizer): Point[] {
  const w = NDArray.fromFlat([WELL_START], [1]);
  const points: Point[] = [[WELL_START, tiltedWell.f(WELL_START)]];
  for (let t = 1; t <= WELL_STEPS; t++) {
    opt.step([w], [NDArray.fromFlat([tiltedWell.gradient(w.data[0])], [1])]);
    const x = w.data[0];
    if (!Number.isFinite(x)) break;
    points.push([x, tiltedWell.f(x)]);
  }
  return points;
}

/** The local-minimum panel: the curve, and where SGD and momentum go on it. */
function wellPanel(code: LearnerCode<Opt>): Panel {
  const curve: Point[] = [];
  for (let x = -1.6; x <= 2.05; x += 0.01) curve.push([x, tiltedWell.f(x)]);
  const marks: Mark[] = [{ kind: 'line', points: curve, style: { stroke: '#999', width: 1.5 } }];
  const rollers = [
    { label: 'SGD, lr 0.01', colour: palette[6], make: (o: Opt) => o.sgd({ learningRate: 0.01 }) },
    {
      label: 'momentum μ 0.9, lr 0.01',
      colour: palette[0],
      make: (o: Opt) => o.momentum({ learningRate: 0.01, momentum: 0.9 }),
    },
  ];
  for (const r of rollers) {
    const { result: points, fellBack } = code.run(() => roll(r.make(code.fns)));
    const label = `${r.label}${fellBack.length > 0 ? ' (reference)' : ''}: ends at ${points.at(-1)?.[0].toFixed(3)}`;
    marks.push({ kind: 'points', points, radius: 2, style: { fill: r.colour } });
    marks.push({ kind: 'points', points: points.slice(-1), radius: 5, label, style: { fill: r.colour } });
  }
  marks.push(
    { kind: 'text', at: [tiltedWell.localMin - 0.3, -1.1], text: 'local minimum' },
    { kind: 'text', at: [tiltedWell.globalMin - 0.4, -2.1], text: 'global minimum' },
  );
  return {
    title: 'a local minimum: f(w) = w⁴ − 2w² + 0.5w',
    note: `from w = ${WELL_START}, ${WELL_STEPS} steps, a dot per step`,
    x: [-1.7, 2.1],
    y: [-2.4, 9],
    xLabel: 'w',
    yLabel: 'f(w)',
    marks,
  };
}

/** How far along the valley a path got: the x of its last point (the valley runs from x = −1.5 to 1). */
const reach = (m: Mark) => (m.kind === 'line' ? (m.points.at(-1)?.[0] ?? 0) : 0);

/** The first ZOOM_STEPS steps are drawn again, close up, where the optimizers differ most. */
const ZOOM_STEPS = 40;

export default async function plot(ctx: PlotContext): Promise<string> {
  const code = await ctx.learnerCode<Opt>();
  const full: Mark[] = [];
  const zoom: Mark[] = [];
  const ends: Mark[] = [];
  const losses: Mark[] = [];
  for (const r of RACERS) {
    const { result: path, fellBack } = code.run(() => walk(r.make(code.fns)));
    let label = r.label;
    if (fellBack.length > 0) label += ' (reference solution)';
    if (path.stopped) {
      ctx.notice(`${r.label}: ${path.stopped.detail}`);
      label += ` (${path.stopped.short})`;
    }
    const style = { stroke: r.colour, width: 1.8 };
    full.push({ kind: 'line', points: path.points, style });
    // The legend comes from the end dots, so that the lines can be drawn in another order.
    ends.push({ kind: 'points', points: path.points.slice(-1), radius: 4.5, label, style: { fill: r.colour } });
    const first = path.points.slice(0, ZOOM_STEPS + 1);
    zoom.push({ kind: 'line', points: first, style });
    zoom.push({ kind: 'points', points: first, radius: 1.8, style: { fill: r.colour } });
    losses.push({
      kind: 'line',
      points: path.points.map(([x, y], t): Point => [t, Math.log10(f(x, y) + 1e-12)]),
      style: { stroke: r.colour, width: 1.6 },
    });
  }

  const levels = [3, 10, 30, 100, 300, 1000];
  // NOTE: contours of log f, not f: marching squares interpolates linearly, and log f is far
  // closer to linear across the valley's steep walls, so the lines come out smooth.
  const contours: Mark = {
    kind: 'contour',
    f: (x, y) => Math.log10(f(x, y)),
    levels: levels.map(Math.log10),
    style: { stroke: '#cfcfcf', width: 1 },
  };
  const start: Mark = {
    kind: 'points',
    points: [START],
    radius: 4,
    style: { fill: '#fff', stroke: '#000', width: 1.5 },
  };
  return figure({
    title: '08 · Optimizers on the Rosenbrock function',
    subtitle: `f(x, y) = (1 − x)² + 100·(y − x²)², from (−1.5, 2) towards the minimum at (1, 1), ${STEPS} steps each (big dots: where each ended).`,
    panels: [
      {
        title: `${STEPS} steps`,
        note: `contours at f = ${levels.join(', ')}`,
        x: [-2, 2],
        y: [-1, 4.2],
        equalAspect: true,
        xLabel: 'x',
        yLabel: 'y',
        marks: [
          contours,
          // NOTE: all paths follow the same valley; the longest first, so the shorter ones stay visible on top.
          ...full.sort((a, b) => reach(b) - reach(a)),
          ...ends,
          // The minimum as a cross, not a dot: the dots are where the optimizers ended.
          {
            kind: 'line',
            points: [
              [0.88, 1],
              [1.12, 1],
            ],
            style: { stroke: '#000', width: 2.5 },
          },
          {
            kind: 'line',
            points: [
              [1, 0.88],
              [1, 1.12],
            ],
            style: { stroke: '#000', width: 2.5 },
          },
          { kind: 'text', at: [1.12, 0.8], text: 'minimum (1, 1)' },
          start,
          { kind: 'text', at: [-1.95, 1.75], text: 'start' },
        ],
      },
      {
        title: `close up: the first ${ZOOM_STEPS} steps`,
        note: 'a dot per step',
        x: [-1.6, -1.15],
        y: [1.7, 2.35],
        equalAspect: true,
        xLabel: 'x',
        marks: [contours, ...zoom, start],
      },
      {
        title: 'log₁₀ f after each step',
        note: 'lower is better: −2 is f = 0.01',
        // Fixed, so that a path that diverges (a bug) does not squash the others.
        x: [0, STEPS],
        y: [-2.5, 2.5],
        xLabel: 'step',
        marks: losses,
      },
      wellPanel(code),
    ],
    columns: 3,
    panelWidth: 440,
    panelHeight: 500,
  });
}
