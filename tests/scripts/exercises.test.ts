import { describe, expect, it } from 'vitest';
import { findExercise, listExercises, optionalSteps, parseHints, parseSteps } from '../../scripts/lib/exercises.ts';

describe('the exercise list', () => {
  it('reads the folders in order, with their files and titles', () => {
    const all = listExercises();
    expect(all[0]?.name).toBe('01-tensors');
    expect(all[0]?.title).toBe('Tensors: rank, shape, slicing and the batch axis');
    expect(all[0]?.stub.replaceAll('\\', '/')).toMatch(/exercises\/01-tensors\/tensors\.ts$/);
    expect(all[0]?.solution.replaceAll('\\', '/')).toMatch(/solutions\/01-tensors\/tensors\.ts$/);
  });

  it('finds an exercise by number, slug or name, and lists the choices otherwise', () => {
    expect(findExercise('1').name).toBe('01-tensors');
    expect(findExercise('01').name).toBe('01-tensors');
    expect(findExercise('tensors').name).toBe('01-tensors');
    expect(findExercise('01-tensors').name).toBe('01-tensors');
    expect(() => findExercise('99')).toThrow(/no exercise "99": choose one of 01-tensors/);
  });
});

describe('README and HINTS parsing', () => {
  it('parseSteps reads the numbered list under ## Steps (or ## 단계)', () => {
    const md = '# T\n\n## Steps\n\n1. **a** — one\n   more\n2. two\n\n## Notes\n\n1. not a step\n';
    expect(parseSteps(md)).toEqual(['**a** — one', 'two']);
    expect(parseSteps('## 단계\n1. 하나\n')).toEqual(['하나']);
    expect(parseSteps('# nothing')).toEqual([]);
  });

  it('optionalSteps lists the steps marked _(optional)_ or _(선택)_ on their first line', () => {
    const md = '## Steps\n\n1. **a**\n2. _(optional)_ **b**\n   _(optional)_ further down\n3. c\n4. _(optional)_ d\n';
    expect(optionalSteps(md)).toEqual([2, 4]);
    expect(optionalSteps('## 단계\n1. 하나\n2. _(선택)_ 둘\n')).toEqual([2]);
    expect(optionalSteps('## Steps\n1. a (optional)\n')).toEqual([]);
  });

  it('parseHints reads steps and their tiers, ignoring headings inside code fences', () => {
    const md = [
      '# Hints',
      '## Step 1: rank',
      '### Hint 1',
      'nudge',
      '### Hint 2',
      '```ts',
      '## Step 9: not a heading',
      '```',
      '## Step 2: shape',
      '### Hint 1',
      'look',
    ].join('\n');
    const hints = parseHints(md);
    expect(hints.map((h) => [h.step, h.title, h.tiers.length])).toEqual([
      [1, 'rank', 2],
      [2, 'shape', 1],
    ]);
    expect(hints[0]?.tiers[0]).toBe('nudge');
    expect(hints[0]?.tiers[1]).toContain('## Step 9: not a heading');
  });
});
