/**
 * `npm run manifest`: writes grading/manifest.json: the sha256 and git blob id of every
 * protected file (what the specs, their setup, the judges and the solutions load) and the test
 * names of every spec, which `npm run grade` checks its own files and every submission
 * against. Run it after changing any of those; `npm test` fails while the manifest is stale.
 *
 *   npm run manifest             write it
 *   npm run manifest -- --check  only say whether it is fresh (exit 1 if not)
 *   npm run manifest -- --help   this text
 *
 * Deterministic: sorted paths, LF-normalised hashes, test names collected with KATA_SEED=42
 * against the reference solutions (`vitest list`: the specs are loaded, not run).
 */

import { buildManifest } from './grade/build.ts';
import { staleness } from './grade/manifest-checks.ts';
import { MANIFEST } from './grade/manifest-file.ts';
import { commandArgs } from './lib/args.ts';
import { ROOT } from './lib/exercises.ts';

const { values } = commandArgs(import.meta.url, process.argv.slice(2), { check: { type: 'boolean' } });

async function main(): Promise<number> {
  if (values.check) {
    const problems = staleness(ROOT);
    if (problems.length === 0) {
      console.log(`${MANIFEST} is up to date`);
      return 0;
    }
    console.error(`${MANIFEST} is stale: run npm run manifest\n  ${problems.join('\n  ')}`);
    return 1;
  }
  const started = Date.now();
  const manifest = await buildManifest(ROOT);
  const count = manifest.exercises.reduce((a, e) => a + e.specs.reduce((b, s) => b + s.tests.length, 0), 0);
  console.log(
    `${MANIFEST}: ${Object.keys(manifest.files).length} protected files, ${manifest.exercises.length} exercises, ${count} tests (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`manifest: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
