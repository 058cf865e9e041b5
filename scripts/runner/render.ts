/** The runner's screen and the exercise list, as text (pure functions of what is known). */
import { existsSync, readFileSync } from 'node:fs';
import { readmeExcerpt, readmeFile, readmeStep, stepTitles, titleFor } from '../lib/docs.ts';
import type { Exercise } from '../lib/exercises.ts';
import { rel } from '../lib/files.ts';
import type { Lang, Messages } from '../lib/messages.ts';
import { displayWidth, padEndWidth, type Style, truncate } from '../lib/term.ts';
import {
  type ExerciseResult,
  type FailureInfo,
  firstFailure,
  isPassing,
  type Location,
  stepOf,
  stepSummaries,
  type Todo,
} from './spec-results.ts';
import type { ExerciseRecord } from './state.ts';
import { progressBar } from './status.ts';

export interface RenderContext {
  root: string;
  lang: Lang;
  m: Messages;
  style: Style;
  /** terminal width */
  width: number;
}

/** Lines of a failure message shown before it is cut (side-by-side arrays need ~20). */
const MAX_MESSAGE_LINES = 40;
const MAX_DIFF_LINES = 30;
const MAX_LOG_LINES = 10;

function capLines(text: string, max: number): string[] {
  const lines = text.split('\n');
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max), `… (${lines.length - max} more lines)`];
}

function indent(lines: readonly string[], by = '    '): string[] {
  return lines.map((l) => (l === '' ? '' : by + l));
}

/** `exercises/01-tensors/tensors.spec.ts:57  expect(rank([])).toBe(1);` */
function locationLine(ctx: RenderContext, label: string, at: Location, showSource: boolean): string {
  let source = '';
  if (showSource && existsSync(at.file)) {
    source = readFileSync(at.file, 'utf8').split(/\r?\n/)[at.line - 1]?.trim() ?? '';
  }
  const where = `${rel(ctx.root, at.file)}:${at.line}:${at.column}`;
  const fn = at.fn && !showSource ? ` (${at.fn})` : '';
  return `${ctx.style.dim(`${label}:`)} ${ctx.style.cyan(where)}${fn}${source ? `  ${ctx.style.dim(source)}` : ''}`;
}

export function nextLine(ctx: RenderContext, todo: Todo, current: Exercise): string {
  const other = todo.tag !== current.name ? todo.tag : undefined;
  return todo.fn && todo.step ? ctx.m.nextImplement(todo.fn, todo.step, other) : ctx.m.nextRaw(todo.text);
}

function failureLines(ctx: RenderContext, f: FailureInfo, title: string): string[] {
  const { style, m } = ctx;
  const out = [style.bold(m.failingSpec), `  ${style.red(`✗ ${title}`)}`];
  out.push(...indent(capLines(f.message, MAX_MESSAGE_LINES)));
  // A diff of two one-line values repeats what the message says; objects and arrays need it.
  const diffBody = f.diff?.split('\n').filter((l) => /^[-+] /.test(l) && !/^[-+] (Expected|Received)$/.test(l)) ?? [];
  if (f.diff && diffBody.length > 2 && !f.message.includes(f.diff)) {
    out.push('', ...indent(capLines(f.diff, MAX_DIFF_LINES)));
  }
  if (f.specAt) out.push(`  ${locationLine(ctx, m.specLabel, f.specAt, true)}`);
  if (f.codeAt) out.push(`  ${locationLine(ctx, m.codeLabel, f.codeAt, true)}`);
  return out;
}

