/**
 * Grading a class from a roster (scripts/grade/roster-run.ts): learners' git repositories
 * (file:// URLs) of the mini kata, fetched shallowly into folders named by the roster, graded
 * in one queue, and the same roster graded as 2 shards and merged — the class report must be
 * the same bytes. Then the class page in Chromium: it sorts, it shows the pass rates, where the
 * class is stuck and the flags, and it loads nothing from the network.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest } from '../../scripts/grade/build.ts';
import { CLASS_FILES, type ClassLearner, type ClassReport, mergeShards } from '../../scripts/grade/class.ts';
import { flagsOf } from '../../scripts/grade/class-html.ts';
import { parseRoster } from '../../scripts/grade/roster.ts';
import { gradeRoster } from '../../scripts/grade/roster-run.ts';
import { detectSandbox } from '../../scripts/grade/sandbox.ts';
import type { ExerciseReport } from '../../scripts/grade/types.ts';
import { ROOT } from '../../scripts/lib/exercises.ts';
import { CHROMIUM_FLAGS, findChromium } from '../../scripts/ui-check.ts';
import { gitAt, makeMiniKata, makeSubmission, SOLUTION, sumWithMean } from './mini-kata.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-class-test-'));
const kata = path.join(tmp, 'mini');
const remotes = path.join(tmp, 'remotes');
const iso = detectSandbox();
afterAll(() => rmSync(tmp, { recursive: true, force: true, maxRetries: 3 }));

/** A learner's repository with one commit per state of their code, dated as given. */
function learnerRepo(name: string, commits: [string, Record<string, string>][]): string {
  const dir = path.join(remotes, name);
  makeSubmission(kata, dir, {});
  gitAt(dir, '2026-01-01T00:00:00Z', 'init', '-q', '-b', 'main');
  for (const [date, code] of commits) {
    makeSubmission(kata, dir, code);
    gitAt(dir, date, 'add', '-A');
    gitAt(dir, date, 'commit', '-qm', `work of ${date}`);
  }
  return pathToFileURL(dir).href;
}

const ROSTER = (urls: Record<string, string>) => `# the course's roster
learner,url,ref
alice,${urls.alice},
"=HYPERLINK(""http://x"")",${urls.dora},main
../carol,${urls.carol},2026-11-30T23:59:00Z
erin,${pathToFileURL(path.join(remotes, 'no-repo-here')).href},
`;

let one: ClassReport;
let merged: ClassReport;
const whole = path.join(tmp, 'whole');
const shards = [path.join(tmp, 'shards', 'grade-shard-1'), path.join(tmp, 'shards', 'grade-shard-2')];
const mergedOut = path.join(tmp, 'merged');

