/**
 * A tiny, dependency-free SVG chart for the kata's pictures (`npm run plot`): panels in a
 * grid, each with a title, axes, ticks and a grid, holding marks — lines, polygons, arrows,
 * points, text and contour lines (a loss surface under an optimizer's path).
 *
 *   const svg = figure({
 *     title: 'Loss',
 *     panels: [{ title: 'training', xLabel: 'epoch', marks: [{ kind: 'line', points: [[1, 0.9], [2, 0.4]] }] }],
 *   });
 *
 * Pure functions from data to text: no DOM, no fonts to measure, the same bytes every run.
 * A new kind of mark is one more case in `drawMark` (and in `markPoints`, to fit the axes).
 */

export type Point = readonly [number, number];
export type Range = readonly [number, number];

export interface Style {
  stroke?: string;
  fill?: string;
  width?: number;
  /** SVG stroke-dasharray, e.g. '4 3' */
  dash?: string;
  opacity?: number;
}

export type Mark =
  | { kind: 'line'; points: readonly Point[]; style?: Style; label?: string }
  | { kind: 'polygon'; points: readonly Point[]; style?: Style; label?: string }
  | { kind: 'arrow'; from: Point; to: Point; style?: Style; label?: string }
  | { kind: 'points'; points: readonly Point[]; radius?: number; style?: Style; label?: string }
  | { kind: 'text'; at: Point; text: string; style?: Style; anchor?: 'start' | 'middle' | 'end' }
  | { kind: 'contour'; f: (x: number, y: number) => number; levels: readonly number[]; style?: Style };

export interface Panel {
  title: string;
  /** A second, smaller line under the title (e.g. where the numbers came from). */
  note?: string;
  /** Data ranges shown; by default they fit the marks. */
  x?: Range;
  y?: Range;
  /** One unit as long on both axes, so shapes keep their angles (geometry). */
  equalAspect?: boolean;
  xLabel?: string;
  yLabel?: string;
  marks: readonly Mark[];
}

export interface Figure {
  title?: string;
  subtitle?: string;
  panels: readonly Panel[];
  columns?: number;
  panelWidth?: number;
  panelHeight?: number;
}

/** Colour-blind-safe colours (Okabe–Ito), for marks that need telling apart. */
export const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

/** Round ticks covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, about `target` of them. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  // d3's rule: the 1-2-5 step whose tick count comes nearest the target.
  const e = raw / power;
  const step = (e >= Math.sqrt(50) ? 10 : e >= Math.sqrt(10) ? 5 : e >= Math.SQRT2 ? 2 : 1) * power;
  const ticks: number[] = [];
  // NOTE: k·step, not repeated additions, so 0.1 + 0.2 rounding does not pile up.
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    ticks.push(Number((k * step).toPrecision(12)));
  }
  return ticks;
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

/** Where f(x, y) = level, as line segments: marching squares on an n×n grid of cells. */
export function contourSegments(f: (x: number, y: number) => number, x: Range, y: Range, level: number, n = 60) {
  const at = (i: number, j: number): [number, number, number] => {
    const px = x[0] + ((x[1] - x[0]) * i) / n;
    const py = y[0] + ((y[1] - y[0]) * j) / n;
    return [px, py, f(px, py) - level];
  };
  const segments: [Point, Point][] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      // The cell's corners in order around it; the level crosses each edge whose ends differ in sign.
      const c = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
      const hits: Point[] = [];
      c.forEach(([ax, ay, av], e) => {
        const [bx, by, bv] = c[(e + 1) % 4] as [number, number, number];
        const t = av / (av - bv);
        if (av < 0 !== bv < 0) hits.push([ax + t * (bx - ax), ay + t * (by - ay)]);
      });
      // Two crossings make one segment; four (a saddle) make two.
      for (let h = 0; h + 1 < hits.length; h += 2) segments.push([hits[h] as Point, hits[h + 1] as Point]);
    }
  }
  return segments;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Numbers in the SVG with two decimals at most: a hundredth of a pixel is plenty. */
const num = (v: number) => Math.round(v * 100) / 100;

/** `<tag a="1" …>content</tag>`; undefined attributes are left out, text content is escaped. */
function el(tag: string, attrs: Record<string, string | number | undefined>, content?: string): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v as string)}"`)
    .join('');
  return content === undefined ? `<${tag}${a}/>` : `<${tag}${a}>${content}</${tag}>`;
}

/** A <text> element; its text is escaped. */
const text = (attrs: Record<string, string | number | undefined>, s: string) => el('text', attrs, escapeXml(s));

