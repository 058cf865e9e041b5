/**
 * `npm run repl` as a learner drives it: one line at a time on stdin, what it prints on stdout.
 * First on a runnable copy of the fake kata (the learner's stubs: a TODO error is one line;
 * solve, `.reload`, and the same call works), then on this repository with the reference
 * solutions (KATA_REPL_EXERCISES=solutions), where every exercise README's "Try it in the
 * REPL" lines must print what the README says. Nothing asserts on wall-clock time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listExercises, ROOT } from '../../scripts/lib/exercises.ts';
import { banner, reloaded } from '../../scripts/repl/banner.ts';
import { kataErrorLine, rewriteImports } from '../../scripts/repl/show.ts';
import { makeRunnableKata, tempDir } from './fake-kata.ts';

const PROMPT = 'kata> ';
const WAIT = 120_000;

/** The REPL in a child process; `run` sends one line and resolves with what it printed before the next prompt. */
class Repl {
  private out = '';
  private err = '';
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];

  constructor(cwd: string, env: NodeJS.ProcessEnv = {}) {
    const history = path.join(tempDir('kata-repl-'), 'history');
    this.child = spawn(process.execPath, ['--import', './scripts/register.mjs', 'scripts/repl.ts'], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, KATA_LANG: 'en', TS_NODE_HISTORY: history, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const notify = () => {
      for (const w of this.waiters) w();
    };
    this.child.stdout?.on('data', (d: Buffer) => {
      this.out += d.toString();
      notify();
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.err += d.toString();
    });
    this.child.on('exit', notify);
  }

  /** Everything before the first prompt. */
  banner(): Promise<string> {
    return this.until(0);
  }

  async run(line: string): Promise<string> {
    const from = this.out.length;
    this.child.stdin?.write(`${line}\n`);
    return this.until(from);
  }

  private until(from: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no prompt within ${WAIT / 1000} s`)), WAIT);
      const check = () => {
        const at = this.out.indexOf(PROMPT, from);
        if (at >= 0) done(null, this.out.slice(from, at));
        else if (this.child.exitCode !== null) done(new Error(`the REPL exited (${this.child.exitCode})`));
      };
      const done = (e: Error | null, text = '') => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        if (e) reject(new Error(`${e.message}\nstdout:\n${this.out}\nstderr:\n${this.err}`));
        else resolve(text);
      };
      this.waiters.push(check);
      check();
    });
  }

  /** Ends it if a failed test left it running. */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }

  async close(): Promise<number> {
    const exited = new Promise<number>((resolve) => this.child.on('exit', (code) => resolve(code ?? 1)));
    this.child.stdin?.end();
    return exited;
  }
}

// Both REPLs start at once, so that the second comes up while the first one's test runs.
let root: string;
let repl: Repl;
let solutions: Repl;
beforeAll(() => {
  root = makeRunnableKata();
  repl = new Repl(root);
  solutions = new Repl(ROOT, { KATA_REPL_EXERCISES: 'solutions' });
});
afterAll(() => {
  repl.kill();
  solutions.kill();
  rmSync(root, { recursive: true, force: true });
});

describe('the REPL’s pieces', () => {
  it('says it in Korean with KATA_LANG=ko', () => {
    const facts = { seconds: 1.25, backend: 'TensorFlow.js 4.22.0 on the cpu backend', exercises: listExercises() };
    const ko = banner({ ...facts, lang: 'ko', source: 'exercises' });
    expect(ko.intro).toContain('준비하는 데 1.3초');
    expect(ko.names.join('\n')).toContain(
      'ex01 … ex11        여러분의 연습문제 모듈: ex01은 exercises/01-tensors/tensors.ts',
    );
    expect(banner({ ...facts, lang: 'en', source: 'solutions' }).names.join('\n')).toContain(
      'the reference solutions, as modules: ex01 is solutions/01-tensors/tensors.ts',
    );
    expect(reloaded('ko', ['ex01', 'ex11'], 'exercises')).toBe(
      'ex01 … ex11: 다음에 쓸 때 exercises/에서 새로 불러온다',
    );
  });

  it('turns import statements into dynamic imports, and drops type-only ones', () => {
    expect(rewriteImports("import * as t from './a.ts';\n")).toBe("const t = await __kataImport('./a.ts');\n");
    expect(rewriteImports('import x from "y"\n')).toBe('const { default: x } = await __kataImport("y");\n');
    expect(rewriteImports("import { a, b as c } from 'z'\n")).toBe("const { a, b: c } = await __kataImport('z');\n");
    expect(rewriteImports("import type { T } from 'z'\n")).toBe('\n');
    expect(rewriteImports('importance + 1\n')).toBe('importance + 1\n');
  });

  it('shows a kata error in one line, with the learner’s file and line when it threw there', () => {
    const e = new Error('matmul: inner dimensions 2 and 1 differ (a [1,2], b [1,2])');
    e.name = 'ShapeError';
    const learnerFile = pathToFileURL(path.join(ROOT, 'exercises/03-matmul/matmul.ts')).href;
    e.stack = `ShapeError: ${e.message}\n    at matmul (${path.join(ROOT, 'lib/ops/matmul.ts')}:26:11)\n    at f (${learnerFile}?reload=2:41:3)\n    at <repl>.ts:1:1`;
    expect(kataErrorLine(e, ROOT)).toBe(`ShapeError: ${e.message}\n    at exercises/03-matmul/matmul.ts:41`);
    const other = new TypeError('x is not a function');
    other.stack = 'TypeError: x is not a function\n    at <repl>.ts:1:1';
    expect(kataErrorLine(other, ROOT)).toBeNull();
  });
});

describe("npm run repl, on the learner's stubs (a fake kata)", () => {
  it('lists what it preloads; a stub’s TODO is one line; .reload picks up an edit', { timeout: 4 * WAIT }, async () => {
    const banner = await repl.banner();
    for (const name of [
      'NDArray',
      'ops',
      'tf',
      'train_images',
      'test_labels',
      'ex01 … ex02',
      'ex01 alpha',
      '.reload',
    ]) {
      expect(banner).toContain(name);
    }
    expect(banner).toMatch(/TensorFlow\.js \d+\.\d+\.\d+ on the \w+ backend \(loads on first use\)/);

    expect(await repl.run('ex01.add(2, 3)')).toBe(
      'Uncaught Error: TODO(01-alpha): implement add (step 1 in README.md)\n',
    );
    copyFileSync(path.join(root, 'solutions/01-alpha/alpha.ts'), path.join(root, 'exercises/01-alpha/alpha.ts'));
    expect(await repl.run('.reload')).toMatch(/^ex01 … ex02 load afresh from exercises\/ on their next use\n$/);
    expect(await repl.run('ex01.add(2, 3)')).toBe('5\n');

    // An import statement becomes a dynamic import; top-level await works.
    expect(await repl.run("import { neg } from './exercises/02-beta/beta.ts'")).toBe('undefined\n');
    expect(await repl.run('neg(1)')).toBe('Uncaught Error: TODO(02-beta): implement neg (step 1 in README.md)\n');
    expect(await repl.run('const answer = await Promise.resolve(21 * 2)')).toBe('undefined\n');
    expect(await repl.run('answer')).toBe('42\n');
    expect(await repl.run('ops.matmul(array([[1, 2]]), array([[1, 2]]))')).toBe(
      'Uncaught ShapeError: matmul: inner dimensions 2 and 1 differ (a [1,2], b [1,2])\n',
    );
    expect(await repl.close()).toBe(0);
  });
});

const SECTION = { en: '## Try it in the REPL', ko: '## REPL에서 해 보기' } as const;

/** The transcript of a README's last section: `kata> ` lines and, under each, what it prints. */
function tryLines(markdown: string, heading: string): { input: string; output: string }[] {
  const at = markdown.lastIndexOf(`\n${heading}\n`);
  if (at < 0 || /\n## /.test(markdown.slice(at + heading.length + 1))) return [];
  const block = /```text\n([\s\S]*?)```/.exec(markdown.slice(at))?.[1] ?? '';
  return block
    .split(/^kata> /m)
    .slice(1)
    .map((chunk) => {
      const [input, ...output] = chunk.split('\n');
      return { input: input as string, output: output.join('\n') };
    });
}

describe('every exercise README ends with lines to try in the REPL, and they print what it says', () => {
  const exercises = listExercises();

  it.each(exercises.map((ex) => [ex.name, ex] as const))(
    '%s: both READMEs end with the same two or three lines',
    (_, ex) => {
      const en = tryLines(readFileSync(ex.readme, 'utf8'), SECTION.en);
      expect(
        en.length,
        `${ex.name}/README.md must end with "${SECTION.en}" and a \`\`\`text block of kata> lines`,
      ).toBeGreaterThanOrEqual(2);
      expect(en.length).toBeLessThanOrEqual(3);
      expect(
        tryLines(readFileSync(ex.readmeKo, 'utf8'), SECTION.ko),
        `${ex.name}/README.ko.md: "${SECTION.ko}"`,
      ).toEqual(en);
    },
  );

  it('runs every line against the reference solutions', { timeout: 4 * WAIT }, async () => {
    const repl = solutions;
    expect(await repl.banner()).toContain('the reference solutions');
    // What the book's readers try first, whatever the READMEs hold.
    expect(await repl.run('train_images.shape')).toBe('[ 60000, 28, 28 ]\n');
    expect(await repl.run('test_labels')).toBe('array([7., 2., 1., ..., 4., 5., 6.], shape=[10000], dtype=float32)\n');
    expect(await repl.run('tf.matMul(tf.tensor([[1, 2], [3, 4]]), tf.tensor([[5, 6], [7, 8]]))')).toBe(
      'Tensor([[19., 22.],\n        [43., 50.]], shape=[2,2], dtype=float32)\n',
    );
    for (const ex of exercises) {
      for (const { input, output } of tryLines(readFileSync(ex.readme, 'utf8'), SECTION.en)) {
        expect(await repl.run(input), `${ex.name}: kata> ${input}`).toBe(output);
      }
    }
    expect(await repl.close()).toBe(0);
  });
});
