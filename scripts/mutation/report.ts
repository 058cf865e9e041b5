/**
 * Reading StrykerJS' JSON report (mutation-testing-report-schema) of one exercise: the counts,
 * the score with the checked-in equivalent mutants taken out, and the survivors left to kill.
 *
 * The score: (killed + timed out) / (killed + timed out + survived + no coverage), where
 * survived and no coverage no longer count the mutants the list names as equivalent. So an
 * equivalent mutant is neither a failure nor a success: it leaves the denominator, as
 * mutation-testing papers define the score. StrykerJS' own report (HTML) still counts it as
 * survived. Mutants StrykerJS could not run (compile or runtime errors, ignored) are not valid
 * mutants and are left out, as StrykerJS does.
 */
import { formatTable } from '../lib/table.ts';
import { type EquivalentEntry, normaliseCode, textMatches } from './equivalent.ts';

interface Position {
  line: number;
  column: number;
}

/** The part of a mutant StrykerJS' report holds that is read here (lines and columns 1-based). */
export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  static?: boolean;
  coveredBy?: string[];
  location: { start: Position; end: Position };
}

export interface StrykerReport {
  files: Record<string, { source: string; mutants: ReportMutant[] }>;
  testFiles?: Record<string, { tests: { id: string; name: string }[] }>;
}

export interface Mutant {
  id: string;
  /** relative to the repository root, with forward slashes */
  file: string;
  line: number;
  column: number;
  mutator: string;
  original: string;
  replacement: string;
  /** Killed, Timeout, Survived, NoCoverage, CompileError, RuntimeError or Ignored */
  status: string;
  /** run only while the module loads (a top-level constant, say) */
  static: boolean;
  /** the names of the tests that run the mutated code */
  coveredBy: string[];
}

