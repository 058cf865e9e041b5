/**
 * The arithmetic of a chart's axes and layout, for lib/svg.ts: round ticks, ranges that fit the
 * data, scales, and the extents of text and lines in pixels (so labels and legends can be kept
 * off each other and off the data without a browser to measure them).
 */
import type { Mark, Point, Range } from './svg.ts';

/** Data coordinates to pixels. */
export type Scale = (q: Point) => [number, number];

/** The 1-2-5 step (times a power of ten) that gives about `target` ticks over [lo, hi]. */
export function tickStep(lo: number, hi: number, target = 5): number {
  const raw = (hi - lo) / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  // d3's rule: the 1-2-5 step whose tick count comes nearest the target.
  const e = raw / power;
  return (e >= Math.sqrt(50) ? 10 : e >= Math.sqrt(10) ? 5 : e >= Math.SQRT2 ? 2 : 1) * power;
}

/** k·step for k from `from` to `to`. NOTE: k·step, not repeated additions, so that rounding does not pile up. */
function ticksFrom(from: number, to: number, step: number): number[] {
  const ticks: number[] = [];
  for (let k = from; k <= to; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** How far from a whole number of steps still counts as on a tick: 1e-9, more where k·step rounds. */
const slack = (v: number, step: number) => 1e-9 + 8 * Number.EPSILON * Math.abs(v / step);

/** The multiples of `step` in [lo, hi]. */
function multiples(lo: number, hi: number, step: number): number[] {
  return ticksFrom(Math.ceil(lo / step - slack(lo, step)), Math.floor(hi / step + slack(hi, step)), step);
}

/** Round ticks covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, about `target` of them. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  return multiples(lo, hi, tickStep(lo, hi, target));
}

/**
 * [lo, hi] widened out to the nearest ticks, with those ticks: then the axis begins and ends on
 * a labelled value and every value in [lo, hi] lies between two labels (d3's `scale.nice()`).
 * NOTE: a bound within 1e-9 of a step of a tick counts as on it, so that 0.1 + 0.2 does not add
 * a tick for 0.30000000000000004.
 */
export function niceAxis(lo: number, hi: number, target = 5): { range: [number, number]; ticks: number[] } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return niceAxis(0, 1, target);
  if (!(hi > lo)) {
    // One value (a single point): an axis around it, ±10% of it or ±1.
    const d = Math.abs(lo) / 10 || 1;
    return niceAxis(lo - d, lo + d, target);
  }
  const step = tickStep(lo, hi, target);
  const ticks = ticksFrom(Math.floor(lo / step + slack(lo, step)), Math.ceil(hi / step - slack(hi, step)), step);
  return { range: [ticks[0], ticks.at(-1) as number], ticks };
}

/** The affine map taking `domain` onto `range` (range may run backwards, as SVG's y does). */
export function linearScale(domain: Range, range: Range): (v: number) => number {
  const k = domain[1] === domain[0] ? 0 : (range[1] - range[0]) / (domain[1] - domain[0]);
  return (v) => range[0] + (v - domain[0]) * k;
}

/** [min, max] of the finite values, widened by `pad` of the span on each side (never empty). */
export function fitRange(values: readonly number[], pad = 0.06): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - pad * span, hi + pad * span];
}

/**
 * How wide `s` is drawn at `size` pixels, at most: DejaVu Sans' advance widths rounded up
 * (Helvetica and Arial, the fallbacks, are narrower). Enough to keep labels apart without a DOM.
 */
export function textWidth(s: string, size: number): number {
  let em = 0;
  for (const ch of s) {
    if (/[0-9a-z]/.test(ch)) em += /[ijlftr]/.test(ch) ? 0.42 : /[mw]/.test(ch) ? 1 : 0.66;
    else if (/[.,:;' ]/.test(ch)) em += 0.36;
    else if (/[(){}[\]\-|]/.test(ch)) em += 0.42;
    else em += /[MW%@—−]/.test(ch) ? 1 : 0.82;
  }
  return em * size;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Whether the segment a–b passes through the box (a point when a = b): Liang–Barsky clipping. */
export function segmentHitsBox(a: Point, b: Point, r: Box): boolean {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  let [t0, t1] = [0, 1];
  for (const [p, q] of [
    [-dx, a[0] - r.x],
    [dx, r.x + r.width - a[0]],
    [-dy, a[1] - r.y],
    [dy, r.y + r.height - a[1]],
  ] as const) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

export function insidePolygon([x, y]: Point, polygon: readonly Point[]): boolean {
  let inside = false;
  polygon.forEach(([xi, yi], i) => {
    const [xj, yj] = polygon[(i + 1) % polygon.length] as Point;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  });
  return inside;
}

/** Whether any mark, drawn through `px`, touches the box (contours are background, like the grid). */
export function marksHit(marks: readonly Mark[], px: Scale, r: Box): boolean {
  const hits = (q: readonly Point[], closed = false) =>
    q.some((a, i) => {
      const b = q[i + 1] ?? (closed ? q[0] : a);
      return segmentHitsBox(px(a), px(b as Point), r);
    });
  const grown = (by: number): Box => ({ x: r.x - by, y: r.y - by, width: r.width + 2 * by, height: r.height + 2 * by });
  return marks.some((m) => {
    switch (m.kind) {
      case 'line':
        return hits(m.points);
      case 'polygon':
        return hits(m.points, true) || insidePolygon([r.x + r.width / 2, r.y + r.height / 2], m.points.map(px));
      case 'arrow':
        return segmentHitsBox(px(m.from), px(m.to), r);
      case 'points':
        return m.points.some((q) => segmentHitsBox(px(q), px(q), grown(m.radius ?? 2.5)));
      case 'text':
        return segmentHitsBox(px(m.at), px(m.at), r);
      default:
        return false; // contours
    }
  });
}
