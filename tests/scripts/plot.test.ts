/**
 * `npm run plot`: the figure of exercise 04 renders (with the learner's functions or the
 * reference solution's), the command writes it where asked, and its errors say what exists.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listExercises, ROOT } from '../../scripts/lib/exercises.ts';
import { exercisesWithPlots, renderPlot, withFallback, writeAtomic } from '../../scripts/plot.ts';
import { tagsOf } from '../support/well-formed.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-plot-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `npm run plot -- …` the way npm does, without npm. */
function plotCommand(...args: string[]) {
  return spawnSync(process.execPath, ['--import', './scripts/register.mjs', 'scripts/plot.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, INIT_CWD: tmp },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** An exercise without a picture (01 today), for the error paths. */
const withoutPlot = listExercises().find((e) => !exercisesWithPlots().includes(e.name))?.name ?? '01-tensors';

const PANELS = ['1 · original', '2 · translated', '3 · rotated', '4 · scaled', '5 · affine', '6 · relu'];

describe('the figure of 04-geometry', () => {
  it('renders six panels of polygons and arrows as well-formed SVG', async () => {
    const { exercise, svg, notices } = await renderPlot('04');
    expect(exercise.name).toBe('04-geometry');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const tags = tagsOf(svg);
    for (const title of PANELS) expect(svg).toContain(title);
    expect(tags.filter((t) => t === 'polygon').length).toBeGreaterThanOrEqual(12);
    expect(tags.filter((t) => t === 'clipPath')).toHaveLength(6);
    // Panels drawn with the reference solution say so, and the command prints why.
    const fellBack = notices.some((n) => n.includes('reference solution'));
    expect(svg.includes('(reference solution')).toBe(fellBack);
    // Every number in the picture is finite.
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('finds the exercise by 4, 04, geometry or 04-geometry', async () => {
    for (const q of ['4', 'geometry', '04-geometry']) expect((await renderPlot(q)).exercise.name).toBe('04-geometry');
    expect(exercisesWithPlots()).toContain('04-geometry');
  });

  it('an exercise without a picture is an error listing those with one', async () => {
    await expect(renderPlot(withoutPlot)).rejects.toThrow(
      new RegExp(`${withoutPlot} has no picture.*with one: .*04-geometry`),
    );
  });
});

describe('the learner-or-reference fallback', () => {
  const reference = { double: (x: number) => 2 * x, square: (x: number) => x * x, name: 'ref' };

  it("uses the learner's function when it works and the reference's when it throws, once", () => {
    let calls = 0;
    const fallbacks: string[] = [];
    const learner = {
      double: (x: number) => 2 * x + 0.5, // the learner's own (wrong) answer is drawn as it is
      square: (_: number): number => {
        calls++;
        throw new Error('TODO(04-geometry): implement square');
      },
    };
    const code = withFallback<typeof reference>(learner, reference, (name) => fallbacks.push(name));
    const first = code.run(() => code.fns.double(1) + code.fns.square(3));
    expect(first).toEqual({ result: 2.5 + 9, fellBack: ['square'] });
    expect(code.run(() => code.fns.double(2))).toEqual({ result: 4.5, fellBack: [] });
    code.fns.square(4);
    expect(calls).toBe(1); // a function that threw is not called again
    expect(fallbacks).toEqual(['square']);
    expect(code.fns.name).toBe('ref');
  });

  it('a function the learner does not export comes from the reference, and is reported', () => {
    const fallbacks: string[] = [];
    const code = withFallback<typeof reference>({}, reference, (name) => fallbacks.push(name));
    expect(code.run(() => code.fns.square(5))).toEqual({ result: 25, fellBack: ['square'] });
    expect(fallbacks).toEqual(['square']);
  });
});

describe('npm run plot', () => {
  it('writes the SVG atomically where --out says, relative to where npm was run', () => {
    const result = plotCommand('04', '--out', 'figure.svg');
    expect(result.status, result.stderr).toBe(0);
    const file = path.join(tmp, 'figure.svg');
    expect(readFileSync(file, 'utf8').startsWith('<svg')).toBe(true);
    expect(result.stdout).toContain('wrote figure.svg');
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000); // a process of its own: seconds on a loaded machine

  it('without a picture for the exercise, or without an exercise, says which exercises have one', () => {
    const none = plotCommand(withoutPlot);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(new RegExp(`${withoutPlot} has no picture.*04-geometry`));
    const usage = plotCommand();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run plot -- <exercise>.*\n.*04-geometry/);
  }, 60_000);

  it('writeAtomic creates the folder and leaves no temporary file', () => {
    const file = path.join(tmp, 'deep', 'er', 'x.svg');
    writeAtomic(file, '<svg/>');
    writeAtomic(file, '<svg></svg>');
    expect(readFileSync(file, 'utf8')).toBe('<svg></svg>');
    expect(readdirSync(path.dirname(file))).toEqual(['x.svg']);
    expect(existsSync(path.join(ROOT, 'plots', 'figure.svg'))).toBe(false);
  });
});
