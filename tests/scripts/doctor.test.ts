import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Check, dependencyChecks, nodeCheck, renderChecks, stateCheck } from '../../scripts/lib/doctor.ts';
import { ROOT } from '../../scripts/lib/exercises.ts';
import { makeStyle } from '../../scripts/lib/term.ts';
import { parseState, statePath } from '../../scripts/runner/state.ts';
import { tempDir } from './fake-kata.ts';

const root = tempDir('kata-doctor-');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const day = new Date('2026-12-07T12:00:00Z');

describe('npm run doctor', () => {
  it('judges Node by engines and by the release schedule', () => {
    expect(nodeCheck('v20.20.2', '>=20.19', day, '24')).toMatchObject({
      level: 'warn',
      detail: 'v20.20.2: Node 20 reached its end of life on 2026-04-30',
      fix: expect.stringContaining('install Node 24'),
    });
    expect(nodeCheck('v20.18.0', '>=20.19', day, '24')).toMatchObject({
      level: 'fail',
      detail: 'v20.18.0 is older than the kata needs (>=20.19)',
    });
    expect(nodeCheck('v25.2.0', '>=20.19', day, '24')).toMatchObject({
      level: 'warn',
      detail: 'v25.2.0 is not a long-term-support release',
    });
    expect(nodeCheck('v24.21.0', '>=20.19', day, '24')).toEqual({
      section: 'system',
      label: 'Node',
      level: 'ok',
      detail: 'v24.21.0 (supported until 2028-04-30)',
    });
    // Before its end of life, Node 20 was fine.
    expect(nodeCheck('v20.20.2', '>=20.19', new Date('2026-01-01'), '24').level).toBe('ok');
  });

  it('finds missing and drifted packages, and calls the optional tfjs-node optional', () => {
    const pkg = {
      dependencies: { alpha: '1.2.3', beta: '2.0.0' },
      devDependencies: { gamma: '^3.0.0' },
      optionalDependencies: { '@tensorflow/tfjs-node': '4.22.0' },
    };
    expect(dependencyChecks(root, pkg)[0]).toMatchObject({
      level: 'fail',
      detail: 'missing',
      fix: expect.stringContaining('npm ci'),
    });
    const install = (name: string, version: string) => {
      mkdirSync(path.join(root, 'node_modules', name), { recursive: true });
      writeFileSync(path.join(root, 'node_modules', name, 'package.json'), JSON.stringify({ version }));
    };
    install('alpha', '1.2.3');
    install('gamma', '3.9.0'); // a range is not a pin: any version is taken
    expect(dependencyChecks(root, pkg)[0]).toMatchObject({ level: 'fail', detail: 'missing: beta' });
    install('beta', '2.1.0');
    expect(dependencyChecks(root, pkg)[0]).toMatchObject({
      level: 'warn',
      detail: 'not at their pins: beta 2.1.0 (pinned 2.0.0)',
    });
    install('beta', '2.0.0');
    const [all, optional] = dependencyChecks(root, pkg);
    expect(all).toMatchObject({ level: 'ok', detail: 'all 3 at their pinned versions' });
    expect(optional).toMatchObject({
      level: 'info',
      label: '@tensorflow/tfjs-node',
      detail: expect.stringMatching(/^not installed: optional/),
    });
  });

  it('reads the progress file without touching it, even a broken one', () => {
    expect(stateCheck(root, statePath(root), parseState, 11)).toMatchObject({
      level: 'info',
      detail: '.kata/state.json not written yet (npm start writes it)',
    });
    mkdirSync(path.join(root, '.kata'), { recursive: true });
    const file = path.join(root, '.kata', 'state.json');
    writeFileSync(file, '{"version": 1, "exercises": {');
    expect(stateCheck(root, statePath(root), parseState, 11)).toMatchObject({
      level: 'warn',
      detail: expect.stringMatching(/^\.kata\/state\.json cannot be read: /),
    });
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "exercises": {'); // not moved aside
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        current: '03-matmul',
        exercises: { '01-tensors': { done: true }, '02-broadcasting': { done: true } },
      }),
    );
    expect(stateCheck(root, statePath(root), parseState, 11)).toMatchObject({
      level: 'ok',
      detail: '.kata/state.json: 2 of 11 exercises done, on 03-matmul',
    });
  });

  it('prints one line per check, the fix under a problem, and a verdict', () => {
    const checks: Check[] = [
      { section: 'system', label: 'Node', level: 'warn', detail: 'old', fix: 'install Node 24' },
      { section: 'system', label: 'npm', level: 'ok', detail: '11.0.0' },
      { section: 'oracle', label: 'backend', level: 'fail', detail: 'none', fix: 'npm ci' },
    ];
    expect(renderChecks(checks, makeStyle(false))).toBe(
      [
        '',
        'system',
        '  ! Node     old',
        '             fix: install Node 24',
        '  ✓ npm      11.0.0',
        '',
        'oracle',
        '  ✗ backend  none',
        '             fix: npm ci',
        '',
        '1 problem, 1 warning: each has its fix above.',
      ].join('\n'),
    );
    expect(renderChecks(checks.slice(1, 2), makeStyle(false))).toMatch(/\nNo problems found\.$/);
  });

  it('on this machine: every section, the oracle it was told to use, and the watch mode with its reason', () => {
    const run = spawnSync(process.execPath, ['--import', './scripts/register.mjs', 'scripts/doctor.ts', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, KATA_TF_BACKEND: 'cpu', KATA_POLL: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    const { checks } = JSON.parse(run.stdout) as { checks: Check[] };
    expect([...new Set(checks.map((c) => c.section))]).toEqual([
      'system',
      'packages',
      'oracle',
      'watch',
      'tools',
      'kata',
    ]);
    expect(checks.find((c) => c.label === 'backend')).toMatchObject({
      level: 'ok',
      detail: expect.stringMatching(/^cpu \(KATA_TF_BACKEND\): loaded/),
    });
    expect(checks.find((c) => c.section === 'watch')).toMatchObject({ label: 'polling', detail: 'KATA_POLL=1 is set' });
    expect(checks.find((c) => c.label === 'Node')?.detail).toContain(process.version);
    expect(checks.find((c) => c.label === 'tree')?.detail).toMatch(
      /^(the kata's own \(maintainer\)|a learner's copy): /,
    );
    expect(existsSync(path.join(ROOT, '.nvmrc'))).toBe(true);
  }, 130_000);
});
