/**
 * Three projects share one config:
 *   exercises  the specs against the learner's code in exercises/ (npm start, npm run ui)
 *   solutions  the same spec files, with every import of exercises/NN-slug/x.ts sent to
 *              solutions/NN-slug/x.ts, so the reference solutions must pass them
 *   repo       the repository's own tests: lib/, scripts/, solutions vs TensorFlow.js, integrity
 * The specs run in worker threads (≈0.2 s less per run than a process each); the repo's own
 * tests keep vitest's default, a process per file, which they were written for.
 *
 * In VS Code's Vitest extension (it sets VITEST_VSCODE) only `exercises` is loaded: the learner
 * sees each spec once, run against their own code, not a second, green copy run against the
 * solutions. A maintainer who wants the others sets KATA_VSCODE_PROJECTS (e.g.
 * "exercises,solutions,repo") in the extension's `vitest.nodeEnv`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const root = path.dirname(fileURLToPath(import.meta.url));
const exercisesDir = path.join(root, 'exercises') + path.sep;

/** Sends imports of exercise code (never the specs themselves) to the reference solution. */
export function useSolutions(): Plugin {
  return {
    name: 'kata:use-solutions',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved || resolved.external) return null;
      const file = path.normalize(resolved.id.split('?')[0] as string);
      if (!file.startsWith(exercisesDir) || /\.(spec|test)\.ts$/.test(file)) return null;
      const target = path.join(root, 'solutions', file.slice(exercisesDir.length));
      if (!existsSync(target)) {
        this.error(`no reference solution for ${path.relative(root, file)}: expected ${path.relative(root, target)}`);
      }
      return target;
    },
  };
}

/**
 * Seconds the slowest test files took in one quiet run on 2 cores (8 December 2026), for runs
 * without Vitest's own timings (a fresh clone: CI, or a learner's first npm test). Only their
 * order matters: a long file that starts last makes the run as long as itself, and Vitest's
 * fallback order (the largest files first) started the sweep of two seeds, a 1 KB file, last.
 */
const SLOW_FILES: Record<string, number> = {
  'tests/grade/grade-learners.test.ts': 46,
  'tests/seeds.test.ts': 46,
  'tests/learner-copy.test.ts': 40,
  'tests/scripts/session.test.ts': 27,
  'tests/scripts/template.test.ts': 22,
  'tests/scripts/commands.test.ts': 22,
  'tests/grade/grade-cli.test.ts': 20,
  'tests/scripts/ui-check.test.ts': 14,
  'tests/scripts/bench.test.ts': 10,
  'tests/scripts/help.test.ts': 8,
  'tests/grade/grade-inputs.test.ts': 8,
  'tests/grade/roster.test.ts': 7,
};

/**
 * Vitest's order (project by project), with each project's files longest first: by Vitest's
 * timings of the last run where it has them, else by SLOW_FILES (the others after, in Vitest's order).
 */
export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const expected = (spec: TestSpecification) => {
      const file = path.relative(root, spec.moduleId);
      const last = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`);
      return last ? last.duration / 1000 : (SLOW_FILES[file.split(path.sep).join('/')] ?? 0);
    };
    const projects = [...new Set(ordered.map((spec) => spec.project.name))];
    return projects.flatMap((name) =>
      ordered.filter((spec) => spec.project.name === name).sort((a, b) => expected(b) - expected(a)),
    );
  }
}

const shared = {
  // Vite's transforms of the specs and lib/, kept on disk between runs (keyed by content and
  // config): about 0.4 s less per cold run of one exercise. KATA_VITEST_CACHE=0 turns it off;
  // `npx vitest --clearCache` empties it.
  experimental: { fsModuleCache: process.env.KATA_VITEST_CACHE !== '0' },
  setupFiles: ['lib/setup.ts'],
  globalSetup: ['lib/global-setup.ts'],
  testTimeout: 20_000,
  // Show whole error messages in failures (`toThrow(/…/)` would cut them at 40 characters,
  // hiding the shapes a learner needs).
  chaiConfig: { truncateThreshold: 0 },
  hookTimeout: 30_000,
};

/** The projects VS Code's Vitest extension loads; null outside it (all three). */
export function editorProjects(env: NodeJS.ProcessEnv = process.env): string[] | null {
  if (!env.VITEST_VSCODE) return null;
  return (env.KATA_VSCODE_PROJECTS || 'exercises').split(',').map((p) => p.trim());
}

const inEditor = editorProjects();

export default defineConfig({
  test: {
    ...shared,
    sequence: { sequencer: LongestFirst },
    projects: (
      [
        {
          extends: true,
          test: { name: 'exercises', include: ['exercises/**/*.spec.ts'], pool: 'threads' },
        },
        {
          extends: true,
          plugins: [useSolutions()],
          test: { name: 'solutions', include: ['exercises/**/*.spec.ts'], pool: 'threads' },
        },
        {
          extends: true,
          test: { name: 'repo', include: ['tests/**/*.test.ts'] },
        },
      ] satisfies TestProjectInlineConfiguration[]
    ).filter((p) => inEditor === null || inEditor.includes(p.test.name)),
  },
});
