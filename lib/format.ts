/**
 * Prints arrays the way NumPy does (numpy/_core/arrayprint.py, NumPy 2.4, default print
 * options: precision 8, floatmode 'maxprec', threshold 1000, edgeitems 3, linewidth 75):
 * nested brackets, one number format for the whole array (integers as `1.`, fixed point with
 * aligned decimal points, or scientific when the magnitudes call for it), long arrays
 * summarised with `...`, rows wrapped under their first element. And `plural`, for counts in
 * messages ("1 epoch", not "1 epochs").
 */

import type { Shape } from './shape.ts';
import { formatShape, sizeOf, stridesOf } from './shape.ts';

export interface FormatOptions {
  /** Fractional digits at most, as NumPy's `precision` (default 8). */
  precision?: number;
  /** Arrays with more elements than this are summarised (default 1000). */
  threshold?: number;
  /** Elements shown at each end of a summarised axis (default 3). */
  edgeItems?: number;
  /** Wrap lines at this many characters, counting `prefix` (default 75). */
  lineWidth?: number;
  /** Flat indices to mark (wrapped in `>…<`), e.g. the wrong elements of a comparison. */
  mark?: ReadonlySet<number>;
  /** The element type, which picks the number format (default: from the typed array). */
  dtype?: string;
  /** What is printed before the first `[` (`array(`): continuation lines are indented past it. */
  prefix?: string;
}

type NumberFormatter = (v: number) => string;

/** 'float32' for a Float32Array, 'int32' for an Int32Array, …; 'float64' for plain arrays. */
export function dtypeOf(data: ArrayLike<number>): string {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'uint8';
  return 'float64';
}

/** Shortest digits that read back as `v` in its dtype (dragon4's unique mode), as toExponential writes them. */
function shortestExponential(v: number, float32: boolean): string {
  if (!float32) return v.toExponential();
  for (let digits = 0; digits < 9; digits++) {
    const s = roundHalfEven(v, digits, 'exponential');
    if (Math.fround(Number(s)) === v) return s;
  }
  return v.toExponential(8);
}

const trimZeros = (frac: string): string => frac.replace(/0+$/, '');

/**
 * `v.toFixed(digits)` or `v.toExponential(digits)`, except that an exact tie goes to the even
 * digit, as dragon4's rounding does (JavaScript rounds ties up: 851618.125 to 7 digits).
 */
function roundHalfEven(v: number, digits: number, notation: 'fixed' | 'exponential'): string {
  const to = (d: number) => (notation === 'fixed' ? v.toFixed(d) : v.toExponential(d));
  const [long, exp] = to(Math.min(100, digits + 40)).split('e') as [string, string?];
  const cut = long.indexOf('.') + 1 + digits;
  const kept = long.slice(0, digits === 0 ? cut - 1 : cut);
  const tie = /^50*$/.test(long.slice(cut));
  if (tie && Number(kept.at(-1)) % 2 === 0) return exp === undefined ? kept : `${kept}e${exp}`;
  return to(digits);
}

/** dragon4_positional(unique=True, trim='.', fractional precision): [integer part, fraction]. */
function positional(v: number, precision: number, float32: boolean): [string, string] {
  const [mantissa, e] = shortestExponential(v, float32).split('e') as [string, string];
  const exp = Number(e);
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const digits = mantissa.replace(/[-.]/g, '');
  let int: string;
  let frac: string;
  if (exp >= 0) {
    int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    frac = digits.slice(exp + 1);
  } else {
    int = '0';
    frac = '0'.repeat(-exp - 1) + digits;
  }
  frac = trimZeros(frac);
  if (frac.length > precision) {
    // More digits than `precision`: rounded at the cutoff, then trimmed again.
    const [i, f = ''] = roundHalfEven(v, precision, 'fixed').split('.') as [string, string?];
    return [i, trimZeros(f)];
  }
  return [sign + int, frac];
}

/**
 * dragon4_scientific(unique=True): [integer digit, fraction, exponent]. The fraction has at
 * most `precision` digits and trailing zeros trimmed; with `minDigits`, a shorter one is
 * extended with the value's exact digits (NumPy prints float32 851618.1 as 8.5161812e+05
 * beside a value that needs 7 digits).
 */
