/**
 * The grader's report formats (CSV, Markdown, JUnit, the Classroom payload): a learner's name or
 * message breaks none of them.
 */
import { describe, expect, it } from 'vitest';
import type { GradeReport } from '../../scripts/grade/grade.ts';
import { classroomPayload, md, toClassMarkdown, toCsv, toJunit, toMarkdown } from '../../scripts/grade/reports.ts';

describe('report formats', () => {
  const report = {
    schema: 'gradient-katas/grade@2',
    learner: '=cmd|evil',
    commit: null,
    kata: { name: 'gradient-katas', version: '0.1.0' },
    manifest: { version: '0.1.0', sha256: 'f'.repeat(64) },
    oracle: { backend: 'wasm', tfjs: '4.22.0' },
    isolation: { isolated: false, how: 'none', reason: 'bubblewrap is not installed' },
    settings: {
      seed: 42,
      testTimeoutS: 20,
      maxMemoryMb: 2048,
      points: null,
      hidden: true,
      exercises: ['01-x'],
      threshold: null,
    },
    integrity: { ok: false, modified: ['exercises/01-x/x.spec.ts'], deleted: [], refused: [] },
    score: { points: 1.5, possible: 3, percent: 50, passed: null },
    exercises: [
      {
        name: '01-x',
        title: 'X & <Y>',
        weight: 3,
        points: 1.5,
        possible: 3,
        passed: 1,
        total: 2,
        durationMs: 1234,
        run: { status: 'completed', message: null, exitCode: 1, signal: null, durationMs: 1234 },
        hiddenRun: { status: 'timeout', message: 'timeout', exitCode: null, signal: 'SIGKILL', durationMs: 1 },
        judge: null,
        copied: null,
        tests: [
          {
            name: 'a > "b" & c',
            file: 'exercises/01-x/x.spec.ts',
            hidden: false,
            status: 'passed',
            points: 1.5,
            possible: 1.5,
            durationMs: 3,
            message: null,
          },
          {
            name: 'hidden test 1',
            file: 'hidden',
            hidden: true,
            status: 'timeout',
            points: 0,
            possible: 1.5,
            durationMs: null,
            message: null,
          },
        ],
        warnings: [],
      },
    ],
    warnings: [],
    gradedAt: '2025-01-01T00:00:00.000Z',
  } as GradeReport;

  it('CSV: stable columns, RFC 4180 quoting, no formulas, the isolation', () => {
    expect(toCsv([report], ['01-x', '02-y'])).toBe(
      'learner,commit,total,max,01-x,02-y,integrity,isolation,notes\r\n' +
        "'=cmd|evil,,1.5,3,1.5,,modified: exercises/01-x/x.spec.ts,not isolated,01-x hidden specs timeout\r\n",
    );
    expect(toCsv([{ ...report, learner: ' @SUM(A1)' }], [])).toMatch(/^' @SUM\(A1\),/m);
  });

  it('Markdown: a learner name or message cannot make links, images, HTML or break the table', () => {
    expect(md('[x](javascript:alert(1)) <img src=x onerror=alert(1)> | `code` **b**')).toBe(
      '\\[x\\]\\(javascript:alert\\(1\\)\\) &lt;img src=x onerror=alert\\(1\\)&gt; \\| \\`code\\` \\*\\*b\\*\\*',
    );
    const evil = { ...report, learner: '](http://evil)<script>' };
    const page = toClassMarkdown([evil, report], ['01-x']);
    expect(page).toContain('[\\]\\(http://evil\\)&lt;script&gt;](learners/http_evil_script_/summary.md)');
    expect(page).toContain('(learners/cmd_evil/summary.md)');
    expect(toMarkdown(evil)).not.toMatch(/<script>|\]\(http/);
  });

  it('JUnit: escaped, an integrity failure naming the file, hidden tests without details, not isolated said', () => {
    const xml = toJunit(report);
    expect(xml).toMatch(
      /<testcase classname="isolation" name="not isolated" time="0"><skipped message="not isolated: learner code ran/,
    );
    expect(xml).toContain('name="a &gt; &quot;b&quot; &amp; c"');
    expect(xml).toMatch(
      /<testcase classname="integrity" name="exercises\/01-x\/x.spec.ts" time="0"><failure type="tamper"/,
    );
    expect(xml).toMatch(/name="hidden test 1"[\s\S]*?<error type="timeout" message="hidden test timeout">/);
  });

  it('Markdown and the Classroom payload carry the score, the tamper and the isolation', () => {
    expect(toMarkdown(report)).toMatch(
      /\*\*1\.5 \/ 3 points\*\* \(50 %\)[\s\S]*\*\*Not isolated\*\*[\s\S]*modified: exercises\/01-x\/x\.spec\.ts/,
    );
    const payload = classroomPayload(report);
    expect(payload).toMatchObject({ version: 1, status: 'fail', max_score: 3 });
    expect(payload.tests.map((t) => [t.name, t.score])).toEqual([
      ['integrity', 0],
      ['01-x · X & <Y>', 1.5],
    ]);
  });
});
