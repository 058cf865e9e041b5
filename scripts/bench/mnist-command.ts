/**
 * `npm run bench -- --only mnist-command`: `npm run mnist` with its defaults (5 epochs from
 * scratch), run as npm runs it in a process of its own and timed from start to exit, loading
 * MNIST, the evaluations and the charts included. Its report goes to a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../lib/exercises.ts';
import { type Bench, fmt, table } from './report.ts';

const LIMIT_SECONDS = 20;

export function benchMnistCommand(bench: Bench): void {
  const out = mkdtempSync(path.join(tmpdir(), 'kata-bench-mnist-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', './scripts/register.mjs', 'scripts/mnist.ts', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const seconds = (performance.now() - t0) / 1000;
  rmSync(out, { recursive: true, force: true });
  const accuracy = Number(/Test accuracy:\s+([\d.]+)%/.exec(r.stdout ?? '')?.[1] ?? Number.NaN);
  const epochs = [...(r.stdout ?? '').matchAll(/^Epoch (\d+)\//gm)].length;
  bench.results.mnistCommand = { seconds, exitCode: r.status, testAccuracy: accuracy / 100, epochs };
  table(
    'npm run mnist, its defaults (5 epochs from scratch), start to exit in a process of its own',
    ['command', 'seconds', 'test accuracy', 'exit code'],
    [['npm run mnist', fmt(seconds, 1), `${fmt(accuracy)}%`, String(r.status)]],
  );
  if (r.status !== 0) console.log(r.stderr);
  bench.targets.push({
    name: `npm run mnist (5 epochs) ≤ ${LIMIT_SECONDS} s wall`,
    met: r.status === 0 && seconds <= LIMIT_SECONDS,
    detail: `${fmt(seconds, 1)} s, test accuracy ${fmt(accuracy)}%, exit code ${r.status}`,
  });
}
