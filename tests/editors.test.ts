/**
 * The editor and Codespaces settings do what they are there for: VS Code's Vitest extension
 * runs each spec once, against the learner's code; the dev container installs the kata with
 * the Node of .nvmrc and opens the runner.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listExercises, ROOT } from '../scripts/lib/exercises.ts';
import { editorProjects } from '../vitest.config.ts';

const json = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));

describe('editors and Codespaces', () => {
  it('VS Code recommends the Vitest and Biome extensions, and points Vitest at the kata config', () => {
    expect(json('.vscode/extensions.json').recommendations).toEqual(['vitest.explorer', 'biomejs.biome']);
    expect(json('.vscode/settings.json')['vitest.rootConfig']).toBe('vitest.config.ts');
  });

  it('in the Vitest extension only the learner project loads, unless a maintainer asks for more', () => {
    expect(editorProjects({})).toBeNull();
    expect(editorProjects({ VITEST_VSCODE: 'true' })).toEqual(['exercises']);
    expect(editorProjects({ VITEST_VSCODE: 'true', KATA_VSCODE_PROJECTS: 'exercises, solutions' })).toEqual([
      'exercises',
      'solutions',
    ]);
  });

  it('as the extension loads it, the config lists each spec once, in the exercises project (the stubs)', () => {
    const bin = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const run = spawnSync(process.execPath, [bin, 'list', '--filesOnly', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, VITEST_VSCODE: 'true', KATA_VSCODE_PROJECTS: '' },
    });
    expect(run.status, run.stderr).toBe(0);
    const files = JSON.parse(run.stdout) as { file: string; projectName: string }[];
    expect(files.map((f) => path.relative(ROOT, f.file).split(path.sep).join('/')).sort()).toEqual(
      listExercises()
        .map((e) => path.relative(ROOT, e.spec).split(path.sep).join('/'))
        .sort(),
    );
    expect(new Set(files.map((f) => f.projectName))).toEqual(new Set(['exercises']));
  }, 70_000);

  it('the dev container uses the Node of .nvmrc, installs with npm ci and opens the runner', () => {
    const dc = json('.devcontainer/devcontainer.json');
    const nvmrc = readFileSync(path.join(ROOT, '.nvmrc'), 'utf8').trim();
    expect(dc.features['ghcr.io/devcontainers/features/node:1'].version).toBe(nvmrc);
    expect(dc.postCreateCommand).toMatch(/^npm ci\b/);
    expect(dc.postAttachCommand).toBe('npm start');
    expect(dc.onCreateCommand).toMatch(/apt-get install .*\bchromium\b.*\bbubblewrap\b/);
    expect(dc.customizations.vscode.extensions).toEqual(json('.vscode/extensions.json').recommendations);
  });
});
