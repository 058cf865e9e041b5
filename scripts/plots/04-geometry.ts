/**
 * The picture of exercise 04 (`npm run plot -- 04`): a letter F under the maps of the seed's
 * §2.3.5 — translation, rotation, scaling, an affine map, and relu after that affine map.
 * Every panel is computed with the learner's functions (scripts/plot.ts falls back to the
 * reference solution for those that throw, and the panel says so).
 */

import type * as Geometry from '../../exercises/04-geometry/geometry.ts';
import { NDArray } from '../../lib/ndarray.ts';
import { formatShape } from '../../lib/shape.ts';
import { figure, type Mark, type Panel, type Point, palette } from '../lib/svg.ts';
import type { PlotContext } from '../plot.ts';

/** An F, as x, y pairs around its outline; the stem's foot at the origin. No symmetry, so any turn or mirror shows. */
const F_OUTLINE = [0, 0, 0.5, 0, 0.5, 1, 1.3, 1, 1.3, 1.5, 0.5, 1.5, 0.5, 2, 1.6, 2, 1.6, 2.5, 0, 2.5];

/** The origin and the two unit arrows: where they go shows the matrix (its columns). */
const FRAME = [0, 0, 1, 0, 0, 1];

/** Extra points along every edge, so that relu's bends show (a linear map keeps edges straight anyway). */
function densify(xy: readonly number[], steps = 24): number[] {
  const out: number[] = [];
  const n = xy.length / 2;
  for (let i = 0; i < n; i++) {
    const [x0, y0] = [xy[2 * i], xy[2 * i + 1]];
    const [x1, y1] = [xy[(2 * i + 2) % xy.length], xy[(2 * i + 3) % xy.length]];
    for (let s = 0; s < steps; s++) out.push(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps);
  }
  return out;
}

function toPoints(x: NDArray): Point[] {
  if (x?.rank !== 2 || x.shape[1] !== 2) {
    throw new Error(`expected points of shape [n,2], got ${x?.shape ? formatShape(x.shape) : String(x)}`);
  }
  return Array.from({ length: x.shape[0] }, (_, i) => [x.get(i, 0), x.get(i, 1)] as const);
}

const shape = (points: Point[]): Mark => ({
  kind: 'polygon',
  points,
  style: { stroke: palette[0], fill: palette[0], opacity: 0.28, width: 1.8 },
});
const before = (points: Point[]): Mark => ({
  kind: 'polygon',
  points,
  style: { stroke: '#777', fill: 'none', dash: '4 3', width: 1.1 },
});
const frame = ([o, e1, e2]: Point[]): Mark[] => [
  { kind: 'arrow', from: o as Point, to: e1 as Point, style: { stroke: palette[1] } },
  { kind: 'arrow', from: o as Point, to: e2 as Point, style: { stroke: palette[2] } },
];

