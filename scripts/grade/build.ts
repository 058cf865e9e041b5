/**
 * Building the manifest of a kata tree: the runner settings of its vitest config, and every
 * spec's test names, collected (`vitest list`: loaded, not run) against the reference
 * solutions in a throwaway tree with KATA_SEED=42, so the result is the same on every machine.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Manifest, type RunnerConfig, writeManifest } from './manifest-file.ts';
import { protectedFiles } from './protected-files.ts';
import { runVitest } from './run.ts';
import { dedupe } from './test-status.ts';
import { buildTree, removeTree } from './tree.ts';

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** vitest options a grading run sets itself: what runs, where, how many at once, reported how. */
const GRADER_OWNS = new Set([
  'setupFiles',
  'globalSetup',
  'testTimeout',
  'hookTimeout',
  'projects',
  'workspace',
  'include',
  'exclude',
  'includeSource',
  'dir',
  'root',
  'name',
  'reporters',
  'outputFile',
  'pool',
  'poolOptions',
  'maxWorkers',
  'minWorkers',
  'fileParallelism',
  'isolate',
  'watch',
  'ui',
  'open',
  'api',
  'browser',
  'coverage',
  'benchmark',
  'typecheck',
  'silent',
  'cache',
  // NOTE: experimental.fsModuleCache would keep transformed specs in the grader's node_modules,
  // where one learner's code could write an entry that the next learner's run loads.
  'experimental',
  'allowOnly',
  'passWithNoTests',
  'bail',
  'retry',
  'shard',
  'sequence',
  'teardownTimeout',
]);

/** Numbers, strings, booleans, null, arrays and plain objects of those: what survives JSON. */
function plainData(v: unknown): boolean {
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every(plainData);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.values(v as object).every(plainData);
  }
  return false;
}

/** setupFiles, globalSetup, the timeouts and other plain options of the kata's vitest config (its top-level `test`). */
export async function runnerConfig(root: string): Promise<RunnerConfig> {
  const mod = (await import(pathToFileURL(path.join(root, 'vitest.config.ts')).href)) as { default: unknown };
  const config = (await (typeof mod.default === 'function'
    ? mod.default({ mode: 'test', command: 'serve' })
    : mod.default)) as {
    test?: Record<string, unknown>;
  };
  const test = config.test ?? {};
  return {
    setupFiles: asList(test.setupFiles),
    globalSetup: asList(test.globalSetup),
    testTimeout: typeof test.testTimeout === 'number' ? test.testTimeout : 5_000,
    hookTimeout: typeof test.hookTimeout === 'number' ? test.hookTimeout : 10_000,
    options: Object.fromEntries(
      Object.keys(test)
        .sort()
        .filter((k) => !GRADER_OWNS.has(k) && plainData(test[k]))
        .map((k) => [k, test[k]]),
    ),
  };
}

/** Each spec's test names, collected against the reference solutions in a throwaway tree. */
export async function collectTests(
  root: string,
  files: string[],
  runner: RunnerConfig,
): Promise<Map<string, string[]>> {
  const specs = files.filter((f) => f.startsWith('exercises/') && f.endsWith('.spec.ts'));
  const tree = buildTree({
    from: root,
    files,
    packageJson: { type: 'module' },
    codeDir: path.join(root, 'solutions'),
    nodeModules: path.join(root, 'node_modules'),
  });
  try {
    // the kata's own specs against its own solutions: nothing untrusted runs, no sandbox needed
    const run = await runVitest({
      tree: tree.root,
      include: specs,
      runner,
      testTimeoutMs: runner.testTimeout,
      timeoutMs: 300_000,
      memoryMb: 4096,
      seed: 42,
      mode: 'list',
      nodeModules: path.join(root, 'node_modules'),
      isolation: { isolated: false, how: 'none', reason: 'the kata’s own code', bwrap: null },
    });
    const tests = new Map<string, string[]>();
    const failed: string[] = [];
    for (const spec of specs) {
      const names = (run.collected.get(spec) ?? []).map((t) => t.name);
      if (names.length === 0) failed.push(spec);
      tests.set(spec, dedupe(names));
    }
    if (failed.length) {
      const why = run.stderr.trim().split('\n').slice(-25).join('\n');
      throw new Error(
        `could not collect the tests of ${failed.join(', ')} against solutions/ (${run.status}):\n${why}`,
      );
    }
    return tests;
  } finally {
    removeTree(tree.root);
  }
}

/** Writes grading/manifest.json for the kata at `root`. */
export async function buildManifest(root: string): Promise<Manifest> {
  const runner = await runnerConfig(root);
  const files = protectedFiles(root, runner);
  return writeManifest(root, runner, await collectTests(root, files, runner));
}
