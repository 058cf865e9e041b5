/**
 * `npm run mnist` end to end, made tiny (512 training images, 16 hidden units, one thread): one
 * epoch says "1 epoch", logs a training curve step by step into history.json with the test
 * set's result at the epoch's end, and draws that curve in curves.svg.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/exercises.ts';
import { tagsOf } from '../support/well-formed.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-mnist-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function mnist(...args: string[]) {
  return spawnSync(process.execPath, ['--import', './scripts/register.mjs', 'scripts/mnist.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}

describe('npm run mnist', () => {
  it('one epoch: "1 epoch", a step-by-step curve in history.json and curves.svg', () => {
    const out = path.join(tmp, 'one');
    // 512 images in batches of 64: 8 steps, each logged.
    const r = mnist(
      '--epochs',
      '1',
      '--train-size',
      '512',
      '--batch-size',
      '64',
      '--hidden',
      '16',
      '--workers',
      '0',
      '--out',
      out,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('512 training images, 10,000 test images');
    expect(r.stdout).toMatch(/batch 64, 1 epoch, seed 42, engine scratch \(1 thread\)/);
    expect(r.stdout).not.toMatch(/\b1 epochs\b|\b1 threads\b/);
    expect(r.stdout).toMatch(/Epoch time: \d+\.\d s\n/);
    expect(r.stdout).toMatch(/Training loss\n[\s\S]*epoch 0 +epoch 1\n/);

    const report = JSON.parse(readFileSync(path.join(out, 'history.json'), 'utf8'));
    expect(report.stepsPerEpoch).toBe(8);
    expect(report.logEvery).toBe(1);
    expect(report.steps).toHaveLength(8);
    expect(report.steps.map((s: { step: number }) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(report.steps.at(-1)).toMatchObject({ step: 8, epoch: 1, samples: 64 });
    for (const s of report.steps) {
      expect(s.loss).toBeGreaterThan(0);
      expect(s.accuracy).toBeGreaterThanOrEqual(0);
      expect(s.accuracy).toBeLessThanOrEqual(1);
    }
    // The epoch's History entry is the mean of its steps, and carries the test result at its end.
    const [epoch] = report.history;
    const mean = report.steps.reduce((sum: number, s: { loss: number }) => sum + s.loss, 0) / 8;
    expect(epoch.loss).toBeCloseTo(mean, 10);
    expect(epoch.test_accuracy).toBe(report.test.accuracy);
    expect(epoch.test_loss).toBe(report.test.loss);

    const svg = readFileSync(path.join(out, 'curves.svg'), 'utf8');
    tagsOf(svg);
    expect(svg).toContain(', 1 epoch</text>');
    expect(svg).toContain('>epoch (8 steps each)<');
    const curves = [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => (m[1] as string).split(' ').length);
    expect(curves).toEqual([8, 8]);
  }, 120_000); // a busy machine takes seconds just to start the script: time limits, not timings

  it('refuses a --log-every that is not a positive integer, naming it', () => {
    const r = mnist('--log-every', '0');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--log-every must be an integer from 1 to 1000000, got "0"');
  }, 60_000);
});
