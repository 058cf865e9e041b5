/**
 * Prints arrays the way NumPy does: nested brackets, one number format for the whole
 * array (integers as `1.`, fixed point with aligned decimal points, or scientific when
 * the magnitudes call for it), long arrays summarised with `...`. And `plural`, for counts in
 * messages ("1 epoch", not "1 epochs").
 */

import type { Shape } from './shape.ts';
import { sizeOf, stridesOf } from './shape.ts';

export interface FormatOptions {
  /** Significant decimals, as NumPy's `precision` (default 8). */
  precision?: number;
  /** Arrays with more elements than this are summarised (default 1000). */
  threshold?: number;
  /** Elements shown at each end of a summarised axis (default 3). */
  edgeItems?: number;
  /** Wrap the last axis at this many characters (default 75). */
  lineWidth?: number;
  /** Flat indices to mark (wrapped in `>…<`), e.g. the wrong elements of a comparison. */
  mark?: ReadonlySet<number>;
}

type NumberFormatter = (v: number) => string;

/** Picks one format for all values shown, as NumPy's FloatingFormat does. */
export function numberFormatter(values: ArrayLike<number>, precision = 8): NumberFormatter {
  let maxAbs = 0;
  let minAbs = Number.POSITIVE_INFINITY;
  let allIntegral = true;
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    finite.push(v);
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a !== 0 && a < minAbs) minAbs = a;
    if (!Number.isInteger(v)) allIntegral = false;
  }
  const special = (v: number): string | null =>
    Number.isNaN(v) ? 'nan' : v === Number.POSITIVE_INFINITY ? 'inf' : v === Number.NEGATIVE_INFINITY ? '-inf' : null;

  const scientific =
    finite.length > 0 &&
    minAbs !== Number.POSITIVE_INFINITY &&
    (maxAbs >= 1e8 || (!allIntegral && (minAbs < 1e-4 || maxAbs / minAbs > 1e3)));

  let parts: (v: number) => [string, string];
  if (scientific) {
    parts = (v) => {
      const [m, e] = v.toExponential(precision).split('e') as [string, string];
      const [mi, mf = ''] = m.split('.');
      const exp = Number(e);
      const es = `e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
      return [`${mi}`, `${mf.replace(/0+$/, '')}${es}`];
    };
  } else {
    parts = (v) => {
      const [i, f = ''] = v.toFixed(precision).split('.') as [string, string?];
      // -0.00000000 prints as -0. in NumPy too; keep the sign.
      return [i, f.replace(/0+$/, '')];
    };
  }
  let intWidth = 0;
  let fracWidth = 0;
  let specialWidth = 0;
  for (let i = 0; i < values.length; i++)
    specialWidth = Math.max(specialWidth, special(values[i] as number)?.length ?? 0);
  for (const v of finite) {
    const [i, f] = parts(v);
    intWidth = Math.max(intWidth, i.length);
    fracWidth = Math.max(fracWidth, f.length);
  }
  const width = Math.max(finite.length > 0 ? intWidth + 1 + fracWidth : 0, specialWidth);
  return (v: number) => {
    const s = special(v);
    if (s !== null) return s.padStart(width);
    const [i, f] = parts(v);
    if (scientific) {
      // The exponent is part of the fraction string; align the mantissa's point.
      const [mf, es] = [f.slice(0, f.indexOf('e')), f.slice(f.indexOf('e'))];
      const mfWidth = fracWidth - es.length;
      return `${i.padStart(intWidth)}.${mf.padEnd(mfWidth, '0')}${es}`;
    }
    return `${i.padStart(intWidth)}.${f.padEnd(fracWidth)}`.padStart(width);
  };
}

/** Indices shown along an axis of size n: all, or the edges around a `...`. */
function shownIndices(n: number, summarise: boolean, edge: number): (number | null)[] {
  if (!summarise || n <= 2 * edge) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: edge }, (_, i) => i);
  const tail = Array.from({ length: edge }, (_, i) => n - edge + i);
  return [...head, null, ...tail];
}

/** The bracketed body of an array, like `str(np_array)`. */
export function formatArray(data: ArrayLike<number>, shape: Shape, options: FormatOptions = {}): string {
  const precision = options.precision ?? 8;
  const threshold = options.threshold ?? 1000;
  const edge = options.edgeItems ?? 3;
  const lineWidth = options.lineWidth ?? 75;
  const mark = options.mark;
  const size = sizeOf(shape);
  const summarise = size > threshold;
  const strides = stridesOf(shape);

  // Format only what is shown, so the number format fits the visible values.
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      shown.push(offset);
      return;
    }
    for (const i of shownIndices(shape[axis] as number, summarise, edge)) {
      if (i !== null) collect(axis + 1, offset + i * (strides[axis] as number));
    }
  };
  if (size > 0) collect(0, 0);
  const fmt = numberFormatter(
    shown.map((o) => data[o] as number),
    precision,
  );
  const cell = (offset: number): string => {
    const s = fmt(data[offset] as number);
    if (!mark) return s;
    if (!mark.has(offset)) return ` ${s} `;
    // Mark the number itself and keep the alignment padding outside the marks: ` >0.5<  `.
    const lead = s.length - s.trimStart().length;
    const trail = s.length - s.trimEnd().length;
    return `${' '.repeat(lead)}>${s.trim()}<${' '.repeat(trail)}`;
  };

  if (shape.length === 0) return cell(0);
  if (size === 0) return '[]';

  const render = (axis: number, offset: number, indent: string): string => {
    const n = shape[axis] as number;
    const idx = shownIndices(n, summarise, edge);
    if (axis === shape.length - 1) {
      const items = idx.map((i) => (i === null ? '...' : cell(offset + i * (strides[axis] as number))));
      // Wrap long rows, continuing under the first element.
      const lines: string[] = [];
      let line = '';
      for (let k = 0; k < items.length; k++) {
        const piece = items[k] + (k < items.length - 1 ? ',' : '');
        if (line.length > 0 && indent.length + 1 + line.length + 1 + piece.length > lineWidth) {
          lines.push(line.trimEnd());
          line = '';
        }
        line += line.length > 0 ? ` ${piece}` : piece;
      }
      lines.push(line);
      return `[${lines.join(`\n${indent} `)}]`;
    }
    const blankLines = '\n'.repeat(shape.length - axis - 1);
    const inner = idx.map((i) =>
      i === null ? '...' : render(axis + 1, offset + i * (strides[axis] as number), `${indent} `),
    );
    return `[${inner.join(`,${blankLines}${indent} `)}]`;
  };
  return render(0, 0, '');
}

/** `1 epoch`, `5 epochs`, `60,000 training images`: the count and the word, singular or plural. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}
