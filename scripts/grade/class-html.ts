/**
 * class.html: the class report as one page that opens from the artifact with no network —
 * inline CSS, one inline script (allowed by its hash in the page's Content-Security-Policy,
 * which allows nothing else to load), an inline SVG chart. Everything a learner controls
 * (names, messages, folder names) is HTML-escaped; it is data, never markup.
 *   - points per learner, sortable by any column;
 *   - the pass rate of every exercise and of each of its steps, as bars;
 *   - the ten specs that fail most often, each with its most common failure message;
 *   - the grader's flags per learner: not fetched, not isolated, protected files changed,
 *     judge disagreements, near-copies of the reference, runs that timed out or crashed.
 */
import { createHash } from 'node:crypto';
import type { ClassLearner, ClassReport } from './class.ts';
import type { ExerciseReport, TestReport } from './types.ts';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const num = (x: number) => String(Math.round(x * 100) / 100);
/** Cut to fit the chart's label column (bold exercise names are wider). */
const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;

/** Failing, as opposed to passed or never run (a learner whose run stopped early is not stuck on the rest). */
const FAILING = new Set(['failed', 'unconfirmed', 'timeout', 'error']);

/** A learner whose code was graded (fetched, not refused as a whole): the pass rates count them. */
const gradedLearner = (l: ClassLearner) =>
  l.fetchError === null && l.report.exercises.some((e) => e.run.status !== 'not-graded');

/** "step 2: mean" for a test named "step 2: mean > …"; hidden tests and others have a group of their own. */
function stepOf(t: TestReport): string {
  if (t.hidden) return 'hidden tests';
  const m = /^(step \d+\b[^>]*?)\s*(>|$)/.exec(t.name);
  return m ? (m[1] as string) : 'other tests';
}

/**
 * What the grader found worth a look, per learner. The judge is a flag where it contradicts
 * passing specs (tests "unconfirmed", or an exercise scored 0): code that is merely unfinished
 * fails its specs and the judge alike, and is no flag.
 */
export function flagsOf(l: ClassLearner): string[] {
  const r = l.report;
  const flags: string[] = [];
  if (l.fetchError !== null) flags.push(`not fetched: ${l.fetchError}`);
  else if (r.integrity.refused.length) flags.push(`refused: ${r.integrity.refused.join(', ')}`);
  if (!r.isolation.isolated) flags.push('not isolated');
  const changed = [...r.integrity.modified, ...r.integrity.deleted];
  if (changed.length) flags.push(`protected files changed: ${changed.join(', ')}`);
  for (const e of r.exercises) {
    const unconfirmed = e.tests.filter((t) => t.status === 'unconfirmed').length;
    if (e.judge?.verdict === 'contradiction') flags.push(`${e.name}: specs passed, the judge disagrees (scored 0)`);
    else if (unconfirmed) {
      const steps = e.judge?.steps.filter((s) => s.status !== 'agrees').map((s) => s.step) ?? [];
      flags.push(`${e.name}: ${unconfirmed} passing tests the judge finds wrong (step ${steps.join(', ')})`);
    }
    if (e.copied !== null) flags.push(`${e.name}: near-copy of the reference (${Math.round(e.copied * 100)} %)`);
    if (e.run.status === 'timeout' || e.run.status === 'crashed' || e.run.status === 'out-of-memory') {
      flags.push(`${e.name}: ${e.run.status}`);
    }
  }
  return flags;
}

interface Rate {
  label: string;
  step: boolean;
  passed: number;
  total: number;
}

function passRates(learners: ClassLearner[], exercises: ExerciseReport[]): Rate[] {
  const rows: Rate[] = [];
  exercises.forEach((ex, i) => {
    const steps = new Map<string, Rate>();
    const whole: Rate = { label: `${ex.name} · ${ex.title}`, step: false, passed: 0, total: 0 };
    for (const l of learners) {
      for (const t of l.report.exercises[i]?.tests ?? []) {
        const key = stepOf(t);
        const s = steps.get(key) ?? { label: key, step: true, passed: 0, total: 0 };
        steps.set(key, s);
        for (const r of [s, whole]) {
          r.total++;
          if (t.status === 'passed') r.passed++;
        }
      }
    }
    rows.push(whole, ...steps.values());
  });
  return rows;
}

