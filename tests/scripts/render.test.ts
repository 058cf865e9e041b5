/** What the runner's screen, the list and the hints say, in English and Korean. */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  hintsFile,
  loadHints,
  readmeExcerpt,
  stepTitles,
  terminalMarkdown,
  toSentenceEnd,
} from '../../scripts/lib/docs.ts';
import { type Exercise, listExercises } from '../../scripts/lib/exercises.ts';
import { formatHint, nextHint } from '../../scripts/lib/hints.ts';
import { catalogues, type Lang } from '../../scripts/lib/messages.ts';
import { makeStyle } from '../../scripts/lib/term.ts';
import { type RenderContext, renderList, renderScreen, type ScreenModel } from '../../scripts/runner/render.ts';
import { type ExerciseResult, markOptional, type TestOutcome } from '../../scripts/runner/spec-results.ts';
import { firstUnsolved, neighbour, nextUnsolved, progressBar } from '../../scripts/runner/status.ts';
import { tempDir, writeFakeExercises } from './fake-kata.ts';

const root = tempDir('kata-render-');
afterAll(() => rmSync(root, { recursive: true, force: true }));
writeFakeExercises(root);
const exercises = listExercises(root);
const [alpha, beta] = exercises as [Exercise, Exercise];

const ctx = (lang: Lang = 'en'): RenderContext => ({
  root,
  lang,
  m: catalogues[lang],
  style: makeStyle(false),
  width: 120,
});

function result(tests: TestOutcome[], extra: Partial<ExerciseResult> = {}): ExerciseResult {
  return {
    name: alpha.name,
    passed: tests.filter((t) => t.state === 'passed').length,
    total: tests.length,
    tests,
    loadErrors: [],
    durationMs: 5,
    ...extra,
  };
}

const todoFailure = (fn: string, step: number): TestOutcome => ({
  name: `${fn} works`,
  suites: [`step ${step}: ${fn}`],
  state: 'failed',
  step,
  failure: {
    name: `${fn} works`,
    message: `Error: TODO(01-alpha): implement ${fn} (step ${step} in README.md)`,
    todo: { tag: '01-alpha', text: `implement ${fn} (step ${step} in README.md)`, fn, step },
  },
});

const model = (r?: ExerciseResult): ScreenModel => ({
  exercises,
  doneCount: 0,
  current: alpha,
  banner: [],
  keys: 'keys',
  allDone: false,
  ...(r ? { result: r } : {}),
});

