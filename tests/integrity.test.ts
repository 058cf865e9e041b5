/**
 * The kata's integrity: every exercise folder is complete and follows the anatomy of
 * DESIGN.md. (That every stub fails and every solution passes is checked by
 * tests/stubs-fail.test.ts and by the `solutions` project.)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import {
  EXERCISE_DIR_PATTERN,
  listExercises,
  optionalSteps,
  parseHints,
  parseSteps,
  ROOT,
} from '../scripts/lib/exercises.ts';
import { kataExercises } from '../scripts/lib/kata-stubs.ts';

const exercises = listExercises();
// the stubs as the kata ships them, even on a learner's copy with its work in exercises/
const kata = kataExercises(ROOT);
afterAll(() => kata.remove());
/** pieces of given code compared over all exercises (the check must not pass on nothing) */
let givenPieces = 0;

describe('the exercise list', () => {
  it('has exercises numbered 01, 02, … without gaps or duplicates', () => {
    expect(exercises.length).toBeGreaterThan(0);
    expect(exercises.map((e) => Number(e.id))).toEqual(exercises.map((_, i) => i + 1));
  });

  it('every solutions/ folder mirrors an exercise', async () => {
    const { readdirSync } = await import('node:fs');
    const solutionDirs = readdirSync(path.join(ROOT, 'solutions')).filter((d) => EXERCISE_DIR_PATTERN.test(d));
    expect(solutionDirs).toEqual(exercises.map((e) => e.name));
  });
});

describe.each(exercises.map((e) => [e.name, e] as const))('%s', (_name, ex) => {
  const read = (file: string) => readFileSync(file, 'utf8');

  it('has README.md, README.ko.md, HINTS.md, the stub, the spec and the solution', () => {
    for (const file of [ex.readme, ex.readmeKo, ex.hints, ex.stub, ex.spec, ex.solution]) {
      expect(existsSync(file), `missing ${path.relative(ROOT, file)}`).toBe(true);
    }
  });

  it('README.md names its seed section and lists numbered steps; README.ko.md has as many', () => {
    const readme = read(ex.readme);
    expect(readme).toMatch(/^# \d\d · /m);
    expect(readme).toMatch(/[Ss]eed section/);
    const steps = parseSteps(readme);
    expect(steps.length, 'README.md needs a "## Steps" section with a numbered list').toBeGreaterThan(0);
    expect(parseSteps(read(ex.readmeKo)).length, 'README.ko.md needs a "## 단계" section with the same steps').toBe(
      steps.length,
    );
  });

  it('README.ko.md marks the same steps optional (_(선택)_) as README.md (_(optional)_)', () => {
    expect(optionalSteps(read(ex.readmeKo))).toEqual(optionalSteps(read(ex.readme)));
  });

  it('HINTS.md has at least two tiers for every step, gentlest first', () => {
    const steps = parseSteps(read(ex.readme));
    const hints = parseHints(read(ex.hints));
    expect(hints.map((h) => h.step)).toEqual(steps.map((_, i) => i + 1));
    for (const h of hints) {
      expect(h.tiers.length, `step ${h.step} needs 2+ hint tiers`).toBeGreaterThanOrEqual(2);
      for (const t of h.tiers) expect(t.length).toBeGreaterThan(0);
    }
  });

  it('HINTS.ko.md has the same steps and tiers as HINTS.md, its code unchanged', () => {
    const ko = path.join(ex.dir, 'HINTS.ko.md');
    expect(existsSync(ko), `missing ${path.relative(ROOT, ko)}`).toBe(true);
    const tiers = (file: string) => parseHints(read(file)).map((h) => [h.step, h.tiers.length]);
    expect(tiers(ko)).toEqual(tiers(ex.hints));
    const fences = (file: string) => read(file).match(/```[\s\S]*?```/g) ?? [];
    expect(fences(ko)).toEqual(fences(ex.hints));
  });

  it('the stub throws TODO errors tagged with the exercise and marks every place to edit', () => {
    const stub = read(kata.stubOf(ex));
    const throws = stub.match(/throw new Error\('TODO\((\d\d-[a-z0-9-]+)\)/g) ?? [];
    expect(throws.length).toBeGreaterThan(0);
    for (const t of throws) expect(t).toContain(`TODO(${ex.name})`);
    expect((stub.match(/\/\/ TODO:/g) ?? []).length).toBeGreaterThanOrEqual(throws.length);
    expect(stub, 'hints belong in HINTS.md, not in the stub').not.toMatch(/Hint \d/);
  });

  it('the solution has no TODO left and imports nothing from exercises/', () => {
    const solution = read(ex.solution);
    expect(solution).not.toMatch(/TODO\(/);
    expect(solution).not.toMatch(/from '\.\.\/\.\.\/exercises\//);
  });

  it('the stub and the solution export the same names', async () => {
    const stub = await import(kata.stubOf(ex));
    const solution = await import(ex.solution);
    expect(Object.keys(stub).sort()).toEqual(Object.keys(solution).sort());
    for (const key of Object.keys(stub)) expect(typeof stub[key], key).toBe(typeof solution[key]);
  });

  it("the stub's given code (what the learner does not write) is the solution's, to the character", () => {
    const parse = (file: string) => ts.createSourceFile(file, read(file), ts.ScriptTarget.ES2022, true);
    const stub = parse(kata.stubOf(ex));
    const solution = parse(ex.solution);
    const statements = new Set(solution.statements.map((st) => st.getText(solution)));
    const classes = new Map(
      solution.statements
        .filter(ts.isClassDeclaration)
        .map((c) => [c.name?.text, new Set(c.members.map((m) => m.getText(solution)))]),
    );
    const missing: string[] = [];
    for (const st of stub.statements) {
      const text = st.getText(stub);
      if (ts.isImportDeclaration(st)) continue;
      if (!text.includes('TODO(')) {
        givenPieces++;
        if (!statements.has(text)) missing.push(text.split('\n')[0] ?? '');
      } else if (ts.isClassDeclaration(st)) {
        // a class the learner completes: its other members are given
        for (const m of st.members) {
          const member = m.getText(stub);
          if (member.includes('TODO(')) continue;
          givenPieces++;
          if (!classes.get(st.name?.text)?.has(member)) missing.push(`${st.name?.text}: ${member.split('\n')[0]}`);
        }
      }
    }
    expect(missing, `given code in ${path.relative(ROOT, ex.stub)} that differs in the solution`).toEqual([]);
  });

  it('the spec imports the exercise through its relative path (so the solutions project can swap it)', () => {
    const spec = read(ex.spec);
    expect(spec).toMatch(new RegExp(`from '\\./${ex.slug}\\.ts'`));
    expect(spec, 'a spec must not import the solution').not.toMatch(/solutions\//);
    expect(spec).not.toMatch(/\.(only|skip|todo)\(/);
  });
});

describe("the stubs' given code", () => {
  it('was compared for the exercises above, not skipped for want of any', () => {
    // 96 pieces in this kata today (types, helpers, constants, given class members); a scaffolded kata has a few
    expect(givenPieces).toBeGreaterThan(0);
  });
});
