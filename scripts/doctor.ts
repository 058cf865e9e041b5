/**
 * `npm run doctor`: what a bug report needs, and each problem found with its fix.
 *
 *   npm run doctor             the report (paste it into an issue)
 *   npm run doctor -- --json   the same facts as JSON
 *
 * It looks at the system (OS, Node, npm), the installed packages, the TensorFlow.js oracle
 * (which backend, and why not the others: it loads each and runs its smoke test), how saves
 * are watched, the tools some commands need (Chromium, bubblewrap), the kata's version and
 * git tree, and the progress file. It changes nothing. Exit code 1 when a problem stops the
 * kata from working (not for warnings).
 */
import { spawnSync } from 'node:child_process';
import { type as osType, release } from 'node:os';
import { plural } from '../lib/format.ts';
import { backendOrder, chooseBackend, requestedBackend } from '../lib/oracle.ts';
import { startCli } from './lib/cli.ts';
import {
  type Check,
  dependencyChecks,
  nodeCheck,
  npmVersion,
  readPackage,
  recommendedNode,
  renderChecks,
  stateCheck,
} from './lib/doctor.ts';
import { ROOT } from './lib/exercises.ts';
import { kataMode } from './lib/kata-stubs.ts';
import { explainWatch, isWsl, watchMode } from './lib/watch-mode.ts';
import { parseState, statePath } from './runner/state.ts';
import { findChromium } from './ui-check.ts';

const { args, style, exercises } = startCli(import.meta.url, process.argv.slice(2), { json: { type: 'boolean' } });
const pkg = readPackage(ROOT);
const checks: Check[] = [];

// The system
const wsl = isWsl() ? ' under WSL' : '';
checks.push({
  section: 'system',
  label: 'OS',
  level: 'info',
  detail: `${osType()} ${release()} (${process.platform}-${process.arch})${wsl}`,
});
checks.push(nodeCheck(process.version, pkg.engines?.node ?? '>=0', new Date(), recommendedNode(ROOT)));
const npm = npmVersion();
checks.push(
  npm
    ? { section: 'system', label: 'npm', level: 'ok', detail: npm }
    : {
        section: 'system',
        label: 'npm',
        level: 'fail',
        detail: 'not found',
        fix: 'npm comes with Node: reinstall Node',
      },
);

// The packages
checks.push(...dependencyChecks(ROOT, pkg));

// The oracle: the backend the specs will use, and why not the ones before it.
try {
  const forced = requestedBackend();
  const choice = await chooseBackend(backendOrder());
  checks.push({
    section: 'oracle',
    label: 'backend',
    level: 'ok',
    detail: `${choice.backend}${forced ? ' (KATA_TF_BACKEND)' : ''}: loaded, and its smoke test (one tf.matMul) passed`,
  });
  for (const line of choice.passedOver) {
    checks.push({
      section: 'oracle',
      label: 'passed over',
      level: 'warn',
      detail: line,
      fix: 'the specs still run, on a slower backend; `npm ci` reinstalls the packages',
    });
  }
} catch (e) {
  checks.push({
    section: 'oracle',
    label: 'backend',
    level: 'fail',
    detail: (e as Error).message.replace(/\n\s*/g, '; '),
    fix: 'run `npm ci`; if KATA_TF_BACKEND is set, unset it to let the kata choose',
  });
}

// Watching saves
const watch = watchMode({ root: ROOT });
checks.push({
  section: 'watch',
  label: watch.poll ? 'polling' : 'native',
  level: 'ok',
  detail: explainWatch(watch, ROOT),
});

// Tools some commands need
const chromium = findChromium();
checks.push(
  chromium
    ? {
        section: 'tools',
        label: 'Chromium',
        level: 'ok',
        detail: `${chromium} (npm run ui-check and the browser tests)`,
      }
    : {
        section: 'tools',
        label: 'Chromium',
        level: 'info',
        detail: 'not found: only the browser checks need it (npm run ui-check; npm test skips them outside CI)',
        fix: 'Debian/Ubuntu: sudo apt-get install -y chromium, or set KATA_CHROMIUM=/path/to/chrome',
      },
);
if (process.platform === 'linux') {
  const { detectSandbox } = await import('./grade/sandbox.ts');
  const sandbox = detectSandbox();
  checks.push(
    sandbox.isolated
      ? {
          section: 'tools',
          label: 'bubblewrap',
          level: 'ok',
          detail: `${sandbox.how} (npm run grade isolates learner code)`,
        }
      : {
          section: 'tools',
          label: 'bubblewrap',
          level: 'info',
          detail: `cannot sandbox: ${sandbox.reason} (only instructors grading need it)`,
        },
  );
} else {
  checks.push({
    section: 'tools',
    label: 'bubblewrap',
    level: 'info',
    detail: `not on ${process.platform}: npm run grade reports "not isolated" here (only instructors grading need it)`,
  });
}

// The kata
const git = (...a: string[]) => {
  const r = spawnSync('git', a, { cwd: ROOT, encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : null;
};
const head = git('rev-parse', '--short', 'HEAD');
const branch = git('rev-parse', '--abbrev-ref', 'HEAD');
const changed = git('status', '--porcelain', '--untracked-files=no')?.split('\n').filter(Boolean).length ?? 0;
checks.push({
  section: 'kata',
  label: 'version',
  level: 'info',
  detail: `${pkg.version ?? '?'}${head ? ` at ${head}${branch && branch !== 'HEAD' ? ` on ${branch}` : ''}` : ' (not a git checkout)'}${
    changed > 0 ? `, ${plural(changed, 'changed file')}` : ''
  }`,
});
try {
  const copy = kataMode(ROOT);
  checks.push({
    section: 'kata',
    label: 'tree',
    level: 'info',
    detail: `${copy.mode === 'learner' ? "a learner's copy" : "the kata's own (maintainer)"}: ${copy.reason}`,
  });
} catch (e) {
  checks.push({
    section: 'kata',
    label: 'tree',
    level: 'warn',
    detail: (e as Error).message,
    fix: 'unset KATA_MODE, or set it to maintainer or learner',
  });
}
checks.push(stateCheck(ROOT, statePath(ROOT), parseState, exercises.length));

if (args.values.json) console.log(JSON.stringify({ checks }, null, 2));
else console.log(`${style.bold('Gradient Katas — doctor')}${renderChecks(checks, style)}`);
process.exitCode = checks.some((c) => c.level === 'fail') ? 1 : 0;
