/**
 * grading/manifest.json must describe the kata as it is: every protected file (specs, lib/,
 * data/, configs, what the specs import) with its current hash, a pristine copy of each, and
 * every exercise. When this fails, run `npm run manifest` and commit grading/.
 */
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../lib/exercises.ts';
import { runnerConfig } from '../../scripts/grade/build.ts';
import { protectedFiles, staleness } from '../../scripts/grade/manifest.ts';

describe('the grading manifest', () => {
  it('is up to date with the protected files (else: run npm run manifest)', () => {
    expect(staleness(ROOT), 'grading/manifest.json is stale: run npm run manifest').toEqual([]);
  });

  it('protects every spec, lib/ and the configs, and no exercise code or solution', () => {
    const files = protectedFiles(ROOT);
    expect(files).toContain('vitest.config.ts');
    expect(files).toContain('lib/setup.ts');
    expect(files.filter((f) => f.endsWith('.spec.ts')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith('solutions/'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('exercises/') && !/\.spec\.ts$|\/meta\.json$/.test(f))).toEqual([]);
  });

  it("passes the config's plain options on to grading runs, but not the on-disk module cache", async () => {
    const runner = await runnerConfig(ROOT);
    expect(runner.setupFiles).toEqual(['lib/setup.ts']);
    expect(runner.options).toHaveProperty('chaiConfig');
    // a learner's run could write a cache entry that the next learner's run would load
    expect(runner.options).not.toHaveProperty('experimental');
  });
});
