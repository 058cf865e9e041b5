/**
 * `npm run grade -- --roster class.csv`: fetch the roster's repositories (or the shard's
 * slice of them), grade them all in one queue of sandboxed runs, write the class report.
 * In GitHub Actions the fetch (which may need a token) and the grading (which runs learner
 * code) are separate steps: `--fetch-only`, then `--fetched`.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { ClassReport } from './class.ts';
import { writeClass } from './class.ts';
import { checkReposDir, type Fetched, fetchAll, readFetched } from './fetch.ts';
import { type GradeOptions, grade, type Submission } from './grade.ts';
import { type Roster, shardOf } from './roster.ts';
import { graderTemp } from './stage.ts';

export interface RosterRun {
  roster: Roster;
  shard: { k: number; n: number } | null;
  /** where the repositories go (kept); null: a temp folder, removed afterwards */
  reposDir: string | null;
  /** 'fetch': fetch only; 'fetched': grade what an earlier --fetch-only run left in reposDir; 'both' */
  mode: 'both' | 'fetch' | 'fetched';
  fetchTimeoutS: number;
  out: string;
}

/** Grades a roster (or one shard of it); returns the class report, or null after --fetch-only. */
export async function gradeRoster(
  run: RosterRun,
  opts: Omit<GradeOptions, 'submissions'>,
): Promise<ClassReport | null> {
  const log = opts.log ?? (() => {});
  const entries = shardOf(run.roster.entries, run.shard);
  const what = run.shard ? `shard ${run.shard.k}/${run.shard.n}: ` : '';
  log(`roster: ${what}${entries.length} of ${run.roster.entries.length} learners`);
  const repos = run.reposDir ?? graderTemp('kata-class-repos-');
  try {
    let fetched: Fetched[];
    if (run.mode === 'fetched') {
      if (!run.reposDir) throw new Error('--fetched needs --repos DIR, the folder --fetch-only filled');
      const record = new Map(readFetched(repos, run.roster.sha256).map((f) => [f.index, f]));
      fetched = entries.map((e) => {
        const f = record.get(e.index);
        if (!f || f.folder !== e.folder) throw new Error(`--repos ${repos}: ${e.learner} was not fetched there`);
        return f;
      });
    } else {
      checkReposDir(repos);
      fetched = await fetchAll(entries, repos, run.roster.sha256, {
        timeoutMs: run.fetchTimeoutS * 1000,
        jobs: opts.jobs,
        token: process.env.KATA_ROSTER_TOKEN || null,
        log,
      });
      if (run.mode === 'fetch') return null;
    }
    const submissions: Submission[] = entries.map((e, i) => {
      const f = fetched[i] as Fetched;
      return {
        learner: e.learner,
        root: path.join(repos, e.folder),
        ...(f.error === null ? {} : { refused: `not fetched: ${f.error}` }),
      };
    });
    const reports = await grade({ ...opts, submissions });
    return writeClass(
      run.out,
      reports,
      entries.map((e, i) => ({ index: e.index, folder: e.folder, fetchError: fetched[i]?.error ?? null })),
      { roster: { sha256: run.roster.sha256, learners: run.roster.entries.length }, shard: run.shard },
    );
  } finally {
    if (!run.reposDir) rmSync(repos, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** The matrix of the class workflow: one job per shard, at most one per learner. */
export function shardMatrix(roster: Roster, shards: number): { shard: string[] } {
  const n = Math.max(1, Math.min(shards, roster.entries.length));
  return { shard: Array.from({ length: n }, (_, i) => `${i + 1}/${n}`) };
}
