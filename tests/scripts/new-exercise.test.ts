/**
 * `npm run new-exercise`: scaffolds into temporary copies of the kata, never into the real
 * exercises/ (other people work there). The main copy holds lib/, the configs,
 * exercises/01-tensors with its solution and tests/integrity.test.ts, with node_modules
 * linked to the repository's. One child vitest run on it checks what `npm test` would: the
 * integrity test passes, every spec of the new exercises fails on the stub with its
 * TODO(NN-slug) error (tests/stubs-fail.test.ts' rule) and passes on the solution.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { judgeInProcess, prepareJudge } from '../../scripts/grade/judge.ts';
import {
  type Exercise,
  findExercise,
  listExercises,
  parseHints,
  parseSteps,
  ROOT,
} from '../../scripts/lib/exercises.ts';
import { writeKataStubs } from '../../scripts/lib/kata-stubs.ts';
import { fillTemplate, main, planExercise, writeExercise } from '../../scripts/new-exercise.ts';
import { tempFolder } from '../helpers/temp-folder.ts';

const tmp = tempFolder('kata-new-exercise-');

/** A copy of the kata that vitest can run: the real lib/ and configs, one real exercise. */
const kata = path.join(tmp, 'kata');
/** A bare tree for refusals: 01-a, and solutions/03-wip (someone's exercise in progress). */
const bare = path.join(tmp, 'bare');

const TEST_SLUGS = ['loss-fn', 'batch-norm', 'half', 'new-one', 'next-one', 'far'];
const judgeOf = (ex: Exercise) => path.join(ex.dir, '..', '..', 'grading', 'judges', `${ex.name}.ts`);

interface Outcome {
  code: number;
  out: string;
  err: string;
}

