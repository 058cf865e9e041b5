/**
 * The report formats: grade.json (everything), junit.xml (CI test views), grades.csv (one row
 * per learner, stable columns), summary.md (people, and $GITHUB_STEP_SUMMARY), and the payload
 * GitHub Classroom's autograding-grading-reporter reads. Every format names the protected
 * files a submission changed or deleted. Hidden tests appear as "hidden test k" with a status
 * and points only.
 */
import path from 'node:path';
import type { ExerciseReport, GradeReport, TestReport } from './grade.ts';
import { NOT_ISOLATED } from './sandbox.ts';
import { safeNames, writeAtomic } from './util.ts';

export const CSV_FIXED = ['learner', 'commit', 'total', 'max'] as const;

export function integrityText(r: GradeReport): string {
  if (r.integrity.ok) return 'ok';
  const parts: string[] = [];
  if (r.integrity.modified.length) parts.push(`modified: ${r.integrity.modified.join(' ')}`);
  if (r.integrity.deleted.length) parts.push(`deleted: ${r.integrity.deleted.join(' ')}`);
  if (r.integrity.refused.length) parts.push(`refused: ${r.integrity.refused.join(' ')}`);
  return parts.join('; ');
}

/** "isolated" or "not isolated: why", for every format. */
export function isolationText(r: GradeReport): string {
  return r.isolation.isolated ? 'isolated' : `${NOT_ISOLATED} (${r.isolation.reason})`;
}

/** What went wrong with an exercise's run, in a few words, or null. */
function runProblem(e: ExerciseReport): string | null {
  const problems: string[] = [];
  if (e.run.status !== 'completed') problems.push(`${e.run.status}${e.run.message ? `: ${e.run.message}` : ''}`);
  if (e.hiddenRun && e.hiddenRun.status !== 'completed') problems.push(`hidden specs ${e.hiddenRun.status}`);
  if (e.judge?.verdict === 'contradiction') problems.push('judge: specs passed but the code is wrong');
  else if (e.judge?.verdict === 'partial') {
    problems.push(
      `judge: step ${e.judge.steps
        .filter((s) => s.status !== 'agrees')
        .map((s) => s.step)
        .join(', ')} wrong`,
    );
  }
  if (e.copied !== null) problems.push(`copies the reference (${Math.round(e.copied * 100)} %)`);
  return problems.length ? problems.join('; ') : null;
}

/**
 * The line of a failure message that says what went wrong: for a fast-check property, the
 * error of its counterexample rather than "Property failed after 1 tests".
 */
export function headline(message: string | null): string {
  if (!message) return '';
  const lines = message.split('\n');
  if (/^Property failed/.test(lines[0] ?? '')) {
    const got = lines.find((l) => /^Got error: /.test(l));
    const example = lines.find((l) => /^Counterexample: /.test(l));
    if (got) return `${got.slice('Got error: '.length)}${example ? ` (${example.slice(0, 160)})` : ''}`;
  }
  return lines[0] ?? '';
}

function num(x: number): string {
  return String(Math.round(x * 100) / 100);
}

// ── CSV ──────────────────────────────────────────────────────────────────────────────────

