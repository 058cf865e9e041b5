/**
 * `npm run bench -- --only specs,npm-test`: what a learner and a maintainer wait for: each
 * exercise's specs cold and the README's test command (the watch modes' save → result: rerun.ts).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { listExercises, ROOT } from '../lib/exercises.ts';
import { BIN } from '../lib/proc.ts';
import { type Bench, fmt, type Stat, stat, table } from './report.ts';

function wallSeconds(args: string[], env: NodeJS.ProcessEnv = {}): { seconds: number; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, KATA_QUIET: '1', ...env },
    stdio: 'ignore',
  });
  return { seconds: (performance.now() - t0) / 1000, status: r.status };
}

/** Each exercise's specs against the reference solutions, in a new process each time. */
export function benchSpecs(bench: Bench): void {
  const { results, targets } = bench;
  const runs = Math.min(bench.runs, 3);
  const rows: string[][] = [];
  const entry: Record<string, Stat> = {};
  let over = 0;
  for (const ex of listExercises()) {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = wallSeconds([BIN.vitest, 'run', '--project', 'solutions', path.relative(ROOT, path.dirname(ex.spec))]);
      if (r.status !== 0) throw new Error(`npm run bench: the specs of ${ex.name} failed against the solutions`);
      samples.push(r.seconds);
    }
    const st = stat(samples);
    entry[ex.name] = st;
    if (st.median > 2) over++;
    rows.push([ex.name, fmt(st.median), fmt(st.min), fmt(st.max), st.median <= 2 ? '✓' : '✗']);
  }
  results.cold = entry;
  table(
    `Each exercise's specs, cold: \`vitest run --project solutions exercises/NN-…\` in a new process (seconds, median of ${runs})`,
    ['exercise', 'median', 'min', 'max', '≤ 2 s'],
    rows,
  );
  const first = Object.values(entry)[0] as Stat;
  targets.push({
    name: "one exercise's specs ≤ 2 s cold (01)",
    met: first.median <= 2,
    detail: `${fmt(first.median)} s`,
  });
  targets.push({
    name: "every exercise's specs ≤ 2 s cold",
    met: over === 0,
    detail: `${rows.length - over} of ${rows.length}`,
  });
}

/** The README's test command, as CI runs it. */
export function benchNpmTest(bench: Bench): void {
  const { results, targets } = bench;
  const r = wallSeconds(['--import', './scripts/register.mjs', 'scripts/test.ts'], { CI: 'true' });
  results.npmTest = { seconds: r.seconds, exitCode: r.status };
  table(
    'npm test (typecheck, lint, every test; seconds)',
    ['what', 'seconds', 'exit code'],
    [['npm test', fmt(r.seconds, 1), String(r.status)]],
  );
  targets.push({
    name: 'npm test ≤ 3 minutes on 2 cores, passing',
    met: r.status === 0 && r.seconds <= 180,
    detail: `${fmt(r.seconds, 0)} s, exit code ${r.status}`,
  });
}
