/**
 * The seed sweep behind `npm run sweep`: every exercise's specs against the reference
 * solutions, once per seed. A right answer must pass under any seed, so every failure is a
 * bug in a spec (a tolerance without a floor, a generator that reaches values the oracle
 * cannot compute): the report names the seed, the spec, fast-check's counterexample and the
 * command that repeats it.
 */
import type { Exercise } from '../lib/exercises.ts';
import type { ExerciseResult } from './spec-results.ts';

export interface SweepFailure {
  exercise: string;
  seed: number;
  /** the spec's full name ('step 1: vector dot > agrees with tf.dot …'), or what broke the run */
  spec: string;
  /** fast-check's shrunk counterexample, when the spec is a property */
  counterexample?: string;
  /** the first line of what went wrong */
  error: string;
}

export interface ExerciseSweep {
  name: string;
  /** seeds this exercise ran with */
  seeds: number;
  /** of them, the seeds with a failing spec */
  failedSeeds: number;
}

export interface SweepReport {
  seeds: number[];
  exercises: ExerciseSweep[];
  failures: SweepFailure[];
}

/** Runs the specs of these exercises with one seed (a SpecSession; a fake in tests). */
export type RunWithSeed = (exercises: readonly Exercise[], seed: number) => Promise<Map<string, ExerciseResult>>;

/** The seeds `from`, `from + 1`, … (`count` of them). */
export function seedRange(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

const LONGEST_COUNTEREXAMPLE = 400;

/** fast-check's `Counterexample: …` line of a failed property (shortened), if there is one. */
export function counterexampleOf(message: string): string | undefined {
  const line = /^Counterexample: (.*)$/m.exec(message)?.[1]?.trim();
  if (!line) return undefined;
  return line.length > LONGEST_COUNTEREXAMPLE ? `${line.slice(0, LONGEST_COUNTEREXAMPLE)}…` : line;
}

/** The line that says what went wrong: fast-check's `Got error: …` (`Got AssertionError: …`), else the first line. */
export function errorLine(message: string): string {
  const got = /^Got (?:error: )?(.*)$/m.exec(message)?.[1];
  return (got ?? message.split('\n').find((l) => l.trim() !== '') ?? '').trim();
}

/** Everything that went wrong in one exercise's run: failed specs, a file that did not load, errors, a stall. */
export function failuresOf(result: ExerciseResult, seed: number): SweepFailure[] {
  const at = (spec: string, message: string): SweepFailure => {
    const counterexample = counterexampleOf(message);
    return {
      exercise: result.name,
      seed,
      spec,
      ...(counterexample ? { counterexample } : {}),
      error: errorLine(message),
    };
  };
  const out: SweepFailure[] = [];
  for (const e of result.loadErrors) out.push(at('(the spec file did not load)', e.message));
  for (const e of result.runErrors ?? []) out.push(at('(an error outside the specs)', e.message));
  if (result.stalled) {
    const where = result.stalled.test ? ` in ${result.stalled.test}` : '';
    out.push(at(`(stalled${where})`, `no spec finished for ${result.stalled.seconds} s: an endless loop?`));
  }
  for (const t of result.tests) {
    if (t.state === 'failed') out.push(at([...t.suites, t.name].join(' > '), t.failure?.message ?? 'failed'));
  }
  if (out.length === 0 && result.total === 0) out.push(at('(no specs ran)', 'the spec file reported no specs'));
  return out;
}

/**
 * Runs every seed in turn and gathers the failures. `onSeed` hears of each seed as it ends
 * (the command prints a progress line).
 */
export async function sweep(
  run: RunWithSeed,
  exercises: readonly Exercise[],
  seeds: readonly number[],
  onSeed?: (seed: number, failures: readonly SweepFailure[], ms: number) => void,
): Promise<SweepReport> {
  const rows = new Map(exercises.map((e) => [e.name, { name: e.name, seeds: 0, failedSeeds: 0 }]));
  const failures: SweepFailure[] = [];
  for (const seed of seeds) {
    const started = performance.now();
    const results = await run(exercises, seed);
    const found: SweepFailure[] = [];
    for (const ex of exercises) {
      const result = results.get(ex.name);
      const these = result
        ? failuresOf(result, seed)
        : [{ exercise: ex.name, seed, spec: '(no result)', error: 'the run returned nothing for this exercise' }];
      const row = rows.get(ex.name) as ExerciseSweep;
      row.seeds++;
      if (these.length > 0) row.failedSeeds++;
      found.push(...these);
    }
    failures.push(...found);
    onSeed?.(seed, found, performance.now() - started);
  }
  return { seeds: [...seeds], exercises: [...rows.values()], failures };
}

/** The command that runs one exercise's specs on its solution with this seed again. */
export function repeatCommand(exercise: string, seed: number): string {
  return `KATA_SEED=${seed} npx vitest run --project solutions exercises/${exercise}`;
}

/** `1..200 (200 seeds)`, or the list when the seeds are not consecutive. */
export function describeSeeds(seeds: readonly number[]): string {
  const first = seeds[0];
  const consecutive = seeds.every((s, i) => s === first + i);
  const list = consecutive && seeds.length > 2 ? `${first}..${seeds.at(-1)}` : seeds.join(', ');
  return `${list} (${seeds.length} seed${seeds.length === 1 ? '' : 's'})`;
}

/** The table per exercise, then every failure with its counterexample and the command that repeats it. */
export function formatSweep(report: SweepReport): string {
  const width = Math.max(8, ...report.exercises.map((e) => e.name.length));
  const lines = [
    `${'exercise'.padEnd(width)}  seeds  failed`,
    ...report.exercises.map(
      (e) => `${e.name.padEnd(width)}  ${String(e.seeds).padStart(5)}  ${String(e.failedSeeds).padStart(6)}`,
    ),
  ];
  for (const f of report.failures) {
    lines.push('', `${f.exercise}, seed ${f.seed}: ${f.spec}`);
    if (f.counterexample) lines.push(`  counterexample: ${f.counterexample}`);
    lines.push(`  error: ${f.error}`, `  repeat: ${repeatCommand(f.exercise, f.seed)}`);
  }
  const failedSeeds = new Set(report.failures.map((f) => f.seed)).size;
  lines.push(
    '',
    report.failures.length === 0
      ? `sweep: every spec passed for seeds ${describeSeeds(report.seeds)}`
      : `sweep: ${report.failures.length} failure${report.failures.length === 1 ? '' : 's'} in ${failedSeeds} of ${report.seeds.length} seeds`,
  );
  return lines.join('\n');
}