function scientific(v: number, precision: number, float32: boolean, minDigits = 0): [string, string, number] {
  const split = (s: string) => {
    const [mantissa, e] = s.split('e') as [string, string];
    const [i, f = ''] = mantissa.split('.') as [string, string?];
    // toExponential drops the sign of -0; NumPy prints `-0.e+00`.
    return [Object.is(v, -0) ? '-0' : i, f, Number(e)] as [string, string, number];
  };
  let [i, f, e] = split(shortestExponential(v, float32));
  if (f.length > precision) [i, f, e] = split(roundHalfEven(v, precision, 'exponential'));
  f = trimZeros(f);
  if (f.length < minDigits) [i, f, e] = split(roundHalfEven(v, minDigits, 'exponential'));
  return [i, f, e];
}

const SPECIAL = (v: number): string | null =>
  Number.isNaN(v) ? 'nan' : v === Number.POSITIVE_INFINITY ? 'inf' : v === Number.NEGATIVE_INFINITY ? '-inf' : null;

/** Picks one format for all values shown, as NumPy's FloatingFormat.fillFormat does. */
export function numberFormatter(
  values: ArrayLike<number>,
  precision = 8,
  dtype = dtypeOf(values),
  scalar = false,
): NumberFormatter {
  // BoolFormat: ' True' lines up with 'False', except in a scalar.
  if (dtype === 'bool') return (v) => (v ? (scalar ? 'True' : ' True') : 'False');
  if (!dtype.startsWith('float')) {
    // IntegerFormat: right-aligned to the longer of str(max) and str(min).
    let width = 0;
    for (let i = 0; i < values.length; i++) width = Math.max(width, String(values[i]).length);
    return (v) => String(v).padStart(width);
  }
  const float32 = dtype === 'float32';
  const finite: number[] = [];
  let maxAbs = 0;
  let minAbs = Number.POSITIVE_INFINITY;
  let negInf = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === Number.NEGATIVE_INFINITY) negInf = true;
    if (!Number.isFinite(v)) continue;
    finite.push(v);
    const a = Math.abs(v);
    if (a === 0) continue;
    maxAbs = Math.max(maxAbs, a);
    minAbs = Math.min(minAbs, a);
  }
  // NumPy ≥ 2.3 lowers the cutoff to 10**finfo(dtype).precision: 1e6 for float32, 1e8 for float64.
  const cutoff = float32 ? 1e6 : 1e8;
  const exp = minAbs !== Number.POSITIVE_INFINITY && (maxAbs >= cutoff || minAbs < 1e-4 || maxAbs / minAbs > 1e3);

  let padLeft = 0;
  let padRight = 0;
  let cell: NumberFormatter;
  if (exp) {
    const parts = finite.map((v) => scientific(v, precision, float32));
    const fracDigits = Math.max(...parts.map(([, f]) => f.length));
    // exp_size: the exponent's digits, at least 2 (`e+05`), 3 for `e+100`.
    const expDigits = Math.max(2, ...parts.map(([, , e]) => String(Math.abs(e)).length));
    padLeft = Math.max(...parts.map(([i]) => i.length));
    padRight = expDigits + 2 + fracDigits;
    cell = (v) => {
      const [i, f, e] = scientific(v, precision, float32, fracDigits);
      const es = `e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(expDigits, '0')}`;
      return `${i.padStart(padLeft)}.${f}${es}`;
    };
  } else {
    const parts = finite.map((v) => positional(v, precision, float32));
    padLeft = Math.max(0, ...parts.map(([i]) => i.length));
    padRight = Math.max(0, ...parts.map(([, f]) => f.length));
    cell = (v) => {
      const [i, f] = positional(v, precision, float32);
      return `${i.padStart(padLeft)}.${f.padEnd(padRight)}`;
    };
  }
  if (finite.length < values.length) {
    // Room for 'nan' and 'inf' (and '-inf' if there is one) right-aligned with the numbers.
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (negInf ? 1 : 0) - (padRight + 1));
  }
  const width = padLeft + padRight + 1;
  return (v) => SPECIAL(v)?.padStart(width) ?? cell(v).padStart(width);
}