export interface ScreenModel {
  exercises: readonly Exercise[];
  doneCount: number;
  current: Exercise | null;
  /** the latest result of the current exercise */
  result?: ExerciseResult;
  record?: ExerciseRecord;
  /** lines shown on top in green: what just passed */
  banner: string[];
  /** a hint, the list, a diff: shown below the status */
  panel?: string;
  /** a one-line notice (state rebuilt, polling, …) */
  notice?: string[];
  ranMs?: number;
  afterSaveMs?: number;
  /** how keys are read: single keys (TTY), typed lines, or not at all */
  keys: 'keys' | 'lines' | 'none';
  allDone: boolean;
  backend?: string;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

/** The whole screen of `npm start`. */
export function renderScreen(ctx: RenderContext, model: ScreenModel): string {
  const { style, m, width } = ctx;
  const out: string[] = [];
  const total = model.exercises.length;
  out.push(`${style.bold(m.appName)}  ${m.progress(progressBar(model.doneCount, total))}`);
  for (const n of model.notice ?? []) out.push(style.dim(n));
  out.push('');
  if (model.banner.length > 0) out.push(...model.banner.map((l) => style.green(l)), '');
  const ex = model.current;
  if (!ex) {
    out.push(total === 0 ? m.noExercises : style.green(style.bold(m.allDone(total))));
  } else {
    out.push(style.bold(`${ex.id} · ${titleFor(ex, ctx.lang)}`));
    for (const line of readmeExcerpt(ex, ctx.lang)) out.push(style.dim(truncate(`  ${line}`, width)));
    out.push(
      style.dim(truncate(`  ${m.readAndEdit(rel(ctx.root, readmeFile(ex, ctx.lang)), rel(ctx.root, ex.stub))}`, width)),
    );
    out.push('');
    const r = model.result;
    if (r) out.push(...resultLines(ctx, ex, r, model));
    if (r && isPassing(r))
      out.push('', model.allDone ? style.green(style.bold(m.allDone(total))) : m.stillDone(ex.name));
  }
  const logs = model.result?.logs ?? [];
  if (logs.length > 0) {
    out.push('', style.bold(m.consoleOutput), ...indent(logs.slice(-MAX_LOG_LINES), '  '));
  }
  if (model.panel) out.push('', model.panel);
  out.push('');
  const footer: string[] = [];
  if (model.keys === 'keys') footer.push(m.keys);
  if (model.keys === 'lines') footer.push(m.keysLines);
  if (model.backend) footer.push(m.oracle(model.backend));
  if (footer.length > 0) out.push(style.dim(footer.join('   ')));
  return out.join('\n');
}

function resultLines(ctx: RenderContext, ex: Exercise, r: ExerciseResult, model: ScreenModel): string[] {
  const { style, m } = ctx;
  const out: string[] = [];
  const timing = [
    model.ranMs !== undefined ? m.ranIn(seconds(model.ranMs)) : '',
    model.afterSaveMs !== undefined ? m.rerunAfterSave(seconds(model.afterSaveMs)) : '',
    r.quick && r.casesPerProperty !== undefined ? m.quickCheck(r.casesPerProperty) : '',
  ].filter(Boolean);
  const counts = r.total === 0 && r.loadErrors.length > 0 ? m.notRun : m.specsPassing(r.passed, r.total);
  const passing = isPassing(r);
  const status = passing ? style.green(`✓ ${counts}`) : style.red(`✗ ${counts}`);
  out.push(`${style.bold(status)}${timing.length > 0 ? style.dim(`   ${timing.join(' · ')}`) : ''}`);

  const first = firstFailure(r);
  const shownTitle = stepTitles(ex, ctx.lang);
  const steps = stepSummaries(r).map((s) => ({ ...s, shown: shownTitle(s.title, s.step) }));
  if (steps.length > 1) {
    const titleWidth = Math.min(48, Math.max(...steps.map((s) => displayWidth(s.shown))));
    for (const s of steps) {
      const mark = s.passed === s.total ? style.green('✓') : s.passed > 0 ? style.yellow('✗') : style.red('✗');
      const here = first && (first.suites[0] ?? '') === s.title ? style.yellow('  ←') : '';
      const tag = [
        s.optional ? m.optionalStep(r.optionalSkipped === true) : '',
        s.step !== null && r.rechecking?.includes(s.step) ? m.rechecking : '',
      ]
        .filter(Boolean)
        .map((t) => style.dim(`  ${t}`))
        .join('');
      out.push(
        `  ${mark} ${padEndWidth(truncate(s.shown, titleWidth), titleWidth)}  ${s.passed}/${s.total}${here}${tag}`,
      );
    }
  }
  out.push('');
  if (r.stalled) out.push(style.bold(style.red(m.stalled(r.stalled.seconds, r.stalled.test))), '');
  if (r.loadErrors.length > 0) {
    out.push(style.bold(style.red(m.loadFailed(rel(ctx.root, ex.spec)))));
    for (const e of r.loadErrors) {
      out.push(...indent(capLines(e.message, MAX_MESSAGE_LINES)));
      if (e.codeAt) out.push(`  ${locationLine(ctx, m.codeLabel, e.codeAt, true)}`);
    }
    return out;
  }
  if (r.runErrors?.length) {
    out.push(style.bold(style.red(m.runErrors)));
    for (const e of r.runErrors) {
      out.push(...indent(capLines(e.message, MAX_MESSAGE_LINES)));
      if (e.codeAt) out.push(`  ${locationLine(ctx, m.codeLabel, e.codeAt, true)}`);
    }
    out.push('');
  }
  if (r.total === 0) {
    if (!r.stalled) out.push(m.noSpecs(rel(ctx.root, ex.spec)));
    return out;
  }
  if (!first) return out;
  const title = [...first.suites, first.name].join(' › ');
  const f = first.failure;
  if (f?.todo) {
    out.push(style.bold(style.yellow(nextLine(ctx, f.todo, ex))));
    const step = f.todo.tag === ex.name ? (f.todo.step ?? first.step ?? stepOf(first.suites)) : null;
    const text = step ? readmeStep(ex, ctx.lang, step) : undefined;
    if (step && text) out.push(style.dim(truncate(`  ${m.readmeStep(step, text)}`, ctx.width)));
    out.push(style.dim(truncate(`  ${m.specLabel}: ${title}`, ctx.width)));
  } else if (f) {
    out.push(...failureLines(ctx, f, title));
  } else {
    out.push(style.bold(m.failingSpec), `  ${style.red(`✗ ${title}`)} (${first.state})`);
  }
  const more = r.tests.filter((t) => t.state !== 'passed' && !(r.optionalSkipped && t.optional)).length - 1;
  if (more > 0) out.push(style.dim(m.moreFailing(more)));
  return out;
}

export interface ListRow {
  exercise: Exercise;
  record?: ExerciseRecord;
  /** a fresh run's result (undefined: show what the state file says) */
  result?: ExerciseResult;
  current: boolean;
}

/** One line per exercise: mark, number, title, specs passing, status. */
export function renderList(ctx: RenderContext, rows: readonly ListRow[]): string {
  const { style, m } = ctx;
  const titles = new Map(rows.map((r) => [r.exercise.name, titleFor(r.exercise, ctx.lang)]));
  const titleWidth = Math.min(56, Math.max(10, ...[...titles.values()].map((t) => displayWidth(t))));
  return rows
    .map(({ exercise, record, result, current }) => {
      const live = result ? isPassing(result) : undefined;
      const done = live ?? record?.done === true;
      const specs = result
        ? result.loadErrors.length > 0
          ? m.listLoadError
          : m.listSpecs(result.passed, result.total)
        : record?.total !== undefined
          ? m.listSpecs(record.passed ?? 0, record.total)
          : m.listNotRun;
      let status: string;
      if (done) status = style.green(m.listDone);
      else if (record?.done && live === false) status = style.red(m.listFailingAgain);
      else if (current) status = style.yellow(m.listCurrent);
      else status = style.dim(m.listPending);
      const mark = done ? style.green('✓') : current ? style.yellow('→') : style.dim('·');
      const tags = record?.solution?.revealed === 'early' ? style.magenta(`  (${m.listRevealedEarly})`) : '';
      const title = titles.get(exercise.name) ?? exercise.title;
      return `  ${mark} ${exercise.id}  ${padEndWidth(truncate(title, titleWidth), titleWidth)}  ${padEndWidth(specs, 14)} ${status}${tags}`;
    })
    .join('\n');
}
