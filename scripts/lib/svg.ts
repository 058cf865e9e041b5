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

import { fitRange, linearScale, marksHit, niceAxis, niceTicks, type Scale, textWidth } from './axes.ts';

export { fitRange, linearScale, niceAxis, niceTicks, textWidth } from './axes.ts';

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
  /** Widen both ranges out to round ticks, plus a small margin: the axes start and end on a label. */
  nice?: boolean;
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

interface Layout {
  box: { left: number; right: number; top: number; bottom: number };
  xr: Range;
  yr: Range;
  xt: number[];
  yt: number[];
  px: Scale;
}

/** Tick labels as drawn: as many decimals as the step between ticks needs. */
const tickLabels = (ticks: readonly number[]) => ticks.map((t) => tickText(t, (ticks[1] ?? 1) - (ticks[0] ?? 0)));

/** The panel's plot area, ranges, ticks and scale, the plot area starting `top` pixels down. */
function layout(p: Panel, w: number, h: number, top: number): Layout {
  const bottom = h - (p.xLabel ? 40 : 26);
  const bh = bottom - top;
  const pts = p.marks.flatMap(markPoints);
  // The y tick labels decide the left margin, which decides the width, which (equal aspect) can
  // change the y ticks: two passes settle it.
  let left = 46;
  for (let pass = 0; ; pass++) {
    const box = { left, right: w - 12, top, bottom };
    const bw = box.right - box.left;
    // Nice axes add their own margin.
    const fit = (i: 0 | 1) =>
      fitRange(
        pts.map((q) => q[i]),
        p.nice ? 0 : undefined,
      );
    let xr: Range = p.x ?? fit(0);
    let yr: Range = p.y ?? fit(1);
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
    let xt = niceTicks(xr[0], xr[1], bw / 50);
    let yt = niceTicks(yr[0], yr[1], bh / 50);
    if (p.nice && !p.equalAspect) {
      // Out to round ticks, then a margin so that nothing sits on the frame.
      const padded = (a: { range: [number, number]; ticks: number[] }): Range => {
        const m = 0.03 * (a.range[1] - a.range[0] || 1);
        return [a.range[0] - m, a.range[1] + m];
      };
      const [nx, ny] = [niceAxis(xr[0], xr[1], bw / 50), niceAxis(yr[0], yr[1], bh / 50)];
      [xr, yr, xt, yt] = [padded(nx), padded(ny), nx.ticks, ny.ticks];
    }
    // NOTE: the rotated y label takes x 3.5–15; its tick labels end 5 px left of the frame.
    const widest = Math.max(0, ...tickLabels(yt).map((s) => textWidth(s, 10)));
    const needed = Math.max(46, Math.ceil(widest + 5 + (p.yLabel ? 18 : 6)));
    if (needed > left && pass < 2) {
      left = needed;
      continue;
    }
    const sx = linearScale(xr, [box.left, box.right]);
    const sy = linearScale(yr, [box.bottom, box.top]);
    return { box, xr, yr, xt, yt, px: (q) => [sx(q[0]), sy(q[1])] };
  }
}

/** The legend's entries, and where it goes: a free corner of the plot area, else above it. */
function placeLegend(p: Panel, w: number, h: number, top: number) {
  const labelled = p.marks.filter((m) => 'label' in m && m.label) as (Mark & { label: string })[];
  let l = layout(p, w, h, top);
  if (labelled.length === 0) return { l, labelled, entries: [] as { x: number; y: number }[], box: undefined };
  const width = 30 + Math.max(...labelled.map((m) => textWidth(m.label, 11)));
  const height = 15 * labelled.length + 6;
  const { left, right, bottom } = l.box;
  const corners = [
    [left + 3, top + 3],
    [right - 3 - width, top + 3],
    [right - 3 - width, bottom - 3 - height],
    [left + 3, bottom - 3 - height],
  ];
  // A corner only if the legend fits inside the plot area, with room to spare.
  const fits = width + 6 <= right - left && height + 6 <= bottom - top;
  for (const [x, y] of fits ? (corners as [number, number][]) : []) {
    const box = { x, y, width, height };
    if (!marksHit(p.marks, l.px, { x: x - 2, y: y - 2, width: width + 4, height: height + 4 })) {
      return { l, labelled, entries: labelled.map((_, i) => ({ x: x + 5, y: y + 11 + 15 * i })), box };
    }
  }
  // No corner is free of data: the entries go in rows above the plot area, which moves down.
  const entries: { x: number; y: number }[] = [];
  let [x, row] = [left, 0];
  for (const m of labelled) {
    const entryWidth = 17 + textWidth(m.label, 11) + 14;
    if (x > left && x + entryWidth > w - 12) [x, row] = [left, row + 1];
    entries.push({ x, y: top + 9 + 15 * row });
    x += entryWidth;
  }
  l = layout(p, w, h, top + 15 * (row + 1) + 4);
  return { l, labelled, entries, box: undefined };
}