/** RFC 4180 quoting, and a leading ' on text a spreadsheet would run as a formula. */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[\s]*[=+\-@\t\r|%]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per learner: learner, commit, total, max, one column per exercise, integrity, isolation, notes. */
export function toCsv(reports: GradeReport[], exercises: string[]): string {
  const header = [...CSV_FIXED, ...exercises, 'integrity', 'isolation', 'notes'];
  const rows = reports.map((r) => {
    const by = new Map(r.exercises.map((e) => [e.name, e]));
    const notes = r.exercises
      .map((e) => [e.name, runProblem(e)] as const)
      .filter(([, p]) => p)
      .map(([n, p]) => `${n} ${p?.split(':')[0]}`);
    return [
      r.learner,
      r.commit,
      num(r.score.points),
      num(r.score.possible),
      ...exercises.map((n) => {
        const e = by.get(n);
        return e ? num(e.points) : null;
      }),
      integrityText(r),
      r.isolation.isolated ? 'isolated' : 'not isolated',
      notes.join('; '),
    ];
  });
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

// ── JUnit XML ────────────────────────────────────────────────────────────────────────────

function xml(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: characters XML 1.0 cannot hold
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);

function testcase(e: ExerciseReport, t: TestReport): string {
  const open = `    <testcase classname="${xml(e.name)}" name="${xml(t.name)}" time="${seconds(t.durationMs)}">`;
  const props = `\n      <properties><property name="points" value="${num(t.points)}"/><property name="possible" value="${num(t.possible)}"/></properties>`;
  const text = t.message ?? (t.hidden ? `hidden test ${t.status}` : t.status);
  const first = headline(text);
  let body = '';
  if (t.status === 'failed' || t.status === 'unconfirmed')
    body = `\n      <failure type="${t.status}" message="${xml(first)}">${xml(text)}</failure>`;
  else if (t.status !== 'passed')
    body = `\n      <error type="${t.status}" message="${xml(first)}">${xml(text)}</error>`;
  return `${open}${props}${body}\n    </testcase>`;
}

export function toJunit(r: GradeReport): string {
  const suites: string[] = [];
  const tampered = [
    ...r.integrity.modified.map((f) => [f, 'modified'] as const),
    ...r.integrity.deleted.map((f) => [f, 'deleted'] as const),
  ];
  const integrity = tampered.length
    ? tampered.map(
        ([f, how]) =>
          `    <testcase classname="integrity" name="${xml(f)}" time="0"><failure type="tamper" message="${xml(`${f} was ${how}; the kata's pristine copy was graded`)}"/></testcase>`,
      )
    : ['    <testcase classname="integrity" name="protected files match the manifest" time="0"/>'];
  suites.push(
    `  <testsuite name="integrity" tests="${integrity.length}" failures="${tampered.length}" errors="0" skipped="0" time="0">\n${integrity.join('\n')}\n  </testsuite>`,
  );
  const isolation = r.isolation.isolated
    ? `    <testcase classname="isolation" name="${xml(`isolated: ${r.isolation.how}`)}" time="0"/>`
    : `    <testcase classname="isolation" name="not isolated" time="0"><skipped message="${xml(isolationText(r))}"/></testcase>`;
  suites.push(
    `  <testsuite name="isolation" tests="1" failures="0" errors="0" skipped="${r.isolation.isolated ? 0 : 1}" time="0">\n${isolation}\n  </testsuite>`,
  );
  for (const e of r.exercises) {
    const failures = e.tests.filter((t) => t.status === 'failed' || t.status === 'unconfirmed').length;
    const errors = e.tests.filter((t) => !['failed', 'passed', 'unconfirmed'].includes(t.status)).length;
    const props = [
      ['points', num(e.points)],
      ['possible', num(e.possible)],
      ['run', e.run.status],
      ...(e.run.message ? [['run.message', e.run.message]] : []),
      ...(e.hiddenRun ? [['hidden.run', e.hiddenRun.status]] : []),
      ...(e.judge
        ? [['judge', `${e.judge.verdict} (${e.judge.agreed}/${e.judge.cases} cases, seed ${e.judge.seed})`]]
        : []),
      ...(e.copied !== null ? [['copied', String(e.copied)]] : []),
    ]
      .map(([k, v]) => `<property name="${k}" value="${xml(v as string)}"/>`)
      .join('');
    suites.push(
      `  <testsuite name="${xml(e.name)}" tests="${e.tests.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(e.durationMs)}">\n    <properties>${props}</properties>\n${e.tests.map((t) => testcase(e, t)).join('\n')}\n  </testsuite>`,
    );
  }
  const all = r.exercises.flatMap((e) => e.tests);
  const failures = all.filter((t) => t.status === 'failed' || t.status === 'unconfirmed').length + tampered.length;
  const errors = all.filter((t) => !['failed', 'passed', 'unconfirmed'].includes(t.status)).length;
  const time = seconds(r.exercises.reduce((a, e) => a + e.durationMs, 0));
  const name = `${r.kata.name} grade: ${r.learner}${r.isolation.isolated ? '' : ' (not isolated)'}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(name)}" tests="${all.length + integrity.length + 1}" failures="${failures}" errors="${errors}" skipped="${r.isolation.isolated ? 0 : 1}" time="${time}">\n${suites.join('\n')}\n</testsuites>\n`;
}

// ── Markdown ─────────────────────────────────────────────────────────────────────────────

/**
 * Text from a learner (a name, a file name, a failure message) made inert in Markdown: no
 * links, images, HTML, emphasis or code spans of theirs; one line, so no table breaks.
 */
export function md(s: string): string {
  return s
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1');
}

const cell = md;

function scoreLine(r: GradeReport): string {
  const t = r.settings.threshold;
  const verdict = t
    ? ` — threshold ${t.value}${t.percent ? ' %' : ' points'}: **${r.score.passed ? 'passed' : 'not passed'}**`
    : '';
  return `**${num(r.score.points)} / ${num(r.score.possible)} points** (${r.score.percent} %)${verdict}`;
}

function runCell(e: ExerciseReport): string {
  const p = runProblem(e);
  if (!p) return e.passed === e.total ? '✅' : '';
  const icon = e.run.status === 'timeout' ? '⏱️' : e.run.status === 'completed' ? '⚠️' : '💥';
  return `${icon} ${p}`;
}

export function toMarkdown(r: GradeReport): string {
  const lines: string[] = [];
  lines.push(`# ${md(r.kata.name)}: ${md(r.learner)}`, '', scoreLine(r), '');
  if (!r.isolation.isolated) {
    lines.push(
      '> [!CAUTION]',
      `> **Not isolated**: learner code ran with the grader's user rights. ${md(r.isolation.reason ?? '')}`,
      '',
    );
  }
  if (!r.integrity.ok) {
    lines.push(
      '> [!WARNING]',
      "> Protected files differ from the kata; the kata's own copies were graded instead.",
      ...r.integrity.modified.map((f) => `> - modified: ${md(f)}`),
      ...r.integrity.deleted.map((f) => `> - deleted: ${md(f)}`),
      ...r.integrity.refused.map((f) => `> - refused: ${md(f)}`),
      '',
    );
  }
  lines.push('| exercise | points | tests | run |', '| --- | ---: | ---: | --- |');
  for (const e of r.exercises) {
    lines.push(
      `| ${cell(`${e.name} · ${e.title}`)} | ${num(e.points)} / ${num(e.possible)} | ${e.passed} / ${e.total} | ${cell(runCell(e))} |`,
    );
  }
  const failing = r.exercises.filter((e) => e.tests.some((t) => t.status !== 'passed'));
  if (failing.length) {
    lines.push('', '## Not passing', '');
    for (const e of failing) {
      const bad = e.tests.filter((t) => t.status !== 'passed');
      lines.push(`<details><summary>${e.name}: ${bad.length} of ${e.total} tests</summary>`, '');
      for (const t of bad.slice(0, 50)) {
        const why = t.hidden ? '' : ` — ${cell(headline(t.message))}`;
        lines.push(`- ${t.status}: ${cell(t.name)}${why}`);
      }
      if (bad.length > 50) lines.push(`- … and ${bad.length - 50} more (see grade.json)`);
      lines.push('', '</details>', '');
    }
  }
  const warnings = [...r.warnings, ...r.exercises.flatMap((e) => e.warnings.map((w) => `${e.name}: ${w}`))];
  if (warnings.length) lines.push('', '## Warnings', '', ...warnings.map((w) => `- ${cell(w)}`));
  const oracle = r.oracle.backend ? `TensorFlow.js ${r.oracle.tfjs ?? '?'} on ${r.oracle.backend}` : 'not loaded';
  const judged = r.exercises.filter((e) => e.judge);
  lines.push(
    '',
    `<sub>commit ${r.commit ? r.commit.slice(0, 12) : '(not a git checkout)'} · ${md(r.kata.name)} ${md(r.kata.version)} (manifest ${r.manifest.sha256.slice(0, 12)}) · oracle ${oracle} · seed ${r.settings.seed}${r.settings.hidden ? ' · with hidden tests' : ''}${judged.length ? ` · judged ${judged.length} exercises` : ''} · ${r.isolation.isolated ? `sandbox: ${md(r.isolation.how)}` : '**not isolated**'} · ${r.gradedAt}</sub>`,
    '',
  );
  return lines.join('\n');
}

/** The class overview of a batch: one line per learner, linking to learners/<folder>/summary.md. */
export function toClassMarkdown(
  reports: GradeReport[],
  exercises: string[],
  folders = safeNames(reports.map((r) => r.learner)),
): string {
  const isolated = reports.every((r) => r.isolation.isolated);
  const lines = [
    `# ${md(reports[0]?.kata.name ?? 'kata')}: ${reports.length} learners`,
    '',
    ...(isolated
      ? []
      : [
          '> [!CAUTION]',
          `> **Not isolated**: ${md(reports.find((r) => !r.isolation.isolated)?.isolation.reason ?? '')}`,
          '',
        ]),
    `| learner | points | % | ${exercises.map(cell).join(' | ')} | integrity |`,
    `| --- | ---: | ---: | ${exercises.map(() => '---:').join(' | ')} | --- |`,
  ];
  reports.forEach((r, i) => {
    const by = new Map(r.exercises.map((e) => [e.name, e]));
    const cols = exercises.map((n) => {
      const e = by.get(n);
      if (!e) return '';
      const mark =
        e.run.status !== 'completed'
          ? e.run.status === 'timeout'
            ? ' ⏱️'
            : ' 💥'
          : e.judge?.verdict === 'contradiction' || e.copied !== null
            ? ' ⚠️'
            : '';
      return `${num(e.points)}${mark}`;
    });
    lines.push(
      `| [${cell(r.learner)}](learners/${folders[i]}/summary.md) | ${num(r.score.points)} / ${num(r.score.possible)} | ${r.score.percent} | ${cols.join(' | ')} | ${cell(integrityText(r))} |`,
    );
  });
  return `${lines.join('\n')}\n`;
}

// ── GitHub Classroom ─────────────────────────────────────────────────────────────────────

/**
 * The result payload of GitHub Classroom's autograding-grading-reporter (one "test" per
 * exercise, scored in points): pass it as `<ID>_RESULTS` in base64, `runners: <id>`.
 */
export function classroomPayload(r: GradeReport) {
  const complete = r.score.points >= r.score.possible;
  return {
    version: 1,
    status: (r.score.passed ?? complete) ? 'pass' : 'fail',
    max_score: r.score.possible,
    tests: [
      ...(r.integrity.ok
        ? []
        : [{ name: 'integrity', status: 'fail', score: 0, message: `protected files changed: ${integrityText(r)}` }]),
      ...r.exercises.map((e) => ({
        name: `${e.name} · ${e.title}`,
        status: e.run.status !== 'completed' ? 'error' : e.passed === e.total ? 'pass' : 'fail',
        score: e.points,
        max_score: e.possible,
        message: `${e.passed}/${e.total} tests${runProblem(e) ? ` — ${runProblem(e)}` : ''}`,
        execution_time: `${(e.durationMs / 1000).toFixed(1)}s`,
      })),
    ],
  };
}

// ── writing ──────────────────────────────────────────────────────────────────────────────

/** grade.json, junit.xml and summary.md of one learner into `dir`, each written atomically. */
export function writeLearnerReports(dir: string, r: GradeReport): void {
  writeAtomic(path.join(dir, 'grade.json'), `${JSON.stringify(r, null, 2)}\n`);
  writeAtomic(path.join(dir, 'junit.xml'), toJunit(r));
  writeAtomic(path.join(dir, 'summary.md'), toMarkdown(r));
}