describe('the runner screen', () => {
  it('shows progress, the exercise and its README, and the next TODO with its README step', () => {
    const screen = renderScreen(ctx(), {
      ...model(result([todoFailure('add', 1), todoFailure('twice', 2)])),
      ranMs: 420,
    });
    expect(screen).toContain('Gradient Katas  [--------------------] 0/2 exercises done');
    expect(screen).toContain('01 · Alpha: adding things');
    expect(screen).toContain('This exercise is about alpha: adding things.');
    expect(screen).toContain('✗ 0 of 2 specs pass   ran in 0.42 s');
    expect(screen).toContain('Next: implement add (step 1 in README.md)');
    expect(screen).toContain('Step 1 in README.md: add — implement add.');
    expect(screen).toContain('…and 1 more failing spec');
    expect(screen).toContain('[h] hint  [l] list  [n] next  [p] previous  [r] rerun  [s] solution  [q] quit');
  });

  it('a real failure shows the message, the spec line and the line of your code', () => {
    const message = [
      'array [2,2]: 1 of 4 elements differ (rtol 1.0e-7, atol 1.0e-10)',
      'first at [1,0]: expected 3, received 4 (abs error 1.00, rel error 0.333)',
      '',
      'expected        received',
      '[[ 1.,  2.],    [[ 1.,  2.],',
      ' [>3.<, 4.]]     [>4.<, 4.]]',
    ].join('\n');
    const failing: TestOutcome = {
      name: 'adds matrices',
      suites: ['step 2: twice'],
      state: 'failed',
      step: 2,
      failure: {
        name: 'adds matrices',
        message,
        specAt: { file: alpha.spec, line: 5, column: 3 },
        codeAt: { file: alpha.stub, line: 1, column: 1, fn: 'add' },
      },
    };
    const screen = renderScreen(ctx(), model(result([{ ...todoFailure('add', 1), state: 'passed' }, failing])));
    expect(screen).toContain('First failing spec:\n  ✗ step 2: twice › adds matrices');
    expect(screen).toContain('    first at [1,0]: expected 3, received 4 (abs error 1.00, rel error 0.333)');
    expect(screen).toContain('     [>3.<, 4.]]     [>4.<, 4.]]');
    expect(screen).toMatch(/spec: exercises\/01-alpha\/alpha\.spec\.ts:5:3 {2}it\('adds 2 and 3'/);
    expect(screen).toMatch(/your code: exercises\/01-alpha\/alpha\.ts:1:1 {2}export function add/);
    expect(screen).toContain('✓ step 1: add');
    expect(screen).toContain('←');
  });

  it('tags optional steps in the table; skipping them, the exercise passes without them', () => {
    const r = result([{ ...todoFailure('add', 1), state: 'passed' }, todoFailure('twice', 2)]);
    const shown = renderScreen(ctx(), model(markOptional(r, [2], false)));
    expect(shown).toMatch(/✗ step 2: twice +0\/1 {2}← {2}\(optional\)/);
    expect(shown).toContain('Next: implement twice (step 2 in README.md)');
    const skipped = renderScreen(ctx('ko'), model(markOptional(r, [2], true)));
    expect(skipped).toContain('✓ 스펙 1개 중 1개 통과');
    expect(skipped).toMatch(/✗ 2단계: twice +0\/1 {2}\(선택, 건너뜀\)/);
    expect(skipped).not.toContain('다음:');
  });

  it("marks the steps whose counts are the last run's while a save checks them again", () => {
    const r = result([{ ...todoFailure('add', 1), state: 'passed' }, todoFailure('twice', 2)], { rechecking: [1] });
    expect(renderScreen(ctx(), model(r))).toMatch(/✓ step 1: add +1\/1 {2}\(last run; checking again…\)\n/);
    expect(renderScreen(ctx(), model(r))).toMatch(/✗ step 2: twice +0\/1 {2}←\n/);
    expect(renderScreen(ctx('ko'), model(r))).toMatch(/✓ 1단계: add +1\/1 {2}\(지난 실행 결과, 다시 확인 중…\)/);
  });

  it('a spec file that does not load says so first', () => {
    const r = result([], { loadErrors: [{ name: 'alpha.spec.ts', message: "SyntaxError: Unexpected token ')'" }] });
    expect(renderScreen(ctx(), model(r))).toContain(
      "exercises/01-alpha/alpha.spec.ts did not load — fix this first:\n    SyntaxError: Unexpected token ')'",
    );
  });

  it('when it passes: the banner, and what to do next', () => {
    const passing = result([{ ...todoFailure('add', 1), state: 'passed' }]);
    const screen = renderScreen(ctx(), { ...model(passing), banner: ['✓ 01 · Alpha passes'], doneCount: 1 });
    expect(screen).toContain('[##########----------] 1/2');
    expect(screen).toContain('✓ 01 · Alpha passes');
    expect(screen).toContain('01-alpha is done: all its specs pass. Press n for the next exercise.');
    const all = renderScreen(ctx(), { ...model(passing), allDone: true, doneCount: 2 });
    expect(all).toContain('All 2 exercises pass. Well done!');
  });

  it('errors outside the specs are shown, and fail the run', () => {
    const r = result([{ ...todoFailure('add', 1), state: 'passed' }], {
      runErrors: [{ name: 'run', message: 'Error: boom from a timer' }],
    });
    const screen = renderScreen(ctx(), model(r));
    expect(screen).toContain('Errors outside the specs (they fail the run too):\n    Error: boom from a timer');
    expect(screen).not.toContain('is done');
  });

  it('the console output of the learner code is shown', () => {
    const r = result([todoFailure('add', 1)], { logs: ['debug: 42'] });
    expect(renderScreen(ctx(), model(r))).toContain('Console output of your code (last run):\n  debug: 42');
  });

  it('speaks Korean, with the Korean README', () => {
    const screen = renderScreen(ctx('ko'), model(result([todoFailure('add', 1)])));
    expect(screen).toContain('연습 완료');
    expect(screen).toContain('이 연습은 알파: 더하기를 다룹니다.');
    expect(screen).toContain('다음: add 구현하기 (README.ko.md 1단계)');
    expect(screen).toContain('README.ko.md 1단계: add — add 구현.');
    expect(screen).toContain('[h] 힌트');
  });

  it('with colours, the status line is red until it passes', () => {
    const screen = renderScreen({ ...ctx(), style: makeStyle(true) }, model(result([todoFailure('add', 1)])));
    expect(screen).toContain('\x1b[31m✗ 0 of 1 specs pass\x1b[39m');
  });
});

describe('the list', () => {
  it('marks done, current and pending exercises with their specs', () => {
    const text = renderList(ctx(), [
      {
        exercise: alpha,
        record: { done: true, passed: 3, total: 3, solution: { revealed: 'early', at: 'x' } },
        current: false,
      },
      { exercise: beta, current: true, result: { ...result([todoFailure('neg', 1)]), name: beta.name } },
    ]);
    const [a, b] = text.split('\n');
    expect(a).toMatch(/✓ 01 {2}Alpha: adding things +3\/3 specs +done {2}\(solution revealed early\)/);
    expect(b).toMatch(/→ 02 {2}Beta: negation +0\/1 specs +current/);
  });

  it('an exercise that passed before but fails now is "failing again"', () => {
    const text = renderList(ctx(), [
      { exercise: alpha, record: { done: true }, result: result([todoFailure('add', 1)]), current: false },
    ]);
    expect(text).toContain('failing again');
  });
});

describe('README and hints', () => {
  it('the README excerpt is the first paragraph of prose, as plain text', () => {
    expect(readmeExcerpt(alpha, 'en')).toEqual([
      'This exercise is about alpha: adding things.',
      'A second line of prose.',
    ]);
  });

  it('a longer paragraph is cut at the end of its last whole sentence, never mid-sentence', () => {
    expect(toSentenceEnd(['One sentence. And the next one is not a', 'whole'])).toEqual(['One sentence.']);
    expect(toSentenceEnd(['A line that ends.', 'e.g. this one is cut off at'])).toEqual(['A line that ends.']);
    expect(toSentenceEnd(['문장 하나다. 다음 문장은', '잘린다'])).toEqual(['문장 하나다.']);
    expect(toSentenceEnd(['no sentence ends here:'])).toEqual(['no sentence ends here:']);
    for (const ex of listExercises()) {
      for (const lang of ['en', 'ko'] as const) {
        const last = readmeExcerpt(ex, lang).at(-1) ?? '';
        expect(last, `${ex.name} (${lang}): ${last}`).toMatch(/[.!?:)]$/);
      }
    }
  });

  it('Korean hints come from HINTS.ko.md where there is one, else from HINTS.md', () => {
    expect(path.basename(hintsFile(alpha, 'ko'))).toBe('HINTS.ko.md');
    expect(path.basename(hintsFile(beta, 'ko'))).toBe('HINTS.md');
    expect(path.basename(hintsFile(alpha, 'en'))).toBe('HINTS.md');
    expect(loadHints(alpha, 'ko')[0]?.tiers[0]).toBe('넛지 for add.');
  });

  it('each request shows one more tier, and all of them again at the end', () => {
    const hints = loadHints(alpha, 'en');
    const first = nextHint(hints, 1, 0);
    expect(first).toMatchObject({ step: 1, title: 'add', total: 2, seen: 1, tiers: ['Nudge for add.'] });
    const second = nextHint(hints, 1, 1);
    expect(second?.tiers).toEqual(['Nudge for add.', 'Near code: `return a + b;`']);
    expect(nextHint(hints, 1, 2)).toEqual(second);
    expect(nextHint(hints, 9, 0)).toBeNull();
    const style = makeStyle(false);
    expect(formatHint(first as NonNullable<typeof first>, catalogues.en, style, 'press h again')).toBe(
      'Hint 1 of 2 · step 1: add\n  Nudge for add.\n\nNext hint: press h again',
    );
    expect(formatHint(second as NonNullable<typeof second>, catalogues.en, style, 'press h again')).toContain(
      'Hint 2 of 2 · step 1: add\n  Near code: return a + b;\n\nAll 2 hints for step 1 are shown.',
    );
  });

  it('in Korean, the step rows read as HINTS.ko.md titles them; the specs keep their English names', () => {
    const tensors = listExercises().find((e) => e.name === '01-tensors') as Exercise;
    const row = (title: string, step: number, state: TestOutcome['state']): TestOutcome => ({
      name: 'a spec',
      suites: [title],
      state,
      step,
    });
    const r = {
      ...result([row('step 1: rank', 1, 'passed'), row('step 3: size and bytes', 3, 'failed')]),
      name: tensors.name,
    };
    const screen = (lang: Lang) => renderScreen(ctx(lang), { ...model(r), current: tensors });
    expect(screen('ko')).toMatch(/✓ 1단계: 랭크\s+1\/1\n/);
    expect(screen('ko')).toMatch(/✗ 3단계: 원소 개수와 바이트 수\s+0\/1 {2}←/);
    expect(screen('ko')).toContain('✗ step 3: size and bytes › a spec');
    expect(screen('en')).toMatch(/✗ step 3: size and bytes\s+0\/1 {2}←/);
  });

  it('every step of every spec has a title in HINTS.ko.md (names such as SGD or broadcastTo stay as they are)', () => {
    for (const ex of listExercises()) {
      const steps = [...readFileSync(ex.spec, 'utf8').matchAll(/describe\('(step (\d+): [^']*)'/g)];
      expect(steps.length, ex.name).toBeGreaterThan(0);
      for (const [, title = '', n] of steps) {
        expect(stepTitles(ex, 'ko')(title, Number(n)), `${ex.name}: ${title}`).toMatch(/^\d+단계: \S/);
      }
    }
  });

  it('code fences in a hint become indented code', () => {
    expect(terminalMarkdown('Try:\n```ts\nreturn 1;\n```\n**done**', makeStyle(false))).toBe('Try:\n  return 1;\ndone');
  });
});

describe('the order of exercises', () => {
  const three = [alpha, beta, { ...alpha, name: '03-gamma', id: '03' }];
  const done = (names: string[]) => (n: string) => names.includes(n);

  it('the first unsolved one, in order', () => {
    expect(firstUnsolved(three, done([]))?.name).toBe('01-alpha');
    expect(firstUnsolved(three, done(['01-alpha']))?.name).toBe('02-beta');
    expect(firstUnsolved(three, done(['01-alpha', '02-beta', '03-gamma']))).toBeUndefined();
  });

  it('after passing one, the next unsolved one after it, wrapping around', () => {
    expect(nextUnsolved(three, alpha, done(['01-alpha']))?.name).toBe('02-beta');
    expect(nextUnsolved(three, beta, done(['02-beta', '03-gamma']))?.name).toBe('01-alpha');
    expect(nextUnsolved(three, beta, done(['01-alpha', '02-beta', '03-gamma']))).toBeUndefined();
  });

  it('n and p step through all of them, wrapping around', () => {
    expect(neighbour(three, alpha, 1).name).toBe('02-beta');
    expect(neighbour(three, alpha, -1).name).toBe('03-gamma');
    expect(neighbour(three, three[2] as Exercise, 1).name).toBe('01-alpha');
  });

  it('the progress bar', () => {
    expect(progressBar(5, 11, 10)).toBe('[#####-----] 5/11');
    expect(progressBar(0, 0, 4)).toBe('[----] 0/0');
    expect(progressBar(11, 11, 10)).toBe('[##########] 11/11');
  });
});
