/** The shape of a grading report (grade.json), shared by the grader and the report writers. */
import type { RunStatus } from './run.ts';

export type TestStatus = 'passed' | 'failed' | 'timeout' | 'error' | 'not-run';

export interface TestReport {
  /** the full test name; for hidden tests only "hidden test k" */
  name: string;
  /** the spec file, relative to the kata ("hidden" for hidden tests) */
  file: string;
  hidden: boolean;
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
  tests: TestReport[];
  warnings: string[];
}

export interface Threshold {
  value: number;
  /** true: value is a percentage of the maximum; false: points */
  percent: boolean;
}

export interface GradeReport {
  schema: 'gradient-katas/grade@1';
  learner: string;
  /** git rev-parse HEAD of the graded checkout, or null outside git */
  commit: string | null;
  kata: { name: string; version: string };
  manifest: { version: string; sha256: string };
  oracle: { backend: string | null; tfjs: string | null };
  settings: {
    seed: number;
    testTimeoutS: number;
    maxMemoryMb: number;
    points: string | null;
    hidden: boolean;
    exercises: string[];
    threshold: Threshold | null;
  };
  integrity: { ok: boolean; modified: string[]; deleted: string[] };
  score: { points: number; possible: number; percent: number; passed: boolean | null };
  exercises: ExerciseReport[];
  warnings: string[];
  gradedAt: string;
}
