/**
 * grading/manifest.json must describe the kata as it is: every protected file (what the specs,
 * their setup, the judges and the solutions load) with its current hash and git blob id, and
 * every exercise and the stubs it ships. When this fails, run `npm run manifest` and commit
 * grading/manifest.json. On a learner's copy the exercise code is the learner's, so there the
 * manifest is only checked to describe the kata's files as they are (nothing of the kata changed).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runnerConfig } from '../../scripts/grade/build.ts';
import { compareWithManifest, staleness } from '../../scripts/grade/manifest-checks.ts';
import { readManifest } from '../../scripts/grade/manifest-file.ts';
import { protectedFiles } from '../../scripts/grade/protected-files.ts';
import { ROOT } from '../../scripts/lib/exercises.ts';
import { kataMode } from '../../scripts/lib/kata-stubs.ts';

const mode = kataMode(ROOT);

describe('the grading manifest', () => {
  // one test either way: on a learner's copy the stubs are the learner's, but the kata's files must not change
  it("is up to date (else: run npm run manifest), or on a learner's copy matches the kata's files", () => {
    if (mode.mode === 'maintainer') {
      expect(staleness(ROOT), 'grading/manifest.json is stale: run npm run manifest').toEqual([]);
      return;
    }
    const { modified, deleted, refused } = compareWithManifest(readManifest(ROOT), ROOT);
    expect(
      [...modified, ...deleted, ...refused],
      `files of the kata that differ from grading/manifest.json (learner's copy: ${mode.reason}); undo with git checkout -- <file>`,
    ).toEqual([]);
  });

  it('protects what the specs, their setup, the judges and the solutions load, and no exercise code', async () => {
    const files = protectedFiles(ROOT, await runnerConfig(ROOT));
    for (const f of [
      'vitest.config.ts',
      'lib/setup.ts',
      'lib/global-setup.ts',
      'grading/judge/api.ts',
      'grading/judge/runner.ts',
    ]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.endsWith('.spec.ts')).length).toBe(11);
    expect(files.filter((f) => f.startsWith('grading/judges/')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith('solutions/')).length).toBe(11);
    expect(files.filter((f) => f.startsWith('exercises/') && !/\.spec\.ts$|\/meta\.json$/.test(f))).toEqual([]);
    expect(files).toContain('data/backprop-2-2-2.json');
  });

  it('leaves out what no spec, judge or solution loads, so changing it needs no refresh', async () => {
    const files = protectedFiles(ROOT, await runnerConfig(ROOT));
    for (const f of [
      'scripts/lib/svg.ts',
      'scripts/lib/terminal-pictures.ts',
      'scripts/plot.ts',
      'scripts/start.ts',
      'data/README.md',
    ]) {
      expect(existsSync(path.join(ROOT, f)), f).toBe(true);
      expect(files).not.toContain(f);
    }
  });

  it('names every protected file by its sha256 and its git blob id, and keeps no copies', () => {
    const m = readManifest(ROOT);
    for (const [f, entry] of Object.entries(m.files)) {
      expect(entry.sha256, f).toMatch(/^[0-9a-f]{64}$/);
      if (f !== 'package.json') expect(entry.git, f).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(m).not.toHaveProperty('pristine');
  });

  it("passes the config's plain options on to grading runs, but not the on-disk module cache", async () => {
    const runner = await runnerConfig(ROOT);
    expect(runner.setupFiles).toEqual(['lib/setup.ts']);
    expect(runner.options).toHaveProperty('chaiConfig');
    // a learner's run could write a cache entry that the next learner's run would load
    expect(runner.options).not.toHaveProperty('experimental');
  });
});
