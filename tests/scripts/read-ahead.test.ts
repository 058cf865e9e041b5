/**
 * The spare threads of `npm start` read ahead what the focused exercise's spec reads (MNIST,
 * lib/read-ahead.ts), on a runnable fake kata whose 02-beta spec reads a small MNIST folder
 * (KATA_MNIST_DIR) and says what it was handed: each run its own fresh copy — never the bytes
 * an earlier run changed, never bytes of a file that changed since.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../lib/idx.ts';
import { makeRunnableKata } from './fake-kata.ts';

const root = makeRunnableKata();
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mnist = path.join(root, 'mnist');
mkdirSync(mnist);
const labels = (n: number) =>
  encodeIdx(
    'uint8',
    [n],
    Array.from({ length: n }, (_, i) => i % 10),
  );
writeFileSync(path.join(mnist, 'train-images-idx3-ubyte'), encodeIdx('uint8', [2, 28, 28], new Uint8Array(2 * 784)));
writeFileSync(path.join(mnist, 'train-labels-idx1-ubyte'), labels(2));
writeFileSync(path.join(mnist, 't10k-images-idx3-ubyte'), encodeIdx('uint8', [1, 28, 28], new Uint8Array(784)));
writeFileSync(path.join(mnist, 't10k-labels-idx1-ubyte'), labels(1));

// What the run was handed for the train labels: their eighth byte (the count's last: 2, or 1
// once the probe rewrites them), or none; then it spoils the bytes, as a learner's code
// changing MNIST in place would.
writeFileSync(
  path.join(root, 'exercises', '02-beta', 'beta.spec.ts'),
  `import { it } from 'vitest';
import { mnistFiles } from '../../lib/mnist-data.ts';
import { takeReadAhead } from '../../lib/read-ahead.ts';
import { neg } from './beta.ts';

it('says what was read ahead', () => {
  const bytes = takeReadAhead(mnistFiles()[1] as string);
  console.log(\`ahead \${bytes ? bytes[7] : 'none'}\`);
  if (bytes) bytes.fill(99);
  neg(1);
});
`,
);

writeFileSync(
  path.join(root, 'probe-ahead.ts'),
  `import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findExercise } from './scripts/lib/exercises.ts';
import type { ExerciseResult } from './scripts/runner/spec-results.ts';
import { SpecSession } from './scripts/runner/session.ts';

const root = process.cwd();
const wait = async (ms: number) => new Promise((r) => setTimeout(r, ms));
let reruns: ExerciseResult[] = [];
const session = await SpecSession.start({ root, watch: true, poll: true, onRerunResult: (r) => reruns.push(r) });
/** Saves the exercise's code and returns what its rerun logged, after the spares had time to get ready. */
async function save(ex: ReturnType<typeof findExercise>): Promise<string[] | undefined> {
  await wait(1000);
  reruns = [];
  utimesSync(ex.stub, new Date(), new Date());
  for (let i = 0; i < 150 && reruns.length === 0; i++) await wait(100);
  return reruns[0]?.logs;
}
const beta = findExercise('02', root);
session.focus(beta);
const out: Record<string, unknown> = { first: (await session.run([beta], { quick: true })).get(beta.name)?.logs };
out.save1 = await save(beta);
out.save2 = await save(beta);
await wait(1000); // the spare for the next run has read the labels (on a loaded machine, maybe not)
writeFileSync(path.join(root, 'mnist', 'train-labels-idx1-ubyte'), new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 7]));
out.changed = await save(beta);
console.log(JSON.stringify(out));
await session.close();
process.exit(0);
`,
);

describe('files read ahead by the spare threads', () => {
  it('each run of an exercise that reads MNIST gets a fresh copy, never a spoiled or outdated one', () => {
    const r = spawnSync(process.execPath, ['--import', './scripts/register.mjs', 'probe-ahead.ts'], {
      cwd: root,
      env: { ...process.env, KATA_MNIST_DIR: mnist, KATA_RUNS: '' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('{')) ?? '{}');
    // A thread started for the first run reads ahead too; every later run is a new thread.
    expect(out.first).toEqual(['ahead 2']);
    expect(out.save1).toEqual(['ahead 2']);
    expect(out.save2).toEqual(['ahead 2']);
    // Never the labels as they were before the rewrite. A spare that read them before it hands
    // out nothing and the run reads them itself (a quiet machine); one that a loaded machine
    // held back until after the rewrite hands out the new ones, as fresh as the run's own read.
    expect([['ahead none'], ['ahead 1']]).toContainEqual(out.changed);
  }, 120_000);
});