function chart(rates: Rate[]): string {
  const row = 18;
  const label = 330;
  const bar = 360;
  const colour = (r: number) => (r >= 0.8 ? '#2e7d32' : r >= 0.5 ? '#f9a825' : '#c62828');
  const bars = rates.map((r, i) => {
    const rate = r.total ? r.passed / r.total : 0;
    const y = i * row;
    const name = r.step ? `  ${r.label}` : r.label;
    return `<g class="${r.step ? 'step' : 'exercise'}"><title>${esc(`${r.label}: ${r.passed} of ${r.total} tests passed`)}</title><text x="${r.step ? 16 : 0}" y="${y + 13}">${esc(short(name.trim(), r.step ? 46 : 42))}</text><rect x="${label}" y="${y + 3}" width="${bar}" height="${row - 6}" fill="#eee"/><rect x="${label}" y="${y + 3}" width="${Math.round(bar * rate)}" height="${row - 6}" fill="${colour(rate)}"/><text x="${label + bar + 6}" y="${y + 13}">${pct(rate)}</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="pass rate per exercise and step" width="${label + bar + 70}" height="${rates.length * row}" viewBox="0 0 ${label + bar + 70} ${rates.length * row}">${bars.join('')}</svg>`;
}

interface Stuck {
  exercise: string;
  test: string;
  failing: number;
  out: number;
  message: string;
  times: number;
}

/** The ten specs most learners fail, each with its most common message (ties: the first in the kata's order). */
function stuck(learners: ClassLearner[], exercises: ExerciseReport[]): Stuck[] {
  const all: (Stuck & { order: number })[] = [];
  exercises.forEach((ex, i) => {
    ex.tests.forEach((t0, j) => {
      const messages = new Map<string, number>();
      let failing = 0;
      for (const l of learners) {
        const t = l.report.exercises[i]?.tests[j];
        if (!t || !FAILING.has(t.status)) continue;
        failing++;
        const m = t.hidden ? '(a hidden test: its messages are not shown)' : `${t.status}: ${t.message ?? ''}`;
        messages.set(m, (messages.get(m) ?? 0) + 1);
      }
      if (!failing) return;
      const [message, times] = [...messages].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] as [
        string,
        number,
      ];
      all.push({ exercise: ex.name, test: t0.name, failing, out: learners.length, message, times, order: all.length });
    });
  });
  return all.sort((a, b) => b.failing - a.failing || a.order - b.order).slice(0, 10);
}

const SCRIPT = `for (const table of document.querySelectorAll('table.sortable')) {
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((th, col) => {
    th.querySelector('button').addEventListener('click', () => {
      const dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
      for (const h of heads) h.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', dir);
      const key = (row) => row.cells[col].dataset.sort ?? row.cells[col].textContent;
      const rows = [...table.tBodies[0].rows];
      rows.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        const c = th.dataset.type === 'number' ? Number(x) - Number(y) : x.localeCompare(y);
        return (dir === 'ascending' ? c : -c) || Number(a.dataset.index) - Number(b.dataset.index);
      });
      table.tBodies[0].append(...rows);
    });
  });
}
`;

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}th button{font:inherit;font-weight:600;border:0;background:none;cursor:pointer;padding:0}
th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
.flags{color:#a33}.caution{background:#fdecea;border-left:4px solid #c62828;padding:8px 12px}
svg text{font:12px system-ui,sans-serif}svg g.exercise text{font-weight:600}.muted{color:#666}`;

export function toClassHtml(cls: ClassReport): string {
  const learners = cls.learners;
  const first = learners[0]?.report;
  const exercises = first?.exercises ?? [];
  const graded = learners.filter(gradedLearner);
  const head = exercises.map(
    (e) => `<th class="n" data-type="number" title="${esc(e.title)}"><button>${esc(e.name.slice(0, 2))}</button></th>`,
  );
  const rows = learners.map((l) => {
    const r = l.report;
    const flags = flagsOf(l);
    const cells = r.exercises.map((e) => `<td class="n" data-sort="${e.points}">${num(e.points)}</td>`);
    return `<tr data-index="${l.index}"><td><a href="learners/${esc(encodeURIComponent(l.folder))}/summary.md">${esc(r.learner)}</a></td><td class="n" data-sort="${r.score.points}">${num(r.score.points)} / ${num(r.score.possible)}</td><td class="n" data-sort="${r.score.percent}">${r.score.percent}</td>${cells.join('')}<td class="n" data-sort="${flags.length}">${flags.length || ''}</td></tr>`;
  });
  const top = stuck(graded, exercises).map(
    (s) =>
      `<tr><td>${esc(s.exercise)}</td><td>${esc(s.test)}</td><td class="n">${s.failing} of ${s.out}</td><td>${esc(s.message)} <span class="muted">(${s.times}×)</span></td></tr>`,
  );
  const flagged = learners
    .map((l) => [l, flagsOf(l)] as const)
    .filter(([, f]) => f.length)
    .map(([l, f]) => `<li><b>${esc(l.report.learner)}</b>: <span class="flags">${f.map(esc).join('; ')}</span></li>`);
  const isolated = learners.every((l) => l.report.isolation.isolated);
  const title = `${first?.kata.name ?? 'kata'}: ${learners.length} learners`;
  const hash = createHash('sha256').update(SCRIPT).digest('base64');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body>
<h1>${esc(title)}</h1>
<p class="muted">${esc(first ? `${first.kata.name} ${first.kata.version} · manifest ${first.manifest.sha256.slice(0, 12)} · seed ${first.settings.seed}${first.settings.hidden ? ' · with hidden tests' : ''}` : '')} · ${graded.length} of ${learners.length} graded</p>
${isolated ? '' : '<p class="caution"><b>Not isolated</b>: some learner code ran with the grader\'s user rights (see the flags).</p>'}
<h2>Points</h2>
<table class="sortable" id="points"><thead><tr><th><button>learner</button></th><th class="n" data-type="number"><button>points</button></th><th class="n" data-type="number"><button>%</button></th>${head.join('')}<th class="n" data-type="number"><button>flags</button></th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<h2>Pass rate per exercise and step</h2>
${graded.length ? chart(passRates(graded, exercises)) : '<p>No learner was graded.</p>'}
<h2>Where the class is stuck: the specs that fail most often</h2>
${top.length ? `<table id="stuck"><thead><tr><th>exercise</th><th>spec</th><th class="n">failing</th><th>most common failure</th></tr></thead><tbody>${top.join('\n')}</tbody></table>` : '<p>No spec fails.</p>'}
<h2>Flags</h2>
${flagged.length ? `<ul id="flags">${flagged.join('\n')}</ul>` : '<p>None.</p>'}
<script>${SCRIPT}</script>
</body></html>
`;
}
