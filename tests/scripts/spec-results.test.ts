/** From Vitest's report to what the runner says: TODOs, steps, clean messages, locations. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Exercise } from '../../scripts/lib/exercises.ts';
import {
  cleanMessage,
  currentStep,
  type ErrorLike,
  failureInfo,
  firstFailure,
  isPassing,
  markOptional,
  parseTodo,
  skippingOptional,
  stepSummaries,
  summarise,
  type TestModuleLike,
} from '../../scripts/runner/spec-results.ts';

const dir = path.resolve('/kata/exercises/01-tensors');
const ex = {
  name: '01-tensors',
  id: '01',
  slug: 'tensors',
  title: 'Tensors',
  dir,
  stub: path.join(dir, 'tensors.ts'),
  spec: path.join(dir, 'tensors.spec.ts'),
} as Exercise;

/** A fake of vitest's TestModule with tests in describe blocks. */
function fakeModule(
  tests: { suite: string; name: string; state: string; error?: ErrorLike }[],
  moduleErrors: ErrorLike[] = [],
): TestModuleLike {
  const moduleNode = { type: 'module' };
  return {
    moduleId: ex.spec,
    errors: () => moduleErrors,
    diagnostic: () => ({ duration: 12.4 }),
    children: {
      *allTests() {
        for (const t of tests) {
          yield {
            name: t.name,
            parent: { type: 'suite', name: t.suite, parent: moduleNode },
            result: () => ({ state: t.state, ...(t.error ? { errors: [t.error] } : {}) }),
          };
        }
      },
    },
  };
}

const todo = (fn: string, step: number): ErrorLike => ({
  name: 'Error',
  message: `TODO(01-tensors): implement ${fn} (step ${step} in README.md)`,
  stacks: [
    { file: ex.stub, line: 20, column: 9, method: fn },
    { file: ex.spec, line: 57, column: 12, method: '' },
  ],
});

describe('parseTodo', () => {
  it("reads the stub's TODO: exercise, text, function and step", () => {
    expect(parseTodo('Error: TODO(01-tensors): implement rank (step 1 in README.md)')).toEqual({
      tag: '01-tensors',
      text: 'implement rank (step 1 in README.md)',
      fn: 'rank',
      step: 1,
    });
  });

  it('finds it inside a fast-check report, and takes free text too', () => {
    const t = parseTodo(
      'Property failed after 1 tests\nGot error: Error: TODO(03-matmul): implement `dot` (step 2 in README.md)',
    );
    expect(t).toMatchObject({ tag: '03-matmul', fn: 'dot', step: 2 });
    expect(parseTodo("TODO(02-broad-cast): finish the broadcast rule'")).toEqual({
      tag: '02-broad-cast',
      text: 'finish the broadcast rule',
    });
    expect(parseTodo('expected 2 to be 3')).toBeUndefined();
  });
});

describe('cleanMessage', () => {
  it("drops colours, stack lines and fast-check's advert, keeps the explanation", () => {
    const raw = [
      '\x1b[31mProperty failed after 8 tests\x1b[39m',
      '{ seed: 42, path: "7:2", endOnFailure: true }',
      'Counterexample: [[0,0,0]]',
      'Got error: array [3]: 1 of 3 elements differ',
      '    at Proxy.methodWrapper (file:///kata/node_modules/chai/index.js:1737:25)',
      '    at /kata/exercises/01-tensors/tensors.spec.ts:177:19',
      '',
      '',
      '',
      'Hint: Enable verbose mode in order to have the list of all failing values encountered during the run',
      '    at buildError (file:///kata/node_modules/fast-check/lib/fast-check.js:2496:55)',
    ].join('\n');
    expect(cleanMessage(raw)).toBe(
      [
        'Property failed after 8 tests',
        '{ seed: 42, path: "7:2", endOnFailure: true }',
        'Counterexample: [[0,0,0]]',
        'Got error: array [3]: 1 of 3 elements differ',
      ].join('\n'),
    );
  });
});

