/**
 * The learner's commands as a learner runs them, on a runnable copy of a tiny fake kata (the
 * real lib/, scripts/ and vitest config; two exercises without TensorFlow.js): `npm start`
 * watching, solving, staying on the pass until n; `list`, `hint`, `solution` (and --force), `reset`; Korean; a
 * corrupt state file. Each process is bounded by a timeout; nothing asserts on wall-clock time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadState, statePath } from '../../scripts/runner/state.ts';
import { hasGit, makeRunnableKata } from './fake-kata.ts';

const root = makeRunnableKata();
afterAll(() => rmSync(root, { recursive: true, force: true }));

const file = (...p: string[]) => path.join(root, ...p);
const stub = (name: string, slug: string) => file('exercises', name, `${slug}.ts`);
const solution = (name: string, slug: string) => file('solutions', name, `${slug}.ts`);
const STEP = 120_000;

interface Run {
  child: ChildProcess;
  output: () => string;
  /** resolves once the output matches (after `from` characters), rejects on timeout or exit */
  waitFor: (re: RegExp, from?: number) => Promise<string>;
  send: (line: string) => void;
  exited: Promise<number>;
}

function command(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, ['--import', './scripts/register.mjs', path.join('scripts', script), ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, KATA_LANG: 'en', CI: undefined, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 4 * STEP);
  void exited.then(() => clearTimeout(timer));
  return {
    child,
    output: () => out,
    exited,
    send: (line) => child.stdin?.write(`${line}\n`),
    waitFor: (re, from = 0) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out.slice(from));
          if (m) {
            cleanup();
            resolve(m[0]);
          }
        };
        const fail = (why: string) => {
          cleanup();
          reject(new Error(`${why} waiting for ${re}; output so far:\n${out}`));
        };
        const t = setTimeout(() => fail(`timed out after ${STEP / 1000} s`), STEP);
        const onExit = () => setTimeout(() => fail('the process exited'), 50);
        const cleanup = () => {
          clearTimeout(t);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.on('exit', onExit);
        check();
      }),
  };
}

async function finished(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const run = command(script, args, env);
  run.child.stdin?.end();
  const code = await run.exited;
  return { code, out: run.output() };
}

