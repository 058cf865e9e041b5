/**
 * The report formats: grade.json (everything), junit.xml (CI test views), grades.csv (one row
 * per learner, stable columns), summary.md (people, and $GITHUB_STEP_SUMMARY), and the payload
 * GitHub Classroom's autograding-grading-reporter reads. Every format names the protected
 * files a submission changed or deleted. Hidden tests appear as "hidden test k" with a status
 * and points only.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { ExerciseReport, GradeReport, TestReport } from './grade.ts';
import { writeAtomic } from './util.ts';

export const CSV_FIXED = ['learner', 'commit', 'total', 'max'] as const;

export function integrityText(r: GradeReport): string {
  if (r.integrity.ok) return 'ok';
  const parts: string[] = [];
  if (r.integrity.modified.length) parts.push(`modified: ${r.integrity.modified.join(' ')}`);
  if (r.integrity.deleted.length) parts.push(`deleted: ${r.integrity.deleted.join(' ')}`);
  return parts.join('; ');
}

/** What went wrong with an exercise's run, in a few words, or null. */
function runProblem(e: ExerciseReport): string | null {
  const problems: string[] = [];
  if (e.run.status !== 'completed') problems.push(`${e.run.status}${e.run.message ? `: ${e.run.message}` : ''}`);
  if (e.hiddenRun && e.hiddenRun.status !== 'completed') problems.push(`hidden specs ${e.hiddenRun.status}`);
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
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per learner: learner, commit, total, max, one column per exercise, integrity, notes. */
export function toCsv(reports: GradeReport[], exercises: string[]): string {
  const header = [...CSV_FIXED, ...exercises, 'integrity', 'notes'];
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
  if (t.status === 'failed') body = `\n      <failure type="failed" message="${xml(first)}">${xml(text)}</failure>`;
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
  for (const e of r.exercises) {
    const failures = e.tests.filter((t) => t.status === 'failed').length;
    const errors = e.tests.filter((t) => t.status !== 'failed' && t.status !== 'passed').length;
    const props = [
      ['points', num(e.points)],
      ['possible', num(e.possible)],
      ['run', e.run.status],
      ...(e.run.message ? [['run.message', e.run.message]] : []),
      ...(e.hiddenRun ? [['hidden.run', e.hiddenRun.status]] : []),
    ]
      .map(([k, v]) => `<property name="${k}" value="${xml(v as string)}"/>`)
      .join('');
    suites.push(
      `  <testsuite name="${xml(e.name)}" tests="${e.tests.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(e.durationMs)}">\n    <properties>${props}</properties>\n${e.tests.map((t) => testcase(e, t)).join('\n')}\n  </testsuite>`,
    );
  }
  const all = r.exercises.flatMap((e) => e.tests);
  const failures = all.filter((t) => t.status === 'failed').length + tampered.length;
  const errors = all.filter((t) => t.status !== 'failed' && t.status !== 'passed').length;
  const time = seconds(r.exercises.reduce((a, e) => a + e.durationMs, 0));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`${r.kata.name} grade: ${r.learner}`)}" tests="${all.length + integrity.length}" failures="${failures}" errors="${errors}" time="${time}">\n${suites.join('\n')}\n</testsuites>\n`;
}

// ── Markdown ─────────────────────────────────────────────────────────────────────────────

function cell(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

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
  const icon = e.run.status === 'timeout' ? '⏱️' : '💥';
  return `${icon} ${p}`;
}

export function toMarkdown(r: GradeReport): string {
  const lines: string[] = [];
  lines.push(`# ${r.kata.name}: ${r.learner}`, '', scoreLine(r), '');
  if (!r.integrity.ok) {
    lines.push(
      '> [!WARNING]',
      '> Protected files differ from the kata; the pristine copies were graded instead.',
      ...r.integrity.modified.map((f) => `> - modified: \`${f}\``),
      ...r.integrity.deleted.map((f) => `> - deleted: \`${f}\``),
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
        lines.push(`- \`${t.status}\` ${cell(t.name)}${why}`);
      }
      if (bad.length > 50) lines.push(`- … and ${bad.length - 50} more (see grade.json)`);
      lines.push('', '</details>', '');
    }
  }
  const warnings = [...r.warnings, ...r.exercises.flatMap((e) => e.warnings.map((w) => `${e.name}: ${w}`))];
  if (warnings.length) lines.push('', '## Warnings', '', ...warnings.map((w) => `- ${cell(w)}`));
  const oracle = r.oracle.backend ? `TensorFlow.js ${r.oracle.tfjs ?? '?'} on ${r.oracle.backend}` : 'not loaded';
  lines.push(
    '',
    `<sub>commit ${r.commit ? r.commit.slice(0, 12) : '(not a git checkout)'} · ${r.kata.name} ${r.kata.version} (manifest ${r.manifest.sha256.slice(0, 12)}) · oracle ${oracle} · seed ${r.settings.seed}${r.settings.hidden ? ' · with hidden tests' : ''} · ${r.gradedAt}</sub>`,
    '',
  );
  return lines.join('\n');
}

/** The class overview of a batch: one line per learner. */
export function toClassMarkdown(reports: GradeReport[], exercises: string[]): string {
  const lines = [
    `# ${reports[0]?.kata.name ?? 'kata'}: ${reports.length} learners`,
    '',
    `| learner | points | % | ${exercises.map(cell).join(' | ')} | integrity |`,
    `| --- | ---: | ---: | ${exercises.map(() => '---:').join(' | ')} | --- |`,
  ];
  for (const r of reports) {
    const by = new Map(r.exercises.map((e) => [e.name, e]));
    const cols = exercises.map((n) => {
      const e = by.get(n);
      if (!e) return '';
      const mark = e.run.status === 'completed' ? '' : e.run.status === 'timeout' ? ' ⏱️' : ' 💥';
      return `${num(e.points)}${mark}`;
    });
    lines.push(
      `| [${cell(r.learner)}](${encodeURI(r.learner)}/summary.md) | ${num(r.score.points)} / ${num(r.score.possible)} | ${r.score.percent} | ${cols.join(' | ')} | ${cell(integrityText(r))} |`,
    );
  }
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

/**
 * Writes a grading's reports into `out`. One learner: grade.json, junit.xml, summary.md and
 * grades.csv in `out`. A batch: out/<learner>/{grade.json,junit.xml,summary.md}, plus
 * out/grades.csv and a class out/summary.md. Appends the summary to $GITHUB_STEP_SUMMARY and,
 * for one learner, the Classroom payload and points to $GITHUB_OUTPUT, when those are set.
 */
export function writeReports(out: string, reports: GradeReport[], batch: boolean, env = process.env): void {
  const exercises = reports[0]?.exercises.map((e) => e.name) ?? [];
  let summary: string;
  if (batch) {
    for (const r of reports) writeLearnerReports(path.join(out, r.learner), r);
    summary = toClassMarkdown(reports, exercises);
    writeAtomic(path.join(out, 'summary.md'), summary);
  } else {
    const r = reports[0] as GradeReport;
    writeLearnerReports(out, r);
    summary = toMarkdown(r);
    if (env.GITHUB_OUTPUT) {
      const payload = Buffer.from(JSON.stringify(classroomPayload(r))).toString('base64');
      appendFileSync(
        env.GITHUB_OUTPUT,
        `result=${payload}\npoints=${r.score.points}\nmax-points=${r.score.possible}\n`,
      );
    }
  }
  writeAtomic(path.join(out, 'grades.csv'), toCsv(reports, exercises));
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${summary}\n`);
}