export interface ExerciseScore {
  exercise: string;
  killed: number;
  timeout: number;
  /** survived and not listed as equivalent */
  survived: number;
  /** no test runs it, and not listed as equivalent */
  noCoverage: number;
  equivalent: number;
  /** compile errors, runtime errors and ignored mutants: not valid, not counted */
  invalid: number;
  /** percent, equivalent mutants left out; null when there is no valid mutant */
  score: number | null;
  /** the survivors and uncovered mutants left to kill, in file and line order */
  survivors: Mutant[];
  /** the mutants that timed out (counted as killed): worth a look when one is not a loop */
  timedOut: Mutant[];
  /** entries of the list for this exercise that no longer name an undetected mutant */
  staleEntries: string[];
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** The source text between two 1-based positions. */
export function textAt(source: string, start: Position, end: Position): string {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  const offset = (p: Position) => (starts[p.line - 1] ?? source.length) + p.column - 1;
  return source.slice(offset(start), offset(end));
}

/** Every mutant of the report, with its original text and its covering tests by name. */
export function mutantsOf(report: StrykerReport): Mutant[] {
  const testNames = new Map<string, string>();
  for (const file of Object.values(report.testFiles ?? {})) for (const t of file.tests) testNames.set(t.id, t.name);
  return Object.entries(report.files)
    .flatMap(([name, file]) =>
      file.mutants.map((m) => ({
        id: m.id,
        file: name.replace(/\\/g, '/'),
        line: m.location.start.line,
        column: m.location.start.column,
        mutator: m.mutatorName,
        original: textAt(file.source, m.location.start, m.location.end),
        replacement: m.replacement ?? '',
        status: m.status,
        static: m.static ?? false,
        coveredBy: (m.coveredBy ?? []).map((id) => testNames.get(id) ?? id),
      })),
    )
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** Which undetected mutants the entries name; what is wrong with the entries that name none. */
function matchEquivalents(mutants: readonly Mutant[], entries: readonly EquivalentEntry[]) {
  const claimed = new Set<string>();
  const stale: string[] = [];
  for (const e of entries) {
    const matches = mutants.filter(
      (m) =>
        m.file === e.file &&
        m.mutator === e.mutator &&
        textMatches(e.replacement, m.replacement) &&
        textMatches(e.original, m.original),
    );
    const open = matches.filter((m) => UNDETECTED.has(m.status) && !claimed.has(m.id));
    const where = `${e.file}:${e.line} ${e.mutator} ${short(e.original)} → ${short(e.replacement)}`;
    if (open.length > 0) {
      const nearest = open.reduce((a, b) => (Math.abs(b.line - e.line) < Math.abs(a.line - e.line) ? b : a));
      claimed.add(nearest.id);
    } else if (matches.some((m) => DETECTED.has(m.status))) {
      stale.push(`${where}: listed as equivalent, but a test kills it now: take the entry out`);
    } else {
      stale.push(`${where}: listed as equivalent, but matches no surviving mutant: update the entry or take it out`);
    }
  }
  return { claimed, stale };
}

/** The counts, the score and the survivors of one exercise (`exercise`: its folder name). */
export function scoreExercise(
  exercise: string,
  report: StrykerReport,
  entries: readonly EquivalentEntry[],
): ExerciseScore {
  const mutants = mutantsOf(report);
  const own = entries.filter((e) => e.file.startsWith(`solutions/${exercise}/`));
  const { claimed, stale } = matchEquivalents(mutants, own);
  const count = (status: string) => mutants.filter((m) => m.status === status && !claimed.has(m.id)).length;
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = killed + timeout + survived + noCoverage;
  return {
    exercise,
    killed,
    timeout,
    survived,
    noCoverage,
    equivalent: claimed.size,
    invalid: mutants.length - valid - claimed.size,
    score: valid === 0 ? null : (100 * (killed + timeout)) / valid,
    survivors: mutants.filter((m) => UNDETECTED.has(m.status) && !claimed.has(m.id)),
    timedOut: mutants.filter((m) => m.status === 'Timeout'),
    staleEntries: stale,
  };
}

/** A source text on one line, cut to `max` characters with a closing `…`. */
export function short(text: string, max = 60): string {
  const one = normaliseCode(text);
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** `file:line  Mutator  original → replacement`, one line per survivor. */
export function survivorLine(m: Mutant): string {
  const note = m.status === 'NoCoverage' ? '  (no test runs it)' : m.static ? '  (static)' : '';
  return `${m.file}:${m.line}  ${m.mutator}  ${short(m.original)} → ${short(m.replacement)}${note}`;
}

export function formatScore(score: number | null): string {
  return score === null ? 'n/a' : `${score.toFixed(1)}%`;
}

/** Whether the exercise reaches the threshold (no valid mutant at all passes). */
export function meetsThreshold(s: ExerciseScore, threshold: number): boolean {
  return s.score === null || s.score >= threshold;
}

/** `03-matmul: 312 mutants — 280 killed, …: score 91.2% (≥ 90 ✓)`. */
export function exerciseLine(s: ExerciseScore, threshold: number): string {
  const total = s.killed + s.timeout + s.survived + s.noCoverage + s.equivalent;
  const parts = [
    `${s.killed} killed`,
    `${s.timeout} timed out`,
    `${s.survived} survived`,
    `${s.noCoverage} no coverage`,
    `${s.equivalent} equivalent`,
  ];
  const invalid = s.invalid > 0 ? ` (and ${s.invalid} not run: errors or ignored)` : '';
  const mark = meetsThreshold(s, threshold) ? `≥ ${threshold} ✓` : `< ${threshold} ✗`;
  return `${s.exercise}: ${total} mutants — ${parts.join(', ')}${invalid}: score ${formatScore(s.score)} (${mark})`;
}

/** `45 s`, `4 min 12 s`. */
export function formatDuration(seconds: number): string {
  const t = Math.round(seconds);
  return t < 60 ? `${t} s` : `${Math.floor(t / 60)} min ${t % 60} s`;
}

/** The closing table over the exercises of a run; `seconds` per exercise where known. */
export function scoreTable(rows: readonly (ExerciseScore & { seconds?: number })[], threshold: number): string {
  const header = [
    'exercise',
    'mutants',
    'killed',
    'timeout',
    'survived',
    'no cov',
    'equiv',
    'score',
    'time',
    `≥ ${threshold}`,
  ];
  return formatTable(
    header,
    rows.map((s) => [
      s.exercise,
      String(s.killed + s.timeout + s.survived + s.noCoverage + s.equivalent),
      String(s.killed),
      String(s.timeout),
      String(s.survived),
      String(s.noCoverage),
      String(s.equivalent),
      formatScore(s.score),
      s.seconds === undefined ? '' : formatDuration(s.seconds),
      meetsThreshold(s, threshold) ? '✓' : '✗',
    ]),
  );
}
