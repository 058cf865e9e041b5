/** What grade() is asked to do (GradeOptions), and one Vitest run of a tree done as those options say. */
import path from 'node:path';
import type { PreparedJudge } from './judge.ts';
import type { Manifest } from './manifest-file.ts';
import { runVitest } from './run.ts';
import type { RunResult } from './run-result.ts';
import type { Isolation } from './sandbox.ts';
import type { Tree } from './tree.ts';
import type { Threshold } from './types.ts';

export interface Submission {
  learner: string;
  root: string;
  /** set when the submission itself was refused (a link instead of a folder, say) */
  refused?: string;
}

export interface GradeOptions {
  /** the trusted kata: its manifest, protected files, solutions and node_modules grade the submissions */
  graderRoot: string;
  submissions: Submission[];
  pointsFile?: string | null;
  hiddenDir?: string | null;
  /** only these exercises (as `npm start` finds them: 01, tensors, 01-tensors) */
  only?: string[] | null;
  threshold?: Threshold | null;
  jobs: number;
  /** per exercise; default meta.json's timeout, else 120 s */
  timeoutS?: number | null;
  /** per test; default the kata's vitest testTimeout */
  testTimeoutS?: number | null;
  maxMemoryMb: number;
  seed: number;
  /** stop (throw) instead of grading without a sandbox */
  requireSandbox?: boolean;
  /** the isolation to use (tests: force 'none'); default: detectSandbox() */
  isolation?: Isolation & { bwrap: string | null };
  log?: (line: string) => void;
}

export const DEFAULT_EXERCISE_TIMEOUT_S = 120;

export const nodeModulesOf = (opts: GradeOptions) => path.join(opts.graderRoot, 'node_modules');

export function runOnce(
  opts: GradeOptions,
  manifest: Manifest,
  iso: Isolation & { bwrap: string | null },
  tree: Tree,
  include: string[],
  timeoutMs: number,
  judge: PreparedJudge | null,
): Promise<RunResult> {
  return runVitest({
    tree: tree.root,
    include,
    runner: manifest.runner,
    testTimeoutMs: 1000 * (opts.testTimeoutS ?? manifest.runner.testTimeout / 1000),
    timeoutMs,
    memoryMb: opts.maxMemoryMb,
    seed: opts.seed,
    nodeModules: nodeModulesOf(opts),
    isolation: iso,
    judgePlan: judge?.plan ?? null,
  });
}