export default async function plot(ctx: PlotContext): Promise<string> {
  const code = await ctx.learnerCode<typeof Geometry>();
  const g = code.fns;
  const range = { x: [-2.4, 3.4] as const, y: [-2.2, 3.2] as const, equalAspect: true };

  /** A panel drawn with the learner's code; says "(reference solution)" if any of it fell back. */
  const panel = (title: string, draw: () => Mark[]): Panel => {
    try {
      const { result, fellBack } = code.run(draw);
      const note = fellBack.length > 0 ? `(reference solution: ${fellBack.join(', ')})` : undefined;
      return { title, note, marks: result, ...range };
    } catch (e) {
      ctx.notice(`panel "${title}" could not be drawn: ${(e as Error).message}`);
      // The message, wrapped into a few lines that fit the panel.
      const words = `cannot draw: ${(e as Error).message}`.split(' ');
      const lines = words.reduce<string[]>((acc, w) => {
        const last = acc.at(-1);
        if (last !== undefined && `${last} ${w}`.length <= 40) acc[acc.length - 1] = `${last} ${w}`;
        else acc.push(w);
        return acc;
      }, []);
      const why = lines.slice(0, 4).map((text, i): Mark => ({ kind: 'text', at: [-2.2, 1.5 - 0.4 * i], text }));
      return { title, note: '(failed: see the message in the terminal)', marks: why, ...range };
    }
  };

  // Points are rows: reshape the flat lists into [n, 2] (step 1).
  const outline = densify(F_OUTLINE);
  const F = () => g.reshape(NDArray.fromFlat(outline, [outline.length]), [-1, 2]);
  const unit = () => g.reshape(NDArray.fromFlat(FRAME, [6]), [-1, 2]);
  const theta = Math.PI / 3;
  const v = NDArray.fromFlat([1.5, -1], [2]);
  const W = NDArray.fromNested([
    [0.9, 0.7],
    [-0.5, 0.8],
  ]);
  const b = NDArray.fromFlat([-1, -0.8], [2]);
  const original = () => toPoints(F());

  const panels = [
    panel('1 · original', () => [shape(original()), ...frame(toPoints(unit()))]),
    panel('2 · translated: x + (1.5, −1)', () => [
      before(original()),
      shape(toPoints(g.translate(F(), v))),
      ...frame(toPoints(g.translate(unit(), v))),
      { kind: 'arrow', from: [0, 0], to: [1.5, -1], style: { stroke: palette[3], dash: '3 2' } },
    ]),
    panel('3 · rotated by 60°: R·x', () => [
      before(original()),
      shape(toPoints(g.linearMap(g.rotation(theta), F()))),
      ...frame(toPoints(g.linearMap(g.rotation(theta), unit()))),
    ]),
    panel('4 · scaled: S = [[1.5, 0], [0, 0.6]]', () => [
      before(original()),
      shape(toPoints(g.linearMap(g.scaling(1.5, 0.6), F()))),
      ...frame(toPoints(g.linearMap(g.scaling(1.5, 0.6), unit()))),
    ]),
    panel('5 · affine: W·x + b (Dense, no activation)', () => [
      before(original()),
      shape(toPoints(g.affineMap(W, b, F()))),
      ...frame(toPoints(g.affineMap(W, b, unit()))),
    ]),
    panel('6 · relu(W·x + b): Dense with relu', () => {
      const affine = toPoints(g.affineMap(W, b, F()));
      const folded = toPoints(g.applyLayers([{ W, b }], F(), 'relu'));
      // Thin lines from some points to where relu puts them.
      const moves: Mark[] = affine
        .map((p, i) => [p, folded[i] as Point] as const)
        .filter(([p, q], i) => i % 3 === 0 && q !== undefined && Math.hypot(p[0] - q[0], p[1] - q[1]) > 0.05)
        .map(([p, q]) => ({ kind: 'line', points: [p, q], style: { stroke: palette[1], width: 0.7 } }));
      const halfPlane = (points: Point[]): Mark => ({
        kind: 'polygon',
        points,
        style: { fill: palette[1], opacity: 0.08, stroke: 'none' },
      });
      return [
        // The half-planes relu folds onto the axes.
        halfPlane([
          [-9, -9],
          [0, -9],
          [0, 9],
          [-9, 9],
        ]),
        halfPlane([
          [0, -9],
          [9, -9],
          [9, 0],
          [0, 0],
        ]),
        { kind: 'text', at: [-2.2, -1.95], text: 'x < 0 or y < 0 is folded onto the axes', style: { fill: '#9a3b00' } },
        before(affine),
        ...moves,
        { ...shape(folded), style: { stroke: palette[0], fill: palette[0], opacity: 0.28, width: 2.6 } },
      ];
    }),
  ];

  return figure({
    title: '04 · The geometry of tensor ops: one letter F, six maps',
    subtitle:
      'Dashed: the F before the map. Orange and green arrows: where (1, 0) and (0, 1) go — the columns of the matrix.',
    panels,
    columns: 3,
  });
}
