/** The shape of a grading report (grade.json), shared by the grader and the report writers. */
import type { RunStatus } from './run-result.ts';

export type TestStatus = 'passed' | 'failed' | 'timeout' | 'error' | 'not-run' | 'unconfirmed';

export interface TestReport {
  /** the full test name; for hidden tests only "hidden test k" */
  name: string;
  /** the spec file, relative to the kata ("hidden" for hidden tests, "judge" for hidden judge cases) */
  file: string;
  hidden: boolean;
  /** 'unconfirmed': the spec passed, but the judge found its step wrong, so it earns nothing */
  status: TestStatus;
  points: number;
  possible: number;
  durationMs: number | null;
  /** why it failed (trimmed, ANSI stripped); always null for hidden tests */
  message: string | null;
}

export interface RunReport {
  status: RunStatus;
  message: string | null;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
}

export interface JudgeReport {
  /** the secret seed the inputs were drawn from, told only now that the run is over */
  seed: number;
  cases: number;
  agreed: number;
  /** per README step the judge witnesses: whether it agrees */
  steps: { step: number; status: 'agrees' | 'disagrees' | 'no-answer'; detail: string | null }[];
  /**
   * 'agrees': every step; 'partial': some steps disagree, and their tests earn nothing;
   * 'contradiction': the specs of a step all passed while the judge disagrees, so the exercise
   * scores 0 (what subverted specs look like)
   */
  verdict: 'agrees' | 'partial' | 'contradiction';
}

export interface ExerciseReport {
  name: string;
  title: string;
  weight: number;
  points: number;
  possible: number;
  passed: number;
  total: number;
  durationMs: number;
  run: RunReport;
  /** the hidden specs' run, when there are hidden specs for this exercise */
  hiddenRun: RunReport | null;
  /** the judge's findings (public cases), when the exercise has a judge */
  judge: JudgeReport | null;
  /** how much of the reference solution's code the learner's contains (0–1), when flagged */
  copied: number | null;
  tests: TestReport[];
  warnings: string[];
}

export interface Threshold {
  value: number;
  /** true: value is a percentage of the maximum; false: points */
  percent: boolean;
}

export interface IsolationReport {
  isolated: boolean;
  /** the sandbox, e.g. "bubblewrap 0.8.0, nested (worker inside runner)" */
  how: string;
  /** why learner code was not isolated, and the fix */
  reason: string | null;
}

export interface GradeReport {
  schema: 'gradient-katas/grade@2';
  learner: string;
  /** git HEAD of the graded checkout, read from .git as untrusted data; null outside git */
  commit: string | null;
  kata: { name: string; version: string };
  manifest: { version: string; sha256: string };
  oracle: { backend: string | null; tfjs: string | null };
  isolation: IsolationReport;
  settings: {
    seed: number;
    testTimeoutS: number;
    maxMemoryMb: number;
    points: string | null;
    hidden: boolean;
    exercises: string[];
    threshold: Threshold | null;
  };
  integrity: { ok: boolean; modified: string[]; deleted: string[]; refused: string[] };
  score: { points: number; possible: number; percent: number; passed: boolean | null };
  exercises: ExerciseReport[];
  warnings: string[];
  gradedAt: string;
}
