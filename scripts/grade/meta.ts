/**
 * What an exercise is worth.
 *
 *   exercises/NN-slug/meta.json   optional, written by the kata's authors:
 *                                 { "weight": 10, "timeout": 120 }   (weight in points, timeout in s)
 *   points.json (--points FILE)   optional, the instructor's: overrides weights, per exercise
 *                                 and optionally per test (see INSTRUCTORS.md)
 *
 * An exercise's points are split equally over its tests (public and hidden), except tests the
 * instructor priced one by one; those keep their points and the others share the rest.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findExercise } from '../lib/exercises.ts';

export const DEFAULT_WEIGHT = 10;

export interface ExerciseMeta {
  /** points the exercise is worth (default 10) */
  weight: number;
  /** the exercise's time limit in seconds, when its specs need longer than the default */
  timeout?: number;
}

/** Reads `meta.json` in an exercise folder; absent means the defaults. Throws on a bad file. */
export function readExerciseMeta(exerciseDir: string): ExerciseMeta {
  const file = path.join(exerciseDir, 'meta.json');
  if (!existsSync(file)) return { weight: DEFAULT_WEIGHT };
  const where = `${path.basename(exerciseDir)}/meta.json`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${where} is not valid JSON: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where} must hold a JSON object`);
  const { weight = DEFAULT_WEIGHT, timeout } = raw as Record<string, unknown>;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
    throw new Error(`${where}: "weight" must be a number of points ≥ 0, got ${JSON.stringify(weight)}`);
  }
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0))) {
    throw new Error(`${where}: "timeout" must be a number of seconds > 0, got ${JSON.stringify(timeout)}`);
  }
  return timeout === undefined ? { weight } : { weight, timeout };
}

export interface PointsOverride {
  weight?: number;
  /** full test name ("step 1: rank > counts …") → points */
  tests: Map<string, number>;
}

/** An instructor's points.json, keyed by exercise name. */
export type PointsFile = Map<string, PointsOverride>;

/**
 * Parses points.json:
 *   { "exercises": { "01": 20, "02-broadcasting": { "weight": 15, "tests": { "<full test name>": 3 } } } }
 * Exercise keys are found like `npm start -- KEY` finds them (01, 1, slug or folder name).
 */
export function parsePointsFile(text: string, source: string, graderRoot: string): PointsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  const exercises = (raw as { exercises?: unknown } | null)?.exercises;
  if (!exercises || typeof exercises !== 'object' || Array.isArray(exercises)) {
    throw new Error(`${source} must look like { "exercises": { "01-tensors": 20, … } }`);
  }
  const out: PointsFile = new Map();
  const points = (v: unknown, where: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new Error(`${source}: ${where} must be a number of points ≥ 0, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  for (const [key, value] of Object.entries(exercises)) {
    let name: string;
    try {
      name = findExercise(key, graderRoot).name;
    } catch (e) {
      throw new Error(`${source}: ${(e as Error).message}`);
    }
    if (out.has(name)) throw new Error(`${source}: ${name} is listed twice`);
    if (typeof value === 'number') {
      out.set(name, { weight: points(value, `"${key}"`), tests: new Map() });
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`${source}: "${key}" must be a number of points or { "weight": …, "tests": { … } }`);
    }
    const { weight, tests = {}, ...rest } = value as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length)
      throw new Error(`${source}: "${key}" has unknown keys ${unknown.join(', ')} (use weight, tests)`);
    if (!tests || typeof tests !== 'object' || Array.isArray(tests)) {
      throw new Error(`${source}: "${key}".tests must map full test names to points`);
    }
    const override: PointsOverride = { tests: new Map() };
    if (weight !== undefined) override.weight = points(weight, `"${key}".weight`);
    for (const [test, p] of Object.entries(tests as Record<string, unknown>)) {
      override.tests.set(test, points(p, `"${key}".tests["${test}"]`));
    }
    out.set(name, override);
  }
  return out;
}

/**
 * The points each test is worth. `names` are the exercise's full test names in order (public
 * then hidden). The weight is the instructor's, else the sum of their per-test points when they
 * priced every test, else meta.json's. Throws when per-test points name a test that does not
 * exist or cannot add up to the weight.
 */
export function allocatePoints(
  exercise: string,
  metaWeight: number,
  names: readonly string[],
  priced?: PointsOverride,
): { weight: number; points: number[] } {
  const fixed = priced?.tests ?? new Map<string, number>();
  const unknown = [...fixed.keys()].filter((n) => !names.includes(n));
  if (unknown.length) {
    throw new Error(
      `points for ${exercise}: no test named ${unknown.map((n) => JSON.stringify(n)).join(', ')}. Its tests are:\n  ${names.join('\n  ')}`,
    );
  }
  const fixedSum = [...fixed.values()].reduce((a, b) => a + b, 0);
  const shared = names.filter((n) => !fixed.has(n));
  const weight = priced?.weight ?? (fixed.size > 0 && shared.length === 0 ? fixedSum : metaWeight);
  if (fixedSum > weight + 1e-9) {
    throw new Error(
      `points for ${exercise}: the tests priced one by one add up to ${fixedSum}, more than its weight ${weight}`,
    );
  }
  if (fixed.size > 0 && shared.length === 0 && Math.abs(fixedSum - weight) > 1e-9) {
    throw new Error(
      `points for ${exercise}: every test is priced and they add up to ${fixedSum}, but the weight is ${weight}; make them agree`,
    );
  }
  const each = shared.length ? (weight - fixedSum) / shared.length : 0;
  return { weight, points: names.map((n) => fixed.get(n) ?? each) };
}
