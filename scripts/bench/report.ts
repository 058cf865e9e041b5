/** What the sections of `npm run bench` share: repetitions, timing, the table and the report. */
import { formatTable } from '../lib/table.ts';

export interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export interface Target {
  name: string;
  met: boolean;
  detail: string;
}

/** One run of the bench: its options, and what the sections add to the JSON and the targets. */
export interface Bench {
  runs: number;
  epochs: number;
  results: Record<string, unknown>;
  targets: Target[];
}

export function stat(samples: number[]): Stat {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], runs: s.length };
}

/** Times `fn` (ms) `runs` times after one warm-up. */
export function timeMs(fn: () => void, runs: number): Stat {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return stat(samples);
}

export const fmt = (v: number, digits = 2) => v.toFixed(digits);

export function table(title: string, header: string[], rows: string[][]): void {
  console.log(`\n${title}\n${formatTable(header, rows)}`);
}
