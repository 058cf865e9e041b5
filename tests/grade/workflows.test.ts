/**
 * The workflows that grade learners keep the promises of INSTRUCTORS.md ("GitHub Classroom",
 * "Threat model"): no step that runs learner code holds a token, the grade is sandboxed or
 * fails, and CI installs what the grader's tests need. Read as text: each `- name:` step is
 * checked for what it may and may not contain.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../lib/exercises.ts';

const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');

/** The steps of a workflow, each as its text from one `- name:` or `- uses:` to the next. */
function steps(yaml: string): string[] {
  const body = yaml.slice(yaml.indexOf('    steps:'));
  return body.split(/\n {6}- /).slice(1);
}

describe('the Classroom workflow', () => {
  const yaml = read('.github/workflows/classroom.yml');
  const all = steps(yaml);
  const named = (name: RegExp) => all.find((s) => name.test(s.split('\n')[0] ?? '')) ?? '';

  it('uses a token only in the step that checks out the grader, and keeps it nowhere', () => {
    const withToken = all.filter((s) => /token|secrets\./i.test(s));
    expect(withToken.map((s) => s.split('\n')[0])).toEqual(["name: Check out the instructor's grader"]);
    for (const s of all.filter((x) => /actions\/checkout/.test(x))) expect(s).toMatch(/persist-credentials: false/);
    // the grader's checkout comes first: before it, no learner code has run
    expect(all.findIndex((s) => /instructor's grader/.test(s))).toBe(0);
    const jobEnv = yaml.slice(yaml.indexOf('    env:'), yaml.indexOf('    steps:'));
    expect(jobEnv).not.toMatch(/TOKEN|secrets\./);
  });

  it('installs bubblewrap, lets it make user namespaces, and grades with --require-sandbox', () => {
    expect(named(/The sandbox/)).toMatch(/apt-get install .*bubblewrap/);
    expect(named(/The sandbox/)).toMatch(/sysctl -w kernel\.apparmor_restrict_unprivileged_userns=0/);
    expect(named(/Grade/)).toMatch(/--require-sandbox/);
    expect(named(/Install/)).toMatch(/npm ci .*--ignore-scripts/);
  });

  it('passes the points to Classroom only from the grade step’s outputs', () => {
    expect(named(/Report the points/)).toMatch(/steps\.grade\.outputs\.result/);
  });
});

describe('the maintainers’ CI', () => {
  it('installs bubblewrap for the grader’s tests, and lets it make user namespaces on Ubuntu', () => {
    expect(read('.ci/run')).toMatch(/need\+=\(bubblewrap\)/);
    expect(read('.github/workflows/ci.yml')).toMatch(/sysctl -w kernel\.apparmor_restrict_unprivileged_userns=0/);
  });
});

describe('the maintainers’ workflows', () => {
  it('run only in the kata’s own repository, and CI checks the recorded stubs before npm test', () => {
    for (const f of ['ci.yml', 'seeds.yml', 'mutation.yml']) {
      const yaml = read(`.github/workflows/${f}`);
      const ifs = yaml.match(/^ {4}if: .*$/gm) ?? [];
      expect(ifs.length, f).toBeGreaterThan(0);
      for (const line of ifs) expect(line, f).toMatch(/github\.repository == vars\.KATA_REPOSITORY/);
    }
    expect(read('.github/workflows/classroom.yml')).not.toMatch(/KATA_REPOSITORY/);
    const run = read('.ci/run');
    const at = (line: RegExp) => run.search(line);
    expect(at(/^npm run manifest -- --check$/m)).toBeGreaterThan(at(/^npm ci /m));
    expect(at(/^npm run manifest -- --check$/m)).toBeLessThan(at(/^npm test$/m));
  });
});
