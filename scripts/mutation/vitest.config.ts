/**
 * The Vitest config StrykerJS runs (npm run mutate): the `solutions` project of the root
 * vitest.config.ts — its shared options and the plugin that sends a spec's imports of
 * exercises/NN-slug/x.ts to solutions/NN-slug/x.ts — narrowed to the one spec named by
 * KATA_MUTATE_SPEC (relative to the repository root), so a mutant runs its exercise's specs only.
 * StrykerJS runs it in its sandbox, a copy of the repository with the solution instrumented:
 * the root and the plugin's paths are the sandbox's, so the specs load the mutated copy.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base, { useSolutions } from '../../vitest.config.ts';

const spec = process.env.KATA_MUTATE_SPEC;
if (!spec) throw new Error('scripts/mutation/vitest.config.ts: KATA_MUTATE_SPEC must name the spec to run');
const { projects: _projects, ...shared } = base.test ?? {};

export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'),
  plugins: [useSolutions()],
  test: { ...shared, name: 'solutions', include: [spec], pool: 'threads' },
});