beforeAll(async () => {
  makeMiniKata(kata);
  await buildManifest(kata);
  const urls = {
    alice: learnerRepo('alice', [['2026-11-01T10:00:00Z', { 'exercises/01-sum/sum.ts': SOLUTION.sum }]]),
    // carol's mean was right before the deadline, and broken after it
    carol: learnerRepo('carol', [
      [
        '2026-11-29T10:00:00Z',
        { 'exercises/01-sum/sum.ts': sumWithMean('return xs.reduce((a, b) => a + b, 0) / xs.length;') },
      ],
      ['2026-12-02T10:00:00Z', { 'exercises/01-sum/sum.ts': sumWithMean('return 0;') }],
    ]),
    // dora's mean is wrong on the judge's inputs too
    dora: learnerRepo('dora', [
      ['2026-11-01T10:00:00Z', { 'exercises/01-sum/sum.ts': sumWithMean('return xs[0] ?? 0;') }],
    ]),
  };
  mkdirSync(path.join(remotes, 'no-repo-here'));
  writeFileSync(path.join(tmp, 'class.csv'), ROSTER(urls));
  const roster = parseRoster(ROSTER(urls), path.join(tmp, 'class.csv'), tmp);
  const opts = { graderRoot: kata, only: ['01'], jobs: 2, maxMemoryMb: 1024, seed: 42, isolation: iso };
  const run = (out: string, shard: { k: number; n: number } | null) =>
    gradeRoster({ roster, shard, reposDir: null, mode: 'both', fetchTimeoutS: 30, out }, opts);
  // the whole class and its two shards at once: most of a grading is waiting on processes
  [one] = (await Promise.all([run(whole, null), ...shards.map((dir, i) => run(dir, { k: i + 1, n: 2 }))])) as [
    ClassReport,
  ];
  const m = spawnSync(
    process.execPath,
    ['--import', './scripts/register.mjs', 'scripts/grade.ts', '--merge', path.join(tmp, 'shards'), '--out', mergedOut],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  expect(m.status, m.stderr).toBe(0);
  merged = JSON.parse(readFileSync(path.join(mergedOut, 'class.json'), 'utf8')) as ClassReport;
}, 240_000);

describe('a roster graded in one run and in 2 shards', () => {
  it('gives every learner the points their code at the ref earns, in roster order', () => {
    const points = one.learners.map((l) => [l.report.learner, l.folder, l.report.score.points]);
    expect(points).toEqual([
      ['alice', 'alice', 10],
      ['=HYPERLINK("http://x")', 'HYPERLINK_http_x_', 6], // dora's repository: step 1 only, mean is wrong
      ['../carol', 'carol', 10], // graded at the deadline: the commit before it
      ['erin', 'erin', 0],
    ]);
    expect(one.learners.map((l) => l.index)).toEqual([0, 1, 2, 3]);
  });

  it('reports a repository that cannot be fetched as such, and grades the others', () => {
    const erin = one.learners[3];
    expect(erin?.fetchError).toMatch(/does not appear to be a git repository|not a git repository/);
    expect(erin?.report.exercises[0]?.run.status).toBe('not-graded');
    expect(readFileSync(path.join(whole, 'grades.csv'), 'utf8')).toMatch(
      /^erin,,0,10,0,refused: the submission \(not fetched: /m,
    );
  });

  it('names folders by the roster, never by the remote, and keeps spreadsheet formulas inert', () => {
    expect(existsSync(path.join(whole, 'learners', 'carol', 'grade.json'))).toBe(true);
    expect(existsSync(path.join(tmp, 'carol'))).toBe(false);
    expect(readFileSync(path.join(whole, 'grades.csv'), 'utf8')).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('merging the shards gives the same class report, byte for byte', () => {
    expect(merged.learners.length).toBe(4);
    for (const f of CLASS_FILES) {
      expect(readFileSync(path.join(mergedOut, f), 'utf8'), f).toBe(readFileSync(path.join(whole, f), 'utf8'));
    }
    expect(existsSync(path.join(mergedOut, 'learners', 'HYPERLINK_http_x_', 'junit.xml'))).toBe(true);
  });

  it('flags near-copies of the reference, judges contradicting passing specs, and what was not isolated', () => {
    const alice = one.learners[0] as ClassLearner;
    expect(flagsOf(alice)).toEqual([]);
    const e = alice.report.exercises[0] as ExerciseReport;
    const copied = { ...alice.report, exercises: [{ ...e, copied: 0.97 }] };
    const loose = { ...copied, isolation: { isolated: false, how: '', reason: 'no bubblewrap' } };
    expect(flagsOf({ ...alice, report: loose })).toEqual(['not isolated', '01-sum: near-copy of the reference (97 %)']);
    // dora's mean fails its specs and the judge alike: unfinished, not suspicious
    const dora = one.learners[1] as ClassLearner;
    expect(dora.report.exercises[0]?.judge?.verdict).toBe('partial');
    expect(flagsOf(dora)).toEqual([]);
    const d = dora.report.exercises[0] as ExerciseReport;
    const unconfirmed = {
      ...d,
      tests: d.tests.map((t) => (t.status === 'failed' ? { ...t, status: 'unconfirmed' as const } : t)),
    };
    expect(flagsOf({ ...dora, report: { ...dora.report, exercises: [unconfirmed] } })).toEqual([
      '01-sum: 2 passing tests the judge finds wrong (step 2)',
    ]);
    const contradiction = {
      ...d,
      judge: { ...(d.judge as NonNullable<ExerciseReport['judge']>), verdict: 'contradiction' as const },
    };
    expect(flagsOf({ ...dora, report: { ...dora.report, exercises: [contradiction] } })).toEqual([
      '01-sum: specs passed, the judge disagrees (scored 0)',
    ]);
  });

  it('refuses to merge an incomplete or mixed set of shards, naming what is wrong', () => {
    const merge =
      (...dirs: string[]) =>
      () =>
        mergeShards(dirs, path.join(tmp, 'bad'), {});
    expect(merge(shards[0] as string)).toThrow(/--merge: shard 2\/2 missing/);
    expect(merge(shards[0] as string, shards[0] as string, shards[1] as string)).toThrow(
      /grade-shard-1: shard 1\/2 again \(also in .*grade-shard-1\)/,
    );
    expect(merge(shards[0] as string, whole)).toThrow(/whole.class\.json: not a shard of a roster/);
    expect(merge(path.join(tmp, 'remotes'))).toThrow(/remotes: no class\.json in it or in its folders/);
    expect(existsSync(path.join(tmp, 'bad', 'class.json'))).toBe(false);
  });
});

describe('the class page in Chromium', () => {
  const chromium = findChromium();
  it.runIf(chromium !== null || process.env.CI === 'true')(
    'sorts by points, charts every exercise and step, lists where the class is stuck and the flags, offline',
    async () => {
      expect(chromium, 'CI=true but no Chromium: .ci/run installs it').not.toBeNull();
      const { chromium: pw } = await import('playwright-core');
      const browser = await pw.launch({ executablePath: chromium as string, headless: true, args: CHROMIUM_FLAGS });
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        await page.goto(pathToFileURL(path.join(whole, 'class.html')).href);
        mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
        await page.screenshot({ path: path.join(ROOT, 'reports', 'class-report.png'), fullPage: true });
        const names = () => page.$$eval('#points tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
        expect(await names()).toEqual(['alice', '=HYPERLINK("http://x")', '../carol', 'erin']);
        await page.click('#points th:nth-child(2) button');
        expect(await names()).toEqual(['erin', '=HYPERLINK("http://x")', 'alice', '../carol']);
        await page.click('#points th:nth-child(2) button');
        expect(await names()).toEqual(['alice', '../carol', '=HYPERLINK("http://x")', 'erin']);
        await page.click('#points th:first-child button');
        expect((await names())[0]).toBe('../carol');
        const bars = await page.$$eval('svg g title', (ts) => ts.map((t) => t.textContent));
        expect(bars).toEqual([
          '01-sum · Sums and means: 13 of 15 tests passed',
          'step 1: sum: 9 of 9 tests passed',
          'step 2: mean: 4 of 6 tests passed',
        ]);
        const stuck = await page.$$eval('#stuck tbody tr', (rows) => rows.map((r) => r.textContent));
        expect(stuck[0]).toMatch(
          /^01-sumstep 2: mean > the mean of \[2, 4\] is 31 of 3failed: AssertionError: expected 2 to be 3/,
        );
        const flags = await page.$eval('#flags', (ul) => ul.textContent);
        expect(flags).toMatch(/erin: not fetched: /);
        expect(flags).not.toMatch(/alice/);
        expect(errors).toEqual([]);
        expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