/** One panel, drawn at the origin, `w` × `h` pixels in all; `id` keeps its clip path unique. */
function drawPanel(p: Panel, w: number, h: number, id: number): string {
  const { l, labelled, entries, box: legendBox } = placeLegend(p, w, h, p.note ? 46 : 30);
  const { box, xr, yr, xt, yt, px } = l;
  const [bw, bh] = [box.right - box.left, box.bottom - box.top];
  const out: string[] = [];
  const gridClass = (t: number) => (t === 0 ? 'zero' : 'grid');
  const xLabels = tickLabels(xt);
  const yLabels = tickLabels(yt);
  xt.forEach((t, i) => {
    const x = px([t, 0])[0];
    out.push(el('line', { x1: x, y1: box.top, x2: x, y2: box.bottom, class: gridClass(t) }));
    out.push(text({ x, y: box.bottom + 14, class: 'tick x' }, xLabels[i] as string));
  });
  yt.forEach((t, i) => {
    const y = px([0, t])[1];
    out.push(el('line', { x1: box.left, y1: y, x2: box.right, y2: y, class: gridClass(t) }));
    out.push(text({ x: box.left - 5, y: y + 3.5, class: 'tick y' }, yLabels[i] as string));
  });
  const area = { x: box.left, y: box.top, width: bw, height: bh };
  out.push(el('clipPath', { id: `clip${id}` }, el('rect', area)));
  const marks = p.marks.map((m) =>
    el('g', { class: 'mark', 'data-label': 'label' in m ? m.label : undefined }, drawMark(m, px, xr, yr)),
  );
  out.push(el('g', { 'clip-path': `url(#clip${id})` }, marks.join('\n')));
  out.push(el('rect', { ...area, class: 'frame' }));
  const middle = (box.left + box.right) / 2;
  out.push(text({ x: middle, y: 18, class: 'panel-title' }, p.title));
  if (p.note) out.push(text({ x: middle, y: 34, class: 'panel-note' }, p.note));
  if (p.xLabel) out.push(text({ x: middle, y: h - 8, class: 'label x' }, p.xLabel));
  if (p.yLabel)
    out.push(text({ transform: `translate(12 ${box.top + bh / 2}) rotate(-90)`, class: 'label y' }, p.yLabel));
  const legend: string[] = [];
  if (legendBox) legend.push(el('rect', { ...legendBox, class: 'legend-box' }));
  labelled.forEach((m, i) => {
    const { x, y } = entries[i] as { x: number; y: number };
    // The swatch looks like the mark: a stroke for a line, a dot for points, a patch otherwise.
    const colour =
      m.kind === 'points' ? (m.style?.fill ?? palette[0]) : (m.style?.stroke ?? m.style?.fill ?? palette[0]);
    if (m.kind === 'line') {
      legend.push(
        el('line', { x1: x, y1: y - 4, x2: x + 12, y2: y - 4, ...paint(m.style, { stroke: colour, width: 2 }) }),
      );
    } else if (m.kind === 'points') {
      legend.push(el('circle', { cx: x + 6, cy: y - 4, r: Math.min(4, m.radius ?? 2.5), fill: colour }));
    } else {
      legend.push(el('rect', { x, y: y - 8, width: 12, height: 8, fill: colour }));
    }
    legend.push(text({ x: x + 17, y, class: 'legend' }, m.label));
  });
  if (legend.length > 0) out.push(el('g', { class: 'legend-group' }, legend.join('\n')));
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
