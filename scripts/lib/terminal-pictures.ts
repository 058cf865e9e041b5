/**
 * Pictures in the terminal, for `npm run mnist` and the exercises' tools: a Keras-style
 * progress line, line charts of curves, and MNIST digits drawn in shades.
 */

/** `  7/469 [>.............................] - ETA: 21s - loss: 0.9123 - accuracy: 0.7812` */
export function kerasProgress(
  step: number,
  steps: number,
  elapsedSeconds: number,
  metrics: Record<string, number>,
  width = 30,
): string {
  const digits = String(steps).length;
  const done = step >= steps;
  const filled = Math.floor((step / steps) * width);
  const bar = done
    ? '='.repeat(width)
    : `${'='.repeat(Math.max(0, filled - 1))}>${'.'.repeat(width - Math.max(1, filled))}`;
  const perStep = elapsedSeconds / Math.max(1, step);
  const time = done
    ? `${Math.round(elapsedSeconds)}s ${Math.round(perStep * 1000)}ms/step`
    : `ETA: ${Math.round(perStep * (steps - step))}s`;
  const shown = Object.entries(metrics)
    .map(([k, v]) => ` - ${k}: ${v.toFixed(4)}`)
    .join('');
  return `${String(step).padStart(digits)}/${steps} [${bar}] - ${time}${shown}`;
}

export interface Series {
  name: string;
  values: readonly number[];
  /** one character drawn for this series */
  mark: string;
}

/**
 * A line chart of one or more series over a shared x axis (1-based index), `height` rows
 * tall, with the y range labelled on the left and a legend below.
 */
export function asciiChart(
  series: readonly Series[],
  /** xEnds: what the first and last columns stand for (default: 1 and the number of values) */
  options: { height?: number; width?: number; title?: string; xEnds?: readonly [string, string] } = {},
): string {
  const height = options.height ?? 10;
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  if (all.length === 0) return `${options.title ?? ''}\n(no data)`;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    hi += 0.5;
    lo -= 0.5;
  }
  const n = Math.max(...series.map((s) => s.values.length));
  const width = Math.max(n, Math.min(options.width ?? 60, 60));
  const grid = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  for (const s of series) {
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const col = n === 1 ? 0 : Math.round((i / (n - 1)) * (width - 1));
      const row = height - 1 - Math.round(((v - lo) / (hi - lo)) * (height - 1));
      (grid[row] as string[])[col] = s.mark;
    });
  }
  const label = (v: number) => v.toPrecision(3).padStart(8);
  const lines = grid.map((row, r) => {
    const y = r === 0 ? label(hi) : r === height - 1 ? label(lo) : ' '.repeat(8);
    return `${y} ┤${row.join('')}`.trimEnd();
  });
  lines.push(`${' '.repeat(9)}└${'─'.repeat(width)}`);
  const [first, last] = options.xEnds ?? ['1', String(n)];
  lines.push(`${' '.repeat(10)}${first}${last.padStart(width - first.length)}`);
  const legend = series.map((s) => `${s.mark} ${s.name}`).join('   ');
  return [options.title ?? '', ...lines, `${' '.repeat(10)}${legend}`].filter((l, i) => i > 0 || l).join('\n');
}

const SHADES = ' .:-=+*#%@';

/** A 28×28 uint8 digit as 14 lines of 28 characters (two pixel rows per line, darker = more ink). */
export function drawDigit(pixels: ArrayLike<number>, size = 28): string[] {
  const lines: string[] = [];
  for (let r = 0; r < size; r += 2) {
    let line = '';
    for (let c = 0; c < size; c++) {
      const v = Math.max(pixels[r * size + c], r + 1 < size ? pixels[(r + 1) * size + c] : 0);
      line += SHADES[Math.min(SHADES.length - 1, Math.floor((v / 256) * SHADES.length))];
    }
    lines.push(line);
  }
  return lines;
}

/** Several digits side by side, each with a caption line under it. */
export function drawDigits(digits: readonly { pixels: ArrayLike<number>; caption: string }[]): string {
  const drawn = digits.map((d) => [...drawDigit(d.pixels), d.caption.padEnd(28).slice(0, 28)]);
  const rows = drawn[0]?.length ?? 0;
  const out: string[] = [];
  for (let r = 0; r < rows; r++) out.push(`${drawn.map((d) => `│${d[r]}`).join(' ')}│`);
  return out.join('\n');
}