const tickText = (v: number, step: number) =>
  v
    .toFixed(Math.max(0, -Math.floor(Math.log10(step) + 1e-9)))
    .replace(/^-(0\.?0*)$/, '$1')
    .replace('-', '−');

function paint(s: Style | undefined, defaults: Style) {
  const m = { ...defaults, ...s };
  return {
    fill: m.fill ?? 'none',
    stroke: m.stroke ?? 'none',
    'stroke-width': m.width,
    'stroke-dasharray': m.dash,
    'fill-opacity': m.opacity,
    'stroke-linejoin': 'round',
  };
}

function markPoints(m: Mark): readonly Point[] {
  if (m.kind === 'arrow') return [m.from, m.to];
  if (m.kind === 'text') return [m.at];
  return m.kind === 'contour' ? [] : m.points;
}

type Scale = (q: Point) => [number, number];

function drawMark(m: Mark, px: Scale, xr: Range, yr: Range): string {
  const blue = palette[0];
  const list = (points: readonly Point[]) => points.map((q) => px(q).map(num).join(',')).join(' ');
  switch (m.kind) {
    case 'line':
      return el('polyline', { points: list(m.points), ...paint(m.style, { stroke: blue, width: 1.8 }) });
    case 'polygon':
      return el('polygon', { points: list(m.points), ...paint(m.style, { stroke: blue, fill: blue, opacity: 0.3 }) });
    case 'points':
      return m.points
        .map((q) => el('circle', { cx: px(q)[0], cy: px(q)[1], r: m.radius ?? 2.5, ...paint(m.style, { fill: blue }) }))
        .join('');
    case 'text': {
      const [x, y] = px(m.at);
      return text({ x, y, 'text-anchor': m.anchor ?? 'start', class: 'note', fill: m.style?.fill }, m.text);
    }
    case 'arrow': {
      // The head is drawn in pixels, so it keeps its size and angle whatever the axes' scales.
      const [[x0, y0], [x1, y1]] = [px(m.from), px(m.to)];
      const len = Math.hypot(x1 - x0, y1 - y0) || 1;
      const [ux, uy] = [(x1 - x0) / len, (y1 - y0) / len];
      const head = Math.min(10, len / 2);
      const [bx, by] = [x1 - ux * head, y1 - uy * head];
      const wing = (s: number) => `${num(bx - s * uy * head * 0.45)},${num(by + s * ux * head * 0.45)}`;
      const stroke = m.style?.stroke ?? blue;
      return (
        el('line', { x1: x0, y1: y0, x2: bx, y2: by, ...paint(m.style, { stroke, width: 2 }) }) +
        el('polygon', { points: `${num(x1)},${num(y1)} ${wing(1)} ${wing(-1)}`, fill: stroke })
      );
    }
    case 'contour':
      return m.levels
        .map((level) => {
          const d = contourSegments(m.f, xr, yr, level)
            .map(([a, b]) => `M${px(a).map(num).join(',')}L${px(b).map(num).join(',')}`)
            .join('');
          return el('path', { d, ...paint(m.style, { stroke: '#999', width: 1 }) });
        })
        .join('\n');
  }
}