/** The command, in this process, on the kata at `root`. */
function newExercise(root: string, ...args: string[]): Outcome {
  const out: string[] = [];
  const err: string[] = [];
  const code = main([...args, '--root', root], { log: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every folder of exercises/ and solutions/, and every entry of the root (a staging folder would show). */
function snapshot(root: string): string[] {
  const trees = ['exercises', 'solutions'].flatMap((t) =>
    existsSync(path.join(root, t)) ? readdirSync(path.join(root, t)).map((d) => `${t}/${d}`) : [],
  );
  return [...readdirSync(root), ...trees].sort();
}

let created: Outcome;
let defaults: Outcome;

beforeAll(() => {
  for (const item of [
    'lib',
    'vitest.config.ts',
    'tsconfig.json',
    'package.json',
    'exercises/01-tensors',
    'solutions/01-tensors',
    'tests/integrity.test.ts',
    // what the integrity test lists the exercises and reads the kata's stubs with
    'scripts/lib',
    'scripts/grade',
  ]) {
    cpSync(path.join(ROOT, item), path.join(kata, item), { recursive: true });
  }
  writeKataStubs(ROOT, kata, ['01-tensors']); // the kata's, not a learner's work in ROOT
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(kata, 'node_modules'), 'junction');
  cpSync(path.join(ROOT, 'grading', 'judge'), path.join(kata, 'grading', 'judge'), { recursive: true });
  writeFileSync(path.join(kata, 'grading', 'manifest.json'), '{}\n');
  for (const dir of ['exercises/01-a', 'solutions/01-a', 'solutions/03-wip'])
    mkdirSync(path.join(bare, dir), { recursive: true });

  created = newExercise(kata, 'loss-fn', '--title', 'Loss functions', '--seed-section', '2.4.1');
  defaults = newExercise(kata, 'batch-norm');
});

describe('scaffolding an exercise', () => {
  let ex: Exercise;
  const read = (file: string) => readFileSync(file, 'utf8');

  it('creates the seven files of exercise 02 after 01-tensors, the judge among them, and says what to do next', () => {
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    expect(listExercises(kata).map((e) => e.name)).toEqual(['01-tensors', '02-loss-fn', '03-batch-norm']);
    ex = findExercise('loss-fn', kata);
    for (const file of [ex.readme, ex.readmeKo, ex.hints, ex.stub, ex.spec, ex.solution, judgeOf(ex)]) {
      expect(existsSync(file), file).toBe(true);
      expect(created.out).toContain(path.relative(kata, file).split(path.sep).join('/'));
    }
    expect(created.out).toContain('Created exercise 02 · Loss functions (seed section 2.4.1)');
    expect(created.out).toContain('npx vitest run --project solutions exercises/02-loss-fn');
    expect(created.out).toContain('exercises/01-tensors/README.md'); // whose "Next:" line to update
    expect(created.out).toContain('npm run manifest'); // this kata has grading/manifest.json
    expect(snapshot(kata).filter((e) => e.startsWith('.'))).toEqual([]); // no staging folder left
  });

  it('writes a judge that calls the stub, agrees with the solution and disagrees with the stub', async () => {
    const judgeFile = readFileSync(judgeOf(ex), 'utf8');
    expect(judgeFile).toContain("import type * as Api from '../../exercises/02-loss-fn/loss-fn.ts';");
    expect(judgeFile).not.toMatch(/@template-(only|target)|__[A-Z]+__/);
    const judge = await prepareJudge(kata, ex.name, [], 5);
    if (!judge) throw new Error('no judge was written');
    const solution = await import(pathToFileURL(ex.solution).href);
    const stub = await import(pathToFileURL(ex.stub).href);
    expect((await judgeInProcess(judge, kata, solution)).map((v) => v.status)).toEqual(['agrees']);
    expect((await judgeInProcess(judge, kata, stub)).map((v) => v.status)).toEqual(['disagrees']);
  });

  it('follows the anatomy: heading, seed section, one step in both READMEs, tiered hints', () => {
    const readme = read(ex.readme);
    expect(readme).toMatch(/^# 02 · Loss functions$/m);
    expect(readme).toContain('_Seed section 2.4.1 — Deep Learning with Python, 2nd ed., §2.4.1._');
    expect(readme).toMatch(/^## Notes$/m);
    expect(readme).toMatch(/^Next: /m);
    const steps = parseSteps(readme);
    expect(steps).toEqual(['**`example(x)`** — square every element of `x`, returning a new array of the same shape.']);
    expect(parseSteps(read(ex.readmeKo))).toHaveLength(1);
    expect(read(ex.readmeKo)).toMatch(/^## 단계$/m);
    const hints = parseHints(read(ex.hints));
    expect(hints.map((h) => [h.step, h.title, h.tiers.length])).toEqual([[1, 'example', 3]]);
    for (const tier of hints[0]?.tiers ?? []) expect(tier.length).toBeGreaterThan(20);
  });

  it('writes a stub that throws TODO(02-loss-fn), a spec that imports it, and a solution without TODO', () => {
    const stub = read(ex.stub);
    expect(stub).toContain(
      "  // TODO: square every element of x into a new array of x's shape.\n  throw new Error('TODO(02-loss-fn): implement example (step 1 in README.md)');",
    );
    // As tests/integrity.test.ts counts them: one throw, one place to edit.
    expect(stub.match(/throw new Error\('TODO\(/g)).toHaveLength(1);
    expect(stub.match(/\/\/ TODO:/g)).toHaveLength(1);
    expect(stub).not.toMatch(/biome-ignore|@template-only|Hint \d/);
    const spec = read(ex.spec);
    expect(spec).toContain("import { example } from './loss-fn.ts';");
    expect(spec).toContain("describe('step 1: example', () => {");
    expect(spec).toContain('runOracle(oracle, (tf, t) => tf.square(t), x)');
    expect(spec).toContain('fc.assert(');
    expect(read(ex.solution)).not.toMatch(/TODO\(/);
    for (const file of [ex.readme, ex.readmeKo, ex.hints, ex.stub, ex.spec, ex.solution]) {
      expect(read(file), file).toContain('TODO for the author');
      expect(read(file), file).not.toMatch(/__[A-Z][A-Z_]*__/);
      expect(read(file), file).not.toContain('\r');
    }
  });

  it('defaults to the slug in words, a placeholder seed section and the next number', () => {
    expect(defaults.code).toBe(0);
    const readme = read(findExercise('batch-norm', kata).readme);
    expect(readme).toMatch(/^# 03 · Batch norm$/m);
    expect(readme).toContain('_Seed section ?.? — ');
    expect(defaults.out).toContain('Created exercise 03 · Batch norm (no seed section yet)');
  });

  it('passes the integrity test, fails on the stub with its TODO and passes on the solution', () => {
    const report = path.join(tmp, 'report.json');
    const result = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        ...['--project', 'repo', '--project', 'exercises', '--project', 'solutions'],
        // 03-batch-norm differs from 02-loss-fn only in names: the integrity test covers it.
        ...['tests/integrity', 'exercises/02-loss-fn'],
        '--reporter=json',
        `--outputFile=${report}`,
      ],
      // this copy's manifest is a placeholder: its stubs are checked as they are
      {
        cwd: kata,
        env: { ...process.env, KATA_QUIET: '1', CI: 'true', KATA_MODE: 'maintainer' },
        encoding: 'utf8',
        timeout: 150_000,
      },
    );
    expect(existsSync(report), `no report:\n${result.stderr}\n${result.stdout}`).toBe(true);
    const { testResults } = JSON.parse(read(report)) as {
      testResults: {
        name: string;
        assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
      }[];
    };
    const failures = (r: (typeof testResults)[number]) =>
      r.assertionResults
        .filter((a) => a.status !== 'passed')
        .map((a) => `${a.fullName}: ${a.failureMessages[0]?.split('\n')[0]}`);

    const integrity = testResults.find((r) => r.name.endsWith('integrity.test.ts'));
    for (const name of ['02-loss-fn', '03-batch-norm']) {
      expect(integrity?.assertionResults.some((a) => a.fullName.startsWith(`${name} `))).toBe(true);
    }
    expect(integrity && failures(integrity)).toEqual([]);

    // The same spec file ran twice: on the stub (exercises) and on the solution (solutions).
    const name = '02-loss-fn';
    const spec = findExercise(name, kata).spec;
    const runs = testResults.filter((r) => path.resolve(r.name) === path.resolve(spec));
    expect(runs, name).toHaveLength(2);
    const onStub = runs.find((r) => r.assertionResults.every((a) => a.status === 'failed'));
    const onSolution = runs.find((r) => r !== onStub);
    expect(onStub?.assertionResults.length, `${name}: no run where every spec fails`).toBeGreaterThanOrEqual(2);
    const withoutTodo = onStub?.assertionResults.filter(
      (a) => !a.failureMessages.some((m) => m.includes(`TODO(${name}): implement example`)),
    );
    expect(withoutTodo, `${name}: specs that fail on the stub, but not because of its TODO`).toEqual([]);
    expect(onSolution && failures(onSolution), `${name} on the solution`).toEqual([]);
    expect(onSolution?.assertionResults).toHaveLength(onStub?.assertionResults.length ?? -1);
  }, 180_000);
});

describe('refusals: exit code 2, a message naming the problem, nothing written', () => {
  it.each([
    [['Loss_Fn'], /the slug "Loss_Fn" is not lowercase-kebab/],
    [['loss--fn'], /the slug "loss--fn" is not lowercase-kebab/],
    [['loss-fn-'], /is not lowercase-kebab/],
    [['42'], /the slug "42" has no letter/],
    [['con'], /"con" is a reserved file name on Windows/],
    [['a'], /the slug "a" is taken by exercises\/01-a/],
    [['new-one', '--number', '1'], /number 01 is taken by exercises\/01-a and solutions\/01-a/],
    [['new-one', '--number', '03'], /number 03 is taken by solutions\/03-wip/],
    [['wip', '--number', '03'], /solutions\/03-wip already exists/],
    [['new-one', '--number', '100'], /--number "100" is not an exercise number: use 1 to 99/],
    [['new-one', '--number', '0'], /--number "0" is not an exercise number/],
    [['new-one', '--seed-section', 'two'], /--seed-section "two" is not a section number/],
    [['new-one', '--title', ' '], /--title must be one non-empty line/],
    [['new-one', '--title', 'a */ b'], /--title cannot contain \*\//],
    [['new-one', '--colour', 'red'], /unknown option --colour/],
    [['new-one', '--title'], /--title needs a value/],
    [[], /missing the slug of the new exercise/],
    [['new', 'one'], /give one slug, not 2 \(new one\)/],
  ])('%j', (args, message) => {
    const before = snapshot(bare);
    const { code, err, out } = newExercise(bare, ...args);
    expect(err).toMatch(message);
    expect(err).toContain('usage: npm run new-exercise -- <slug>');
    expect(out).toBe('');
    expect(code).toBe(2);
    expect(snapshot(bare)).toEqual(before);
  });

  it('refuses a --root that is not a kata', () => {
    const { code, err } = newExercise(path.join(tmp, 'nowhere'), 'new-one');
    expect(code).toBe(2);
    expect(err).toMatch(/is not a kata: it has no exercises\/ folder/);
  });

  it('as a command: exit code 2 and the message on stderr; --help prints the usage', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', './scripts/register.mjs', 'scripts/new-exercise.ts', 'Bad_Slug', '--root', bare],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.stderr).toMatch(/npm run new-exercise: the slug "Bad_Slug" is not lowercase-kebab/);
    expect(result.status).toBe(2);
    const help = newExercise(bare, '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--seed-section S/);
  }, 60_000);
});

describe('never half an exercise', () => {
  it('numbers after the highest folder, counting a solution whose exercise is in progress', () => {
    expect(planExercise(bare, { slug: 'next-one' }).name).toBe('04-next-one');
  });

  it('removes what it moved and its staging folder when a rename fails', () => {
    const before = snapshot(bare);
    const plan = planExercise(bare, { slug: 'half' });
    let calls = 0;
    const failSecond = (from: string, to: string) => {
      if (++calls === 2) throw new Error('EIO: the disk went away');
      renameSync(from, to);
    };
    expect(() => writeExercise(bare, plan, failSecond)).toThrow(/the disk went away/);
    expect(calls).toBe(2); // the solution was moved, then the exercise failed
    expect(snapshot(bare)).toEqual(before);
  });

  it('fills templates in one pass, drops @template-only lines, and rejects unknown placeholders', () => {
    const text = 'a\r\n// biome-ignore x: @template-only\r\n# __TITLE__ · __NN__\r\n';
    expect(fillTemplate(text, { TITLE: 'The __NN__ trick', NN: '07' }, 't')).toBe('a\n# The __NN__ trick · 07\n');
    expect(() => fillTemplate('__NOPE__', {}, 'README.template.md')).toThrow(
      'template README.template.md has an unknown placeholder __NOPE__',
    );
  });

  it('says when the number leaves a gap the integrity test will report', () => {
    const gappy = path.join(tmp, 'gappy');
    for (const dir of ['exercises/01-a', 'solutions/01-a']) mkdirSync(path.join(gappy, dir), { recursive: true });
    const { code, out } = newExercise(gappy, 'far', '--number', '4');
    expect(code).toBe(0);
    expect(out).toContain('Note: exercises/ has no 02, 03 yet');
    expect(existsSync(path.join(gappy, 'exercises', '04-far', 'far.spec.ts'))).toBe(true);
    expect(created.out).not.toContain('Note:');
  });

  it('left nothing in the real exercises/, solutions/ and grading/judges/', () => {
    for (const tree of ['exercises', 'solutions', 'grading/judges']) {
      const dirs = readdirSync(path.join(ROOT, tree));
      for (const slug of TEST_SLUGS)
        expect(dirs.filter((d) => d.replace(/\.ts$/, '').endsWith(`-${slug}`))).toEqual([]);
    }
  });
});