describe('npm start', () => {
  it(
    'shows 01, reruns on save, moves on to 02 when 01 passes, and shows the solution only after the pass',
    async () => {
      const run = command('start.ts', ['--watch', '--poll']);
      try {
        await run.waitFor(/Next: implement add \(step 1 in README\.md\)/);
        const first = run.output();
        expect(first).toContain('Gradient Katas  [--------------------] 0/2 exercises done');
        expect(first).toContain('01 · Alpha: adding things');
        expect(first).toContain('This exercise is about alpha: adding things.');
        expect(first).toContain('✗ 0 of 3 specs pass');
        // --poll: Vite really watches by polling.
        expect(first).toContain('Watching for changes by polling (--poll).');

        let mark = run.output().length;
        run.send('s');
        await run.waitFor(/01-alpha does not pass yet \(0 of 3 specs pass\)/, mark);
        expect(run.output()).not.toContain('+++ solutions/');

        mark = run.output().length;
        run.send('h');
        await run.waitFor(/Hint 1 of 2 · step 1: add\n\s+Nudge for add\./, mark);

        // A save with step 1 done: the rerun says step 2 is next.
        mark = run.output().length;
        writeFileSync(
          stub('01-alpha', 'alpha'),
          readFileSync(stub('01-alpha', 'alpha'), 'utf8').replace(
            "  // TODO: add.\n  throw new Error('TODO(01-alpha): implement add (step 1 in README.md)');",
            '  return a + b;',
          ),
        );
        await run.waitFor(/Next: implement twice \(step 2 in README\.md\)/, mark);
        expect(run.output().slice(mark)).toMatch(/✗ 2 of 3 specs pass .*result \d+\.\d\d s after the save/);

        // Solving 01: recorded; it stays on 01 (the solution a key away) and names 02.
        mark = run.output().length;
        cpSync(solution('01-alpha', 'alpha'), stub('01-alpha', 'alpha'));
        await run.waitFor(/Next: 02 · Beta: negation — type n and press Enter when you are ready\./, mark);
        const passed = run.output().slice(mark);
        expect(passed).toContain('✓ 01 · Alpha: adding things passes all 3 specs. Recorded in .kata/state.json.');
        expect(passed).toContain('[##########----------] 1/2');

        mark = run.output().length;
        run.send('s');
        await run.waitFor(/How the reference solution of 01-alpha differs from your code:/, mark);
        await run.waitFor(/Your code is the same as the reference solution\./, mark);

        mark = run.output().length;
        run.send('n');
        await run.waitFor(/Next: implement neg \(step 1 in README\.md\)/, mark);

        run.send('q');
        expect(await run.exited).toBe(0);
        const state = loadState(root).state;
        expect(state.current).toBe('02-beta');
        expect(state.exercises['01-alpha']).toMatchObject({ done: true, passed: 3, total: 3, hints: { '1': 1 } });
        expect(state.exercises['01-alpha']?.solution?.revealed).toBe('after passing');
      } finally {
        run.child.kill();
      }
    },
    6 * STEP,
  );

  it(
    'without a terminal: runs once, prints, and says how to keep watching; in Korean with KATA_LANG=ko',
    async () => {
      const { code, out } = await finished('start.ts', ['02'], { KATA_LANG: 'ko' });
      expect(code).toBe(0);
      expect(out).toContain('02 · 베타: 부호 바꾸기');
      expect(out).toContain('다음: neg 구현하기 (README.ko.md 1단계)');
      expect(out).toContain('한 번만 실행했습니다');
    },
    2 * STEP,
  );

  it(
    'a run that breaks down (a global setup that throws) is shown, never a crash',
    async () => {
      const { code, out } = await finished('start.ts', ['--once'], { KATA_TF_BACKEND: 'bogus' });
      expect(code).toBe(0);
      expect(out).toContain('the specs did not run');
      expect(out).toContain('KATA_TF_BACKEND=bogus is not a backend');
    },
    2 * STEP,
  );

  it(
    'a corrupt state file is rebuilt from the specs, never a crash',
    async () => {
      writeFileSync(statePath(root), '{"version": 1, "exercises": {"01-al');
      const { code, out } = await finished('start.ts', ['--once']);
      expect(code).toBe(0);
      expect(out).toMatch(/The progress file \.kata\/state\.json could not be read \(not valid JSON/);
      const state = loadState(root);
      expect(state.problem).toBeNull();
      expect(state.state.exercises['01-alpha']?.done).toBe(true);
      expect(readdirSync(file('.kata')).some((f) => f.startsWith('state.corrupt-'))).toBe(true);
    },
    2 * STEP,
  );
});

describe('npm run list, hint, solution, reset', () => {
  it(
    'list: done, current and pending, from the record, rerunning only what changed since (--run: all)',
    async () => {
      const { code, out } = await finished('list.ts');
      expect(code).toBe(0);
      expect(out).toMatch(/✓ 01 {2}Alpha: adding things +3\/3 specs +done/);
      expect(out).toMatch(/→ 02 {2}Beta: negation +0\/1 specs +current/);
      expect(out).toContain('From .kata/state.json (npm run list -- --run runs them all).');
      expect(out).not.toContain('Checking');

      // 02 solved behind the runner's back: list runs 02 again, and only 02.
      const beta = stub('02-beta', 'beta');
      const kept = readFileSync(beta, 'utf8');
      cpSync(solution('02-beta', 'beta'), beta);
      const changed = await finished('list.ts');
      expect(changed.out).toContain('Checking 1 exercise…');
      expect(changed.out).toMatch(/✓ 02 {2}Beta: negation +1\/1 specs +done/);
      expect(changed.out).toContain('with the exercise changed since run again');
      writeFileSync(beta, kept);

      const all = await finished('list.ts', ['--run']);
      expect(all.out).toContain('Checking 2 exercises…');
      expect(all.out).toMatch(/02 {2}Beta: negation +0\/1 specs/);
      expect(all.out).not.toContain('From .kata/state.json');
    },
    4 * STEP,
  );

  it(
    'hint: the next tier each time, the ones seen again, then "all shown"',
    async () => {
      const first = await finished('hint.ts', ['02']);
      expect(first.out).toContain('Hint 1 of 2 · step 1: neg');
      expect(first.out).toContain('Next hint: npm run hint -- 02');
      const second = await finished('hint.ts', ['02']);
      expect(second.out).toContain('Hint 1 of 2 · step 1: neg');
      expect(second.out).toContain('Hint 2 of 2 · step 1: neg');
      expect(second.out).toContain('All 2 hints for step 1 are shown.');
      const ko = await finished('hint.ts', ['01', '1'], { KATA_LANG: 'ko' });
      expect(ko.out).toContain('힌트 1/2 · 1단계: add');
      expect(ko.out).toContain('넛지 for add.'); // from HINTS.ko.md
    },
    4 * STEP,
  );

  it(
    'solution: refused before the pass; --force shows it and records "revealed early"',
    async () => {
      const refused = await finished('solution.ts', ['02']);
      expect(refused.code).toBe(1);
      expect(refused.out).toContain('02-beta does not pass yet (0 of 1 specs pass)');
      expect(refused.out).not.toContain('+++');
      const forced = await finished('solution.ts', ['02', '--force']);
      expect(forced.code).toBe(0);
      expect(forced.out).toContain('recorded in .kata/state.json as "revealed early"');
      expect(forced.out).toContain('+++ solutions/02-beta/beta.ts');
      expect(forced.out).toContain('+  return -a;');
      expect(loadState(root).state.exercises['02-beta']?.solution?.revealed).toBe('early');
    },
    3 * STEP,
  );

  it.runIf(hasGit())(
    'reset: backs up your version, restores the committed stub; clear errors otherwise',
    async () => {
      const mine = readFileSync(stub('01-alpha', 'alpha'), 'utf8');
      const reset = await finished('reset.ts', ['01']);
      expect(reset.code).toBe(0);
      const backup = /saved in (\.kata\/backups\/01-alpha\/alpha\.[0-9T-]+Z\.ts)/.exec(reset.out)?.[1];
      expect(backup, reset.out).toBeDefined();
      expect(readFileSync(file(backup as string), 'utf8')).toBe(mine);
      expect(readFileSync(stub('01-alpha', 'alpha'), 'utf8')).toContain(
        "throw new Error('TODO(01-alpha): implement add",
      );
      expect(loadState(root).state.exercises['01-alpha']?.done).toBe(false);

      const again = await finished('reset.ts', ['01']);
      expect(again.code).toBe(1);
      expect(again.out).toContain("exercises/01-alpha/alpha.ts is already the kata's stub: nothing to reset.");

      writeFileSync(stub('01-alpha', 'alpha'), '// changed\n');
      const noGit = await finished('reset.ts', ['01'], { KATA_GIT: path.join(root, 'no-such-git') });
      expect(noGit.code).toBe(1);
      expect(noGit.out).toContain('git is not available');
      expect(readFileSync(stub('01-alpha', 'alpha'), 'utf8')).toBe('// changed\n');

      const unknown = await finished('reset.ts', ['99']);
      expect(unknown.code).toBe(2);
      expect(unknown.out).toContain('no exercise "99": choose one of 01-alpha, 02-beta');
      expect(existsSync(file('.kata', 'backups'))).toBe(true);
    },
    4 * STEP,
  );
});
