/** The run a session has going: what its watchdog and a save need to know, and where it stalled. */
import path from 'node:path';
import type { Exercise } from '../lib/exercises.ts';

/** The run going on now: what the watchdog and a save need to know. */
export interface ActiveRun {
  exercises: readonly Exercise[];
  lastProgress: number;
  /**
   * Per spec file that started: its collected specs in order. NOTE: a worker stuck in a loop
   * sends nothing more, not even that a spec started: the stuck one is the first unfinished.
   * Progress is counted over all files, so when the watchdog fires, the files still
   * unfinished are the stuck ones.
   */
  files: Map<string, { id: string; name: string }[]>;
  finished: Set<string>;
  /** the stuck spec files (absolute paths), each with the spec that was running, if known */
  stalled?: Map<string, { seconds: number; test?: string }>;
  /** stopped by a save: its result is out of date */
  aborted?: boolean;
}

/** The spec files a stalled run was stuck in: those still unfinished, each with its first unfinished spec. */
export function stalledFiles(run: ActiveRun, seconds: number): Map<string, { seconds: number; test?: string }> {
  const stalled = new Map<string, { seconds: number; test?: string }>();
  for (const [file, tests] of run.files) {
    const stuck = tests.find((t) => !run.finished.has(t.id));
    if (tests.length > 0 && !stuck) continue; // done
    stalled.set(file, { seconds, ...(stuck ? { test: stuck.name } : {}) });
  }
  // Stuck before any file said it started (a loop at the top of a module): the files not started.
  if (stalled.size === 0) {
    for (const ex of run.exercises) {
      const file = path.resolve(ex.spec);
      if (!run.files.has(file)) stalled.set(file, { seconds });
    }
  }
  return stalled;
}
