/**
 * The runner's behaviour, driven with a fake spec session on the fake kata: where it starts,
 * moving on after a pass, the reveal policy, hints, the list, a missing or corrupt state file.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Exercise } from '../../scripts/lib/exercises.ts';
import type { ExerciseResult } from '../../scripts/runner/spec-results.ts';
import { tempDir } from './fake-kata.ts';
import { runnerSetup } from './runner-harness.ts';

const tmp = tempDir('kata-runner-unit-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const setup = runnerSetup(tmp);

describe('starting', () => {
  it('a fresh clone (no state file, every stub untouched): runs only the first exercise', async () => {
    const k = setup();
    await k.runner.start();
    expect(k.specs.runs).toEqual([['01-alpha']]);
    expect(k.specs.focused).toBe('01-alpha');
    const screen = k.runner.screen();
    expect(screen).not.toContain('progress file');
    expect(screen).toContain('01 · Alpha: adding things');
    expect(screen).toContain('Next: implement f1 (step 1 in README.md)');
    expect(k.state()).toMatchObject({
      current: '01-alpha',
      exercises: { '01-alpha': { done: false, passed: 0, total: 2 } },
    });
  });

  it('no state file, but work done: checks the exercises with no TODO left (named as such), then shows the first unsolved one', async () => {
    const k = setup({ solved: ['01-alpha'] });
    const ex = k.exercises[0] as Exercise;
    cpSync(ex.solution, ex.stub);
    await k.runner.start();
    expect(k.specs.runs).toEqual([['01-alpha'], ['02-beta']]);
    expect(k.runner.screen()).toContain(
      'No progress file (.kata/state.json): checking the 1 exercise with no TODO left (an exercise with one cannot pass yet)…',
    );
    expect(k.specs.focused).toBe('02-beta');
    expect(k.state().exercises['01-alpha']?.done).toBe(true);
  });

  it('with a corrupt state file: says so, rebuilds it from the specs, and carries on', async () => {
    const k = setup({ state: '{"version": 1, "exer', solved: ['01-alpha'] });
    const ex = k.exercises[0] as Exercise;
    cpSync(ex.solution, ex.stub);
    await k.runner.start();
    expect(k.runner.screen()).toMatch(
      /could not be read \(not valid JSON.*\); it was kept as \.kata\/state\.corrupt-.*\.json/,
    );
    expect(k.specs.focused).toBe('02-beta');
    expect(k.state().exercises['01-alpha']?.done).toBe(true);
  });

  it('with a state file: trusts it and runs only the first unsolved exercise', async () => {
    const state = JSON.stringify({ version: 1, exercises: { '01-alpha': { done: true } } });
    const k = setup({ state, solved: ['01-alpha'] });
    await k.runner.start();
    expect(k.specs.runs).toEqual([['02-beta']]);
    expect(k.runner.screen()).toContain('[##########----------] 1/2');
  });

  it('npm start -- 02 goes to 02 even when 01 is unsolved', async () => {
    const k = setup({ state: JSON.stringify({ version: 1, exercises: {} }), target: '02-beta' });
    await k.runner.start();
    expect(k.specs.focused).toBe('02-beta');
  });

  it('when everything passes already: says so and watches nothing', async () => {
    const k = setup({ solved: ['01-alpha', '02-beta'] });
    for (const ex of k.exercises) cpSync(ex.solution, ex.stub);
    await k.runner.start();
    expect(k.runner.watching).toBe(false);
    expect(k.runner.screen()).toContain('All 2 exercises pass. Well done!');
  });
});

describe('passing an exercise', () => {
  it('records it, congratulates, offers the solution, names the next one, and stays until n', async () => {
    const k = setup();
    await k.runner.start();
    await k.solve('01-alpha');
    let screen = k.runner.screen();
    expect(screen).toContain('✓ 01 · Alpha: adding things passes all 2 specs. Recorded in .kata/state.json.');
    expect(screen).toContain('Compare your code with the reference solution: press s (or npm run solution -- 01)');
    expect(screen).toContain('Next: 02 · Beta: negation — press n when you are ready.');
    expect(screen).toContain('✓ 2 of 2 specs pass');
    expect(k.specs.focused).toBe('01-alpha');
    expect(k.state()).toMatchObject({ current: '01-alpha', exercises: { '01-alpha': { done: true } } });
    // A save after the pass (tidying up) keeps it here, passing.
    await k.runner.rerunResult(k.specs.result(k.exercises[0] as Exercise), 90);
    expect(k.specs.focused).toBe('01-alpha');
    await k.runner.key('n');
    screen = k.runner.screen();
    expect(screen).toContain('02 · Beta: negation');
    expect(screen).not.toContain('Next: 02');
    expect(k.specs.focused).toBe('02-beta');
    expect(k.state().current).toBe('02-beta');
  });

  it('with autoAdvance (npm start -- --auto-advance), moves on to the next unsolved one at once', async () => {
    const k = setup({ autoAdvance: true });
    await k.runner.start();
    await k.solve('01-alpha');
    const screen = k.runner.screen();
    expect(screen).toContain('✓ 01 · Alpha: adding things passes all 2 specs. Recorded in .kata/state.json.');
    expect(screen).toContain('On to 02 · Beta: negation.');
    expect(screen).toContain('02 · Beta: negation');
    expect(k.specs.focused).toBe('02-beta');
    expect(k.state()).toMatchObject({ current: '02-beta', exercises: { '01-alpha': { done: true } } });
    expect(k.state().exercises['01-alpha']?.doneAt).toBeTruthy();
  });

  it('the last one: all done, and it stays on it', async () => {
    const k = setup({ solved: ['01-alpha'] });
    cpSync((k.exercises[0] as Exercise).solution, (k.exercises[0] as Exercise).stub);
    await k.runner.start();
    await k.solve('02-beta');
    expect(k.runner.screen()).toContain('All 2 exercises pass. Well done!');
    expect(k.specs.focused).toBe('02-beta');
  });

  it('a save that breaks a passing exercise makes it not done again', async () => {
    const k = setup({ solved: ['01-alpha'], target: '01-alpha' });
    cpSync((k.exercises[0] as Exercise).solution, (k.exercises[0] as Exercise).stub);
    await k.runner.start();
    expect(k.state().exercises['01-alpha']?.done).toBe(true);
    k.specs.solved.delete('01-alpha');
    await k.runner.rerunResult(k.specs.result(k.exercises[0] as Exercise), 100);
    expect(k.state().exercises['01-alpha']?.done).toBe(false);
    expect(k.runner.screen()).toContain('result 0.10 s after the save');
  });
});

describe('quick checks', () => {
  const quickResult = (k: ReturnType<typeof setup>, name: string) =>
    (
      k.specs.run([k.exercises.find((e) => e.name === name) as Exercise], { quick: true }) as Promise<
        Map<string, ExerciseResult>
      >
    ).then((m) => m.get(name) as ExerciseResult);

  it('a failing quick check is shown as one and counts as failing, with no full run', async () => {
    const k = setup();
    await k.runner.start();
    expect(k.specs.quickRuns).toEqual([['01-alpha']]);
    expect(k.specs.runs).toEqual([['01-alpha']]);
    expect(k.runner.screen()).toContain('quick check: 20 cases per property');
    await k.runner.rerunResult(await quickResult(k, '01-alpha'), 150);
    expect(k.specs.runs).toHaveLength(2); // start's, and the quick run made above: no full run
    expect(k.state().exercises['01-alpha']).toMatchObject({ done: false, passed: 0 });
  });

  it('a passing quick check is run again in full before the pass is recorded', async () => {
    const k = setup();
    await k.runner.start();
    k.specs.solved.add('01-alpha');
    const before = k.specs.runs.length;
    await k.runner.rerunResult(await quickResult(k, '01-alpha'), 150);
    // the quick run above, then the runner's full run of the same exercise (and it stays there)
    expect(k.specs.runs.slice(before)).toEqual([['01-alpha'], ['01-alpha']]);
    expect(k.specs.quickRuns.at(-1)).toEqual(['01-alpha']);
    expect(k.state().exercises['01-alpha']?.done).toBe(true);
    expect(k.runner.screen()).toContain('✓ 01 · Alpha: adding things passes all 2 specs.');
  });

  it('a pass of the quick check that the full run refutes is not recorded; the full failure is shown', async () => {
    const k = setup({ target: '01-alpha' });
    await k.runner.start();
    k.specs.solved.add('01-alpha');
    k.specs.subtle.add('01-alpha');
    await k.runner.rerunResult(await quickResult(k, '01-alpha'), 150);
    expect(k.state().exercises['01-alpha']?.done).toBe(false);
    const screen = k.runner.screen();
    expect(screen).toContain('✗ 0 of 2 specs pass');
    expect(screen).not.toContain('quick check:');
    expect(screen).toMatch(/result 0\.\d\d s after the save/);
  });

  it('with quick checks off (KATA_RUNS at or below the quick count), runs are full from the start', async () => {
    const k = setup();
    k.specs.casesPerProperty.quick = undefined;
    await k.runner.start();
    expect(k.specs.quickRuns).toEqual([]);
    expect(k.runner.screen()).not.toContain('quick check');
  });
});

describe('runs that did not finish', () => {
  it('a stalled run (an endless loop) says so, names the spec, and does not count as a pass', async () => {
    const k = setup();
    await k.runner.start();
    k.specs.solved.add('01-alpha');
    const ex = k.exercises[0] as Exercise;
    await k.runner.rerunResult({ ...k.specs.result(ex), stalled: { seconds: 25, test: 'step 1: s1 > spec 1' } }, 100);
    const screen = k.runner.screen();
    expect(screen).toContain('The specs stopped: nothing finished for 25 s while this spec ran: step 1: s1 > spec 1.');
    expect(screen).toContain('An endless loop in your code? Fix it and save; the specs run again.');
    expect(k.state().exercises['01-alpha']?.done).toBe(false);
  });

  it('a run stopped by a save is neither shown nor recorded: the save brings its own result', async () => {
    const k = setup();
    await k.runner.start();
    const before = k.runner.screen();
    k.specs.solved.add('01-alpha');
    await k.runner.rerunResult({ ...k.specs.result(k.exercises[0] as Exercise), aborted: true }, 100);
    expect(k.runner.screen()).toBe(before);
    expect(k.state().exercises['01-alpha']?.done).toBe(false);
  });
});

describe('the reference solution', () => {
  it('is never shown before the exercise passes; s says how to force it', async () => {
    const k = setup();
    await k.runner.start();
    await k.runner.key('s');
    const screen = k.runner.screen();
    expect(screen).toContain('01-alpha does not pass yet (0 of 2 specs pass)');
    expect(screen).toContain('npm run solution -- 01 --force (recorded in .kata/state.json as "revealed early")');
    expect(screen).not.toContain('+++');
    expect(k.state().exercises['01-alpha']?.solution).toBeUndefined();
  });

  it('after the pass, s shows it as a diff against the learner code, and records that', async () => {
    const k = setup();
    await k.runner.start();
    const ex = k.exercises[0] as Exercise;
    await k.solve('01-alpha');
    // The learner's version differs from the reference by a comment.
    writeFileSync(ex.stub, `// my version\n${readFileSync(ex.solution, 'utf8')}`);
    await k.runner.key('s');
    const screen = k.runner.screen();
    expect(screen).toContain('How the reference solution of 01-alpha differs from your code:');
    expect(screen).toContain('--- exercises/01-alpha/alpha.ts  (your code)\n+++ solutions/01-alpha/alpha.ts');
    expect(screen).toContain('-// my version');
    expect(k.state().exercises['01-alpha']?.solution?.revealed).toBe('after passing');
  });
});

describe('keys', () => {
  it('h shows the next hint tier of the current step, and records it', async () => {
    const k = setup();
    await k.runner.start();
    await k.runner.key('h');
    expect(k.runner.screen()).toContain('Hint 1 of 2 · step 1: add\n  Nudge for add.\n\nNext hint: press h again');
    await k.runner.key('h');
    await k.runner.key('h');
    const screen = k.runner.screen();
    expect(screen).toContain('Hint 2 of 2 · step 1: add');
    expect(screen).toContain('All 2 hints for step 1 are shown.');
    expect(k.state().exercises['01-alpha']?.hints).toEqual({ '1': 2 });
  });

  it('l toggles the list; n and p move between exercises; r reruns; q quits', async () => {
    const k = setup();
    await k.runner.start();
    expect(await k.runner.key('l')).toBe('handled');
    expect(k.runner.screen()).toMatch(/→ 01 {2}Alpha: adding things +0\/2 specs +current/);
    await k.runner.key('l');
    expect(k.runner.screen()).not.toContain('→ 01');
    await k.runner.key('n');
    expect(k.specs.focused).toBe('02-beta');
    await k.runner.key('n');
    expect(k.specs.focused).toBe('01-alpha');
    await k.runner.key('p');
    expect(k.specs.focused).toBe('02-beta');
    const before = k.specs.runs.length;
    await k.runner.key('r');
    expect(k.specs.runs.length).toBe(before + 1);
    expect(await k.runner.key('x')).toBe('ignored');
    expect(await k.runner.key('q')).toBe('quit');
    expect(await k.runner.key('\u0003')).toBe('quit');
  });
});

describe('a run on screen', () => {
  it('a save hides the out-of-date result at once; the time counts up until the new result', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    try {
      const k = setup({ clearScreen: true });
      await k.runner.start();
      const screen = () => k.output.at(-1) ?? '';
      expect(screen()).toContain('0 of 2 specs pass');
      k.runner.rerunStarted();
      expect(screen()).toContain('Running the specs of 01-alpha…');
      expect(screen()).not.toContain('specs pass');
      vi.advanceTimersByTime(3000);
      expect(screen()).toContain('Running the specs of 01-alpha… (3 s)');
      expect(screen()).not.toContain('specs pass');
      expect(screen()).not.toContain('loops forever');
      // Long enough for a loop to be likely: the way out is named (a save stops the run).
      vi.advanceTimersByTime(7000);
      expect(screen()).toContain(
        'Running the specs of 01-alpha… (10 s)\nNo result yet. If your code loops forever, fix it and save: a save stops this run.',
      );
      await k.runner.rerunResult(k.specs.result(k.exercises[0] as Exercise), 10100);
      expect(screen()).toContain('0 of 2 specs pass');
      expect(screen()).not.toContain('Running');
      expect(screen()).not.toContain('loops forever');
      // The clock stops with the run: no more redraws.
      const drawn = k.output.length;
      vi.advanceTimersByTime(5000);
      expect(k.output.length).toBe(drawn);
    } finally {
      vi.useRealTimers();
    }
  });

  it('in Korean too', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    try {
      const k = setup({ clearScreen: true, lang: 'ko' });
      await k.runner.start();
      k.runner.rerunStarted();
      vi.advanceTimersByTime(2000);
      expect(k.output.at(-1)).toContain('01-alpha의 스펙을 실행하는 중… (2초)');
      vi.advanceTimersByTime(8000);
      expect(k.output.at(-1)).toContain('(10초)\n아직 결과가 없습니다. 코드가 끝없이 반복된다면 고친 뒤 저장하세요.');
      k.runner.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a log (not a terminal) gets no screen per save, only the result', async () => {
    const k = setup();
    await k.runner.start();
    const drawn = k.output.length;
    k.runner.rerunStarted();
    expect(k.output.length).toBe(drawn);
  });
});
