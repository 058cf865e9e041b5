/**
 * The README and the spec say the same thing: every error message a spec asks for is one the
 * exercise's README.md (and its README.ko.md) quotes in the step the spec checks, so a learner
 * can write it from the README without reading the spec. A failure names the spec line and
 * the pattern.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listExercises, ROOT } from '../scripts/lib/exercises.ts';
import { quotedMessages, specPatterns, stepTexts } from './support/error-patterns.ts';

describe('reading patterns and quotes', () => {
  it('takes regex literals, strings and patterns built with new RegExp, and skips classes and negations', () => {
    const spec = [
      'expect(() => f()).toThrow(/inner dimensions 3 and 4/);',
      "expect(() => f()).toThrowKind(ShapeError, /a must have rank 1.*\\[2,2\\]/, 'f(a)');",
      "expect(() => f()).toThrow('lengths (3) differ');",
      'expect(() => f()).toThrow(ShapeError);',
      'expect(() => f()).not.toThrow(/anything/);',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: spec source, as text
      "for (const name of ['sgd']) expect(() => f()).toThrow(new RegExp(`${name}\\\\.step: got 2 params`));",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: spec source, as text
      'const pattern = new RegExp(`${a} and ${b}`.replace(/[[\\]]/g, "\\\\$&"));',
      'expect(() => g()).toThrowKind(ShapeError, pattern);',
      "// readme-errors: not the learner's message",
      'expect(() => tf.add(a, b)).toThrow(/could not be broadcast/);',
    ].join('\n');
    const found = specPatterns(spec);
    expect(found.map((p) => p.line)).toEqual([1, 2, 3, 6, 8]);
    const [inner, rank, text, step, pair] = found.map((p) => p.regex as RegExp);
    expect(inner?.test('matmul: inner dimensions 3 and 4 differ')).toBe(true);
    expect(rank?.test('vectorDot: a must have rank 1, got rank 2 (a [2,2], b [2])')).toBe(true);
    expect(text?.test('f: lengths (3) differ')).toBe(true);
    expect(step?.test('momentum.step: got 2 params but 1 grads')).toBe(true);
    expect(step?.test('momentum.step: got 3 params')).toBe(false);
    expect(pair?.test('[2,3] and [4]')).toBe(true);
  });

  it('a step is its numbered item of ## Steps, up to the next one', () => {
    const md =
      '# 01\n\n## Steps\n\n1. **`f`**: `f: one`.\n   More of step 1:\n   ```\n   f: two\n   ```\n2. **`g`**\n\n## Notes\n\n`h: three`\n';
    expect(stepTexts(md).map(quotedMessages)).toEqual([['f: two', 'f', 'f: one'], ['g']]);
  });

  it('quotes are inline code (across a line break too) and the lines of code blocks', () => {
    const md =
      'Throw `matmul: inner dimensions 3 and 4\n   differ (a [2,3], b [4,5])`.\n\n```\nsgd: learningRate must be a positive number, got 0\n```\n';
    expect(quotedMessages(md)).toEqual([
      'sgd: learningRate must be a positive number, got 0',
      'matmul: inner dimensions 3 and 4 differ (a [2,3], b [4,5])',
    ]);
  });
});

describe.each(listExercises().map((e) => [e.name, e] as const))('%s', (_name, ex) => {
  const spec = path.relative(ROOT, ex.spec);
  const patterns = specPatterns(readFileSync(ex.spec, 'utf8'), ex.spec);

  it.each([
    ['README.md', ex.readme],
    ['README.ko.md', ex.readmeKo],
  ])("%s quotes, in the spec's step, a message for every error pattern of the spec", (readmeName, readme) => {
    const markdown = readFileSync(readme, 'utf8');
    const steps = stepTexts(markdown).map(quotedMessages);
    const everywhere = quotedMessages(markdown);
    const unread = patterns.filter((p) => p.regex === null).map((p) => `${spec}:${p.line} ${p.text}`);
    expect(unread, 'patterns this test cannot read without running the spec: write them as regex literals').toEqual([]);
    // A pattern outside any step's describe (a helper several steps share) may be quoted anywhere.
    const missing = patterns
      .filter((p) => !(p.step === undefined ? everywhere : (steps[p.step - 1] ?? [])).some((q) => p.regex?.test(q)))
      .map((p) => `${spec}:${p.line} ${p.text}${p.step === undefined ? '' : ` (step ${p.step})`}`);
    expect(missing, `no message quoted in ${readmeName}, in the step of the spec, matches these patterns`).toEqual([]);
  });
});