/** Indices shown along an axis of size n: all, or the edges around a `...` (null). */
function shownIndices(n: number, summarise: boolean, edge: number): (number | null)[] {
  if (!summarise || n <= 2 * edge) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: edge }, (_, i) => i);
  const tail = Array.from({ length: edge }, (_, i) => n - edge + i);
  return [...head, null, ...tail];
}

/** The bracketed body of an array, like NumPy's `array2string(a, separator=', ')`. */
export function formatArray(data: ArrayLike<number>, shape: Shape, options: FormatOptions = {}): string {
  const precision = options.precision ?? 8;
  const edge = options.edgeItems ?? 3;
  const lineWidth = options.lineWidth ?? 75;
  const mark = options.mark;
  const size = sizeOf(shape);
  const summarise = size > (options.threshold ?? 1000);
  const strides = stridesOf(shape);

  // Fit the format to what is shown only, as _leading_trailing does before _get_format_function.
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      shown.push(data[offset]);
      return;
    }
    for (const i of shownIndices(shape[axis], summarise, edge)) {
      if (i !== null) collect(axis + 1, offset + i * strides[axis]);
    }
  };
  if (size > 0) collect(0, 0);
  const fmt = numberFormatter(shown, precision, options.dtype ?? dtypeOf(data), shape.length === 0);
  const cell = (offset: number): string => {
    const s = fmt(data[offset]);
    if (!mark) return s;
    if (!mark.has(offset)) return ` ${s} `;
    // Mark the number itself and keep the alignment padding outside the marks: ` >0.5<  `.
    const lead = s.length - s.trimStart().length;
    const trail = s.length - s.trimEnd().length;
    return `${' '.repeat(lead)}>${s.trim()}<${' '.repeat(trail)}`;
  };

  if (shape.length === 0) return cell(0);
  if (size === 0) return '[]';

  // _formatArray's recurser: `indent` is the hanging indent, `width` shrinks by one per `]`.
  const render = (axis: number, offset: number, indent: string, width: number): string => {
    const idx = shownIndices(shape[axis], summarise, edge);
    const child = (i: number) => offset + i * strides[axis];
    let s = '';
    if (axis === shape.length - 1) {
      // Wrap when the word would pass the width less one (room for the ',' or ']').
      const elemWidth = width - 1;
      let line = indent;
      idx.forEach((i, k) => {
        const word = i === null ? '...' : cell(child(i));
        if (line.length + word.length > elemWidth && line.length > indent.length) {
          s += `${line.trimEnd()}\n`;
          line = indent;
        }
        line += word + (k < idx.length - 1 ? ', ' : '');
      });
      s += line;
    } else {
      const lineSep = `,${'\n'.repeat(shape.length - axis - 1)}`;
      s = idx
        .map((i) => indent + (i === null ? '...' : render(axis + 1, child(i), `${indent} `, width - 1)))
        .join(lineSep);
    }
    return `[${s.slice(indent.length)}]`;
  };
  return render(0, 0, ' '.repeat(1 + (options.prefix ?? '').length), lineWidth);
}

/**
 * NumPy's repr with the shape always shown: `array([[1., 2.],\n       [3., 4.]], shape=[2,2],
 * dtype=float32)`. NumPy adds `shape=` only to empty or summarised arrays; here it is always
 * there, written as the kata's error messages write shapes. The extras go on a line of their
 * own when they would pass the line width, as in _array_repr_implementation.
 */
export function reprArray(
  data: ArrayLike<number>,
  shape: Shape,
  options: FormatOptions & { name?: string } = {},
): string {
  const prefix = `${options.name ?? 'array'}(`;
  const lineWidth = options.lineWidth ?? 75;
  // array2string wraps at linewidth - len(suffix), the suffix being ')'.
  const body = formatArray(data, shape, { ...options, prefix, lineWidth: lineWidth - 1 });
  const text = `${prefix}${body},`;
  const extras = `shape=${formatShape(shape)}, dtype=${options.dtype ?? dtypeOf(data)})`;
  const lastLine = text.length - (text.lastIndexOf('\n') + 1);
  const spacer = lastLine + extras.length + 1 > lineWidth ? `\n${' '.repeat(prefix.length)}` : ' ';
  return text + spacer + extras;
}

/** `1 epoch`, `5 epochs`, `60,000 training images`: the count and the word, singular or plural. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}
