/**
 * The checked-in list of equivalent mutants (scripts/mutation/equivalent.json), which npm run
 * mutate takes out of the survivors: well-formed, and every entry still names code that exists.
 * Whether an entry still names a surviving mutant only a StrykerJS run can tell (npm run mutate says so).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listExercises } from '../../scripts/lib/exercises.ts';
import { EQUIVALENT_LIST, formProblems, loadEquivalents, staleCode } from '../../scripts/mutation/equivalent.ts';

describe('scripts/mutation/equivalent.json', () => {
  it('is well-formed: file, mutator, original, replacement, line hint and a reason per entry', () => {
    expect(formProblems(JSON.parse(readFileSync(EQUIVALENT_LIST, 'utf8')))).toEqual([]);
  });

  it("names only existing exercises' solution files, and text that is still in them", () => {
    const entries = loadEquivalents();
    const solutions = listExercises().map((e) => `solutions/${e.name}/`);
    expect(entries.filter((e) => !solutions.some((dir) => e.file.startsWith(dir))).map((e) => e.file)).toEqual([]);
    expect(staleCode(entries)).toEqual([]);
  });
});