/** One panel, drawn at the origin, `w` × `h` pixels in all; `id` keeps its clip path unique. */
function drawPanel(p: Panel, w: number, h: number, id: number): string {
  const box = { left: 46, right: w - 12, top: p.note ? 46 : 30, bottom: h - (p.xLabel ? 40 : 26) };
  const [bw, bh] = [box.right - box.left, box.bottom - box.top];
  const pts = p.marks.flatMap(markPoints);
  let xr: Range = p.x ?? fitRange(pts.map((q) => q[0]));
  let yr: Range = p.y ?? fitRange(pts.map((q) => q[1]));
  if (p.equalAspect) {
    // Widen the range that has fewer units per pixel, about its middle.
    const per = Math.max((xr[1] - xr[0]) / bw, (yr[1] - yr[0]) / bh);
    const widen = (r: Range, pixels: number): Range => [
      (r[0] + r[1] - per * pixels) / 2,
      (r[0] + r[1] + per * pixels) / 2,
    ];
    xr = widen(xr, bw);
    yr = widen(yr, bh);
  }
  const sx = linearScale(xr, [box.left, box.right]);
  const sy = linearScale(yr, [box.bottom, box.top]);
  const px: Scale = (q) => [sx(q[0]), sy(q[1])];
  const out: string[] = [];
  const xt = niceTicks(xr[0], xr[1], bw / 50);
  const yt = niceTicks(yr[0], yr[1], bh / 50);
  const gridClass = (t: number) => (t === 0 ? 'zero' : 'grid');
  for (const t of xt) {
    out.push(el('line', { x1: sx(t), y1: box.top, x2: sx(t), y2: box.bottom, class: gridClass(t) }));
    out.push(text({ x: sx(t), y: box.bottom + 14, class: 'tick x' }, tickText(t, (xt[1] ?? 1) - (xt[0] ?? 0))));
  }
  for (const t of yt) {
    out.push(el('line', { x1: box.left, y1: sy(t), x2: box.right, y2: sy(t), class: gridClass(t) }));
    out.push(text({ x: box.left - 5, y: sy(t) + 3.5, class: 'tick y' }, tickText(t, (yt[1] ?? 1) - (yt[0] ?? 0))));
  }
  const area = { x: box.left, y: box.top, width: bw, height: bh };
  out.push(el('clipPath', { id: `clip${id}` }, el('rect', area)));
  out.push(el('g', { 'clip-path': `url(#clip${id})` }, p.marks.map((m) => drawMark(m, px, xr, yr)).join('\n')));
  out.push(el('rect', { ...area, class: 'frame' }));
  const middle = (box.left + box.right) / 2;
  out.push(text({ x: middle, y: 18, class: 'panel-title' }, p.title));
  if (p.note) out.push(text({ x: middle, y: 34, class: 'panel-note' }, p.note));
  if (p.xLabel) out.push(text({ x: middle, y: h - 8, class: 'label' }, p.xLabel));
  if (p.yLabel)
    out.push(text({ transform: `translate(12 ${box.top + bh / 2}) rotate(-90)`, class: 'label' }, p.yLabel));
  // A legend, top left, for the marks that have a label.
  const labelled = p.marks.filter((m) => 'label' in m && m.label) as { label: string; style?: Style }[];
  if (labelled.length > 0) {
    const width = 30 + 6.5 * Math.max(...labelled.map((m) => m.label.length));
    out.push(
      el('rect', { x: box.left + 3, y: box.top + 3, width, height: 15 * labelled.length + 6, class: 'legend-box' }),
    );
  }
  labelled.forEach((m, i) => {
    const [x, y] = [box.left + 8, box.top + 14 + 15 * i];
    out.push(el('rect', { x, y: y - 8, width: 12, height: 8, fill: m.style?.stroke ?? m.style?.fill ?? palette[0] }));
    out.push(text({ x: x + 17, y, class: 'legend' }, m.label));
  });
  return out.join('\n');
}

const CSS = `
text { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; fill: #222; }
.title { font-size: 18px; font-weight: bold; }
.subtitle { font-size: 12.5px; fill: #555; }
.panel-title { font-size: 13px; font-weight: bold; }
.panel-note { font-size: 11px; font-style: italic; fill: #b34700; }
.panel-title, .panel-note, .label, .tick.x { text-anchor: middle; }
.tick { font-size: 10px; fill: #666; }
.tick.y { text-anchor: end; }
.label, .legend, .note { font-size: 11px; }
.grid { stroke: #e8e8e8; stroke-width: 1; }
.zero { stroke: #999; stroke-width: 1; }
.frame { fill: none; stroke: #bbb; stroke-width: 1; }
.legend-box { fill: #fff; fill-opacity: 0.85; stroke: #ddd; }`;

/** The whole figure: a title, then the panels left to right, top to bottom. */
export function figure(spec: Figure): string {
  const columns = Math.max(1, Math.min(spec.columns ?? 3, spec.panels.length));
  const rows = Math.ceil(spec.panels.length / columns);
  const [w, h] = [spec.panelWidth ?? 320, spec.panelHeight ?? 300];
  const head = (spec.title ? 34 : 8) + (spec.subtitle ? 22 : 0);
  const [width, height] = [columns * w + 16, head + rows * h + 8];
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    el('style', {}, CSS),
    el('rect', { width, height, fill: '#fff' }),
  ];
  if (spec.title) out.push(text({ x: 16, y: 26, class: 'title' }, spec.title));
  if (spec.subtitle) out.push(text({ x: 16, y: head - 10, class: 'subtitle' }, spec.subtitle));
  spec.panels.forEach((p, i) => {
    const transform = `translate(${8 + (i % columns) * w} ${head + Math.floor(i / columns) * h})`;
    out.push(el('g', { transform }, drawPanel(p, w, h, i)));
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
