/**
 * StrykerJS for one exercise: its config (written beside its reports, so a run can be repeated
 * by hand with `node scripts/mutation/node_modules/@stryker-mutator/core/bin/stryker.js run
 * <that file>` and the same environment), the environment its Vitest needs, a Node new enough
 * to run it, and StrykerJS itself: it lives in scripts/mutation/ with a lockfile of its own, out
 * of the kata's dependencies (it needs Node 22, and a learner's install would carry 180
 * packages and as many engine warnings for a maintainers' tool), installed on first use.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Exercise, ROOT } from '../lib/exercises.ts';
import { rel } from '../lib/files.ts';
import { BIN } from '../lib/proc.ts';

export const REPORTS = path.join(ROOT, 'reports', 'mutation');
export const TOOLS = path.join(ROOT, 'scripts', 'mutation');

/**
 * Installs StrykerJS into scripts/mutation/node_modules from its lockfile when it is not there
 * (npm ci; --legacy-peer-deps, so that its Vitest runner finds the kata's own Vitest).
 * Returns a line to print, or null when it was already installed. Throws when npm fails.
 */
export function ensureStryker(env = process.env): string | null {
  if (existsSync(BIN.stryker)) return null;
  const npm = npmCli(env);
  if (!npm) throw new Error('StrykerJS is not installed in scripts/mutation/, and npm was not found to install it');
  const r = spawnSync(
    process.execPath,
    [npm, 'ci', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', TOOLS],
    { encoding: 'utf8', env: { ...env, npm_config_update_notifier: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (r.status !== 0 || !existsSync(BIN.stryker)) {
    throw new Error(`could not install StrykerJS into scripts/mutation/ (npm ci):\n${(r.stderr || r.stdout).trim()}`);
  }
  return 'StrykerJS installed into scripts/mutation/node_modules (its own lockfile, once)';
}
/** StrykerJS 10 refuses to start on an older Node (its Babel 8 needs 22.18). */
export const STRYKER_NODE = 22;

export function reportDir(ex: Exercise): string {
  return path.join(REPORTS, ex.name);
}

export interface StrykerRun {
  concurrency?: number;
  incremental: boolean;
  threshold: number;
}

/** StrykerJS' options for one exercise (its JSON config file). */
export function strykerConfig(ex: Exercise, run: StrykerRun): Record<string, unknown> {
  const dir = rel(ROOT, reportDir(ex));
  return {
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner'],
    // related: false — the config already runs this exercise's spec only, and Vitest's guess of
    // the related specs would have to see through the plugin's redirect.
    vitest: { configFile: 'scripts/mutation/vitest.config.ts', related: false },
    mutate: [`solutions/${ex.name}/**/*.ts`],
    // Each mutant runs only the tests that execute its code: on average 4 of 01's 29 tests, 6 of 10's 32.
    coverageAnalysis: 'perTest',
    // A mutant times out after timeoutFactor × its tests' time in the first run + timeoutMS, and
    // counts as killed. StrykerJS' defaults (1.5×, 5 s) timed out 53 of 341 mutants of 10-mnist
    // on a loaded 2-core machine, most of them not loops at all but slowed-down training specs:
    // a timeout must mean an endless loop, not a busy machine.
    timeoutFactor: 3,
    timeoutMS: 10_000,
    ...(run.concurrency === undefined ? {} : { concurrency: run.concurrency }),
    // Every run writes the incremental file (force: test every mutant all the same), so that
    // --incremental after a plain run reuses that run's results. NOTE: StrykerJS compares the
    // solution and the spec only; after a change to lib/, run without --incremental.
    incremental: true,
    force: !run.incremental,
    incrementalFile: `${dir}/incremental.json`,
    reporters: ['html', 'json', 'progress'],
    htmlReporter: { fileName: `${dir}/index.html` },
    jsonReporter: { fileName: `${dir}/mutation.json` },
    // Colours of the HTML report only: npm run mutate judges the score itself, equivalent mutants left out.
    thresholds: { high: run.threshold, low: Math.max(0, run.threshold - 10), break: null },
    // One sandbox folder per exercise: StrykerJS deletes the whole folder after a run, and two
    // runs on different exercises must not delete each other's sandboxes.
    tempDirName: `${dir}/sandbox`,
    // StrykerJS 10 no longer leaves out /reports by itself: without it, a run copied the
    // sandboxes of the other exercises' runs into its own, and failed when they went away.
    ignorePatterns: ['/reports', '/grading', '/.kata', '/plots', '/coverage', '/scripts/mutation/node_modules'],
  };
}

/** What the Vitest inside StrykerJS' test runners reads from the environment. */
export function strykerEnv(ex: Exercise): NodeJS.ProcessEnv {
  return {
    KATA_MUTATE_SPEC: `exercises/${ex.name}/${path.basename(ex.spec)}`,
    // The on-disk transform cache lives in node_modules, which the sandbox links to the
    // repository's own: instrumented solutions would land in the cache the kata's runs use.
    KATA_VITEST_CACHE: '0',
    KATA_QUIET: '1',
  };
}

export function nodeMajor(version: string): number {
  return Number(version.replace(/^v/, '').split('.')[0]);
}

/** One of npm's own scripts (npx-cli.js, npm-cli.js), run with this node (no shell: they are .cmd files on Windows). */
function npmScript(env: NodeJS.ProcessEnv, name: string): string | null {
  const bin = path.dirname(process.execPath);
  const candidates = [
    env.npm_execpath ? path.join(path.dirname(env.npm_execpath), name) : '',
    path.join(bin, 'node_modules', 'npm', 'bin', name),
    path.join(bin, '..', 'lib', 'node_modules', 'npm', 'bin', name),
  ];
  return candidates.find((c) => c !== '' && existsSync(c)) ?? null;
}

const npxCli = (env: NodeJS.ProcessEnv) => npmScript(env, 'npx-cli.js');
const npmCli = (env: NodeJS.ProcessEnv) => npmScript(env, 'npm-cli.js');

function versionOf(node: string): string | null {
  const r = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * The Node to run StrykerJS with: this one when it is new enough, else KATA_MUTATE_NODE, else
 * node@22 from the npm registry through npx (downloaded once into npm's cache). `note` says
 * which was chosen when it is not this one; `version`, its version. Throws when none can be had.
 */
export function strykerNode(env = process.env): { node: string; version: string; note?: string } {
  if (nodeMajor(process.versions.node) >= STRYKER_NODE)
    return { node: process.execPath, version: process.versions.node };
  const why = `StrykerJS 10 needs Node ≥ ${STRYKER_NODE}; this is ${process.version}`;
  const named = env.KATA_MUTATE_NODE;
  if (named) {
    const version = versionOf(named);
    if (version === null || nodeMajor(version) < STRYKER_NODE) {
      throw new Error(
        `${why}, and KATA_MUTATE_NODE=${named} is ${version ? `Node ${version}` : 'not a Node that runs'}`,
      );
    }
    return { node: named, version, note: `${why}: running it with KATA_MUTATE_NODE (Node ${version})` };
  }
  const npx = npxCli(env);
  const r = npx
    ? spawnSync(
        process.execPath,
        [npx, '--yes', `node@${STRYKER_NODE}`, '-e', 'process.stdout.write(process.execPath)'],
        {
          encoding: 'utf8',
          env: { ...env, npm_config_update_notifier: 'false' },
        },
      )
    : null;
  const node = r?.status === 0 ? r.stdout.trim() : '';
  const version = node && existsSync(node) ? versionOf(node) : null;
  if (version === null) {
    throw new Error(
      `${why}, and npx could not bring node@${STRYKER_NODE} from npm${r?.stderr ? `:\n${r.stderr.trim()}` : ''}.\n` +
        `Run it with Node ${STRYKER_NODE} or later, or set KATA_MUTATE_NODE to such a node.`,
    );
  }
  return { node, version, note: `${why}: running it with Node ${version} from npm (npx node@${STRYKER_NODE})` };
}
