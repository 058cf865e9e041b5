/**
 * The kata's judges (grading/judges/NN-slug.ts), in this process, against the repository's own
 * stubs and solutions:
 *   - every exercise has one, and it calls every function and class the exercise exports;
 *   - it agrees with the reference solution under many seeds (its inputs never break it);
 *   - it disagrees with the stub on every step it witnesses, and witnesses every step whose
 *     specs exercise code (a judge that passes a stub's step is no witness).
 * The sandboxed path (the runner inside Vitest, the reporter, the comparison) is tested on the
 * mini kata and on exercise 01 in grade-learners.test.ts and grade-cli.test.ts.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeInProcess, prepareJudge } from '../../scripts/grade/judge.ts';
import { readManifest } from '../../scripts/grade/manifest-file.ts';
import { listExercises, ROOT } from '../../scripts/lib/exercises.ts';
import { kataExercises } from '../../scripts/lib/kata-stubs.ts';

const SEEDS = [1, 2, 3, 42, 1234, 99_991];
const manifest = readManifest(ROOT);
// the stubs as the kata ships them, even on a learner's copy with its work in exercises/
const kata = kataExercises(ROOT);
afterAll(() => kata.remove());

/** The module, with a record of which of its exports were touched. */
function watched(mod: Record<string, unknown>): { api: Record<string, unknown>; used: Set<string> } {
  const used = new Set<string>();
  const api = new Proxy(mod, {
    get(target, key) {
      if (typeof key === 'string') used.add(key);
      return Reflect.get(target, key);
    },
  });
  return { api, used };
}

const steps = (exercise: string): number[] => {
  const ex = manifest.exercises.find((e) => e.name === exercise);
  const names = ex?.specs.flatMap((s) => s.tests) ?? [];
  return [...new Set(names.map((n) => Number(/^step (\d+)\b/.exec(n)?.[1])).filter(Number.isFinite))].sort(
    (a, b) => a - b,
  );
};

describe.each(listExercises(ROOT).map((e) => [e.name, e] as const))('the judge of %s', (name, ex) => {
  const moduleFile = path.basename(ex.stub);

  it('agrees with the reference solution under every seed, and calls every export', async () => {
    const solution = (await import(pathToFileURL(ex.solution).href)) as Record<string, unknown>;
    const { api, used } = watched(solution);
    for (const seed of SEEDS) {
      const judge = await prepareJudge(ROOT, name, [], seed);
      expect(judge, `grading/judges/${name}.ts is missing`).not.toBeNull();
      if (!judge) return;
      const verdicts = await judgeInProcess(judge, ROOT, api);
      const wrong = verdicts.filter((v) => v.status !== 'agrees').map((v) => `${v.name}: ${v.detail}`);
      expect(wrong, `seed ${seed}`).toEqual([]);
    }
    const exported = Object.keys(solution).filter((k) => typeof solution[k] === 'function');
    expect(
      exported.filter((k) => !used.has(k)),
      `exports of ${moduleFile} no judge case calls`,
    ).toEqual([]);
  });

  it('disagrees with the stub on every step it witnesses, and witnesses every step', async () => {
    const stub = (await import(pathToFileURL(kata.stubOf(ex)).href)) as Record<string, unknown>;
    const judge = await prepareJudge(ROOT, name, [], 7);
    if (!judge) throw new Error(`grading/judges/${name}.ts is missing`);
    const verdicts = await judgeInProcess(judge, ROOT, stub);
    const agreeing = verdicts.filter((v) => v.status === 'agrees').map((v) => `step ${v.step}: ${v.name}`);
    expect(agreeing, 'judge cases that pass on the stub test nothing the learner writes').toEqual([]);
    const witnessed = new Set(verdicts.map((v) => v.step));
    expect(
      steps(name).filter((s) => !witnessed.has(s)),
      'steps of the README that no judge case witnesses',
    ).toEqual([]);
  });
});