describe('failureInfo', () => {
  it("finds the spec line and the learner's line in the stack, and the TODO", () => {
    const f = failureInfo(todo('rank', 1), 'counts axes', ex);
    expect(f.specAt).toMatchObject({ file: ex.spec, line: 57 });
    expect(f.codeAt).toMatchObject({ file: ex.stub, line: 20, fn: 'rank' });
    expect(f.todo).toMatchObject({ fn: 'rank', step: 1 });
  });

  it('names the error type when the message does not, and keeps a diff without colours', () => {
    const f = failureInfo(
      { name: 'AssertionError', message: 'expected 1 to be 2', diff: '\x1b[32m- 2\x1b[39m' },
      't',
      ex,
    );
    expect(f.message).toBe('AssertionError: expected 1 to be 2');
    expect(f.diff).toBe('- 2');
  });

  it('ignores frames in node_modules and file:// URLs resolve', () => {
    const f = failureInfo(
      {
        message: 'boom',
        stacks: [
          { file: path.join(dir, 'node_modules', 'x.js'), line: 1, column: 1 },
          { file: `file://${ex.spec.startsWith('/') ? '' : '/'}${ex.spec.replaceAll('\\', '/')}`, line: 9, column: 3 },
        ],
      },
      't',
      ex,
    );
    expect(f.codeAt).toBeUndefined();
    expect(f.specAt?.line).toBe(9);
  });
});

describe('summarise', () => {
  const mod = fakeModule([
    { suite: 'step 1: rank', name: 'a', state: 'passed' },
    { suite: 'step 1: rank', name: 'b', state: 'passed' },
    { suite: 'step 2: shape', name: 'c', state: 'failed', error: todo('shape', 2) },
    { suite: 'step 2: shape', name: 'd', state: 'skipped' },
    { suite: 'step 3: size', name: 'e', state: 'failed', error: todo('size', 3) },
  ]);

  it('counts passing specs; skipped ones do not pass', () => {
    const r = summarise(ex, mod);
    expect([r.passed, r.total, isPassing(r)]).toEqual([2, 5, false]);
    expect(r.durationMs).toBe(12);
  });

  it('knows the step the learner is on: the first failing spec', () => {
    const r = summarise(ex, mod);
    expect(firstFailure(r)?.name).toBe('c');
    expect(currentStep(r)).toBe(2);
    expect(stepSummaries(r)).toEqual([
      { title: 'step 1: rank', step: 1, passed: 2, total: 2 },
      { title: 'step 2: shape', step: 2, passed: 0, total: 2 },
      { title: 'step 3: size', step: 3, passed: 0, total: 1 },
    ]);
  });

  it('a spec file that did not load is not passing, and says why', () => {
    const r = summarise(ex, fakeModule([], [{ name: 'SyntaxError', message: "Unexpected token ')'" }]));
    expect(isPassing(r)).toBe(false);
    expect(r.loadErrors[0]?.message).toBe("SyntaxError: Unexpected token ')'");
    const missing = summarise(ex, undefined);
    expect(isPassing(missing)).toBe(false);
    expect(missing.loadErrors[0]?.message).toMatch(/no results for tensors\.spec\.ts/);
  });

  it('marks the optional steps; skipping them, the exercise passes when the other steps do', () => {
    const r = summarise(
      ex,
      fakeModule([
        { suite: 'step 1: rank', name: 'a', state: 'passed' },
        { suite: 'step 2: shape', name: 'b', state: 'failed', error: todo('shape', 2) },
        { suite: 'step 2: shape', name: 'c', state: 'failed', error: todo('shape', 2) },
        { suite: 'step 3: size', name: 'd', state: 'passed' },
      ]),
    );
    const shown = markOptional(r, [2], false);
    expect([shown.passed, shown.total, isPassing(shown), currentStep(shown)]).toEqual([2, 4, false, 2]);
    expect(stepSummaries(shown).map((s) => s.optional === true)).toEqual([false, true, false]);
    const skipped = markOptional(r, [2], true);
    expect([skipped.passed, skipped.total, isPassing(skipped)]).toEqual([2, 2, true]);
    expect([firstFailure(skipped), currentStep(skipped)]).toEqual([undefined, null]);
    expect(stepSummaries(skipped)[1]).toEqual({ title: 'step 2: shape', step: 2, passed: 0, total: 2, optional: true });
    const failing = markOptional(r, [3], true);
    expect([failing.passed, failing.total, isPassing(failing), currentStep(failing)]).toEqual([1, 3, false, 2]);
    expect(markOptional(r, [], true)).toBe(r);
    expect([skippingOptional({ KATA_SKIP_OPTIONAL: '1' }), skippingOptional({})]).toEqual([true, false]);
  });

  it('all passing is passing; no specs at all is not', () => {
    expect(isPassing(summarise(ex, fakeModule([{ suite: 's', name: 'a', state: 'passed' }])))).toBe(true);
    expect(isPassing(summarise(ex, fakeModule([])))).toBe(false);
  });
});
