/**
 * `npm run new-exercise -- <slug>`: scaffolds a complete, valid exercise that follows the
 * anatomy of CONTRIBUTING.md and passes tests/integrity.test.ts and tests/stubs-fail.test.ts
 * as generated, with one example step for the author to replace.
 *
 *   npm run new-exercise -- loss-functions
 *   npm run new-exercise -- loss-functions --title "Loss functions" --seed-section 2.4.1 --number 12
 *
 *   <slug>              lowercase-kebab (loss-functions): the folder is NN-slug, the files slug.ts, slug.spec.ts
 *   --title "Title"     the README heading (default: the slug in words, "Loss functions")
 *   --seed-section S    the seed section it teaches: 2.4, 2.3.1–2.3.2, "2.1, 2.5" (default: a placeholder)
 *   --number NN         its number (default: the next after the highest in exercises/ and solutions/)
 *   --root DIR          the kata to write into (default: this repository)
 *   --help              this text
 *
 * It writes exercises/NN-slug/ (README.md, README.ko.md, HINTS.md, HINTS.ko.md, the stub slug.ts, the spec
 * slug.spec.ts), solutions/NN-slug/slug.ts and the grader's judge grading/judges/NN-slug.ts from
 * the templates in scripts/templates/ (`__SLUG__.ts` is the stub, `__SLUG__.solution.ts` the
 * solution, `__SLUG__.judge.ts` the judge; __NN__, __SLUG__, __NAME__ and __TITLE__ are replaced). Every place the author must edit says "TODO for the author".
 * All of it is built in a temporary folder inside the kata and renamed into place, so an
 * error never leaves half an exercise behind. Exit code 2: a bad argument, a slug that is
 * not lowercase-kebab, a number or folder that is taken (nothing is written).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { helpText, parseCommandArgs } from './lib/args.ts';
import { EXERCISE_DIR_PATTERN, ROOT } from './lib/exercises.ts';
import { renameWithRetry } from './lib/files.ts';

export const TEMPLATES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'templates');
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** Seed sections as the READMEs write them: 2.4, 2.3.1–2.3.2, 2.1, 2.3 and 2.5. */
export const SEED_SECTION_PATTERN = /^\d+(\.\d+)*(\s*(,|–|-|and)\s*\d+(\.\d+)*)*$/;
/** File names Windows refuses, with any extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/;

const USAGE =
  'usage: npm run new-exercise -- <slug> [--title "Title"] [--seed-section 2.4] [--number NN]   (--help for more)';

/** A problem with what was asked for: exit code 2, nothing written. */
export class UsageError extends Error {}

export interface ExerciseRequest {
  slug: string;
  title?: string | undefined;
  seedSection?: string | undefined;
  number?: string | undefined;
}

export interface ExercisePlan {
  /** '12' */
  id: string;
  slug: string;
  /** '12-loss-functions' */
  name: string;
  title: string;
  seedSection: string | null;
  /** path relative to the kata's root, with forward slashes → content */
  files: Map<string, string>;
}

/** The templates and where each goes, for an exercise called `name` with files `slug`. */
const TEMPLATE_TARGETS: readonly (readonly [template: string, target: (name: string, slug: string) => string])[] = [
  ['README.template.md', (name) => `exercises/${name}/README.md`],
  ['README.ko.template.md', (name) => `exercises/${name}/README.ko.md`],
  ['HINTS.template.md', (name) => `exercises/${name}/HINTS.md`],
  ['HINTS.ko.template.md', (name) => `exercises/${name}/HINTS.ko.md`],
  ['__SLUG__.ts', (name, slug) => `exercises/${name}/${slug}.ts`],
  ['__SLUG__.spec.ts', (name, slug) => `exercises/${name}/${slug}.spec.ts`],
  ['__SLUG__.solution.ts', (name, slug) => `solutions/${name}/${slug}.ts`],
  ['__SLUG__.judge.ts', (name) => `grading/judges/${name}.ts`],
];

/** 'loss-functions' → 'Loss functions' */
export function titleFromSlug(slug: string): string {
  const words = slug.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The exercise folders (NN-…) of exercises/ and solutions/, by number. */
function takenNumbers(root: string): Map<number, string[]> {
  const taken = new Map<number, string[]>();
  for (const tree of ['exercises', 'solutions']) {
    const dir = path.join(root, tree);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const m = /^(\d\d)-/.exec(entry.name);
      if (!m || !entry.isDirectory()) continue;
      const n = Number(m[1]);
      taken.set(n, [...(taken.get(n) ?? []), `${tree}/${entry.name}`]);
    }
  }
  return taken;
}

function seedLines(section: string | null): { en: string; ko: string } {
  if (!section) {
    return {
      en: '_Seed section ?.? — Deep Learning with Python, 2nd ed., §?.?._\n<!-- TODO for the author: name the seed section this exercise teaches, as `npm run new-exercise -- … --seed-section 2.4` would have. -->',
      ko: '_시드 노트 ?.?절 — 케라스 창시자에게 배우는 딥러닝 개정 2판, ?.?절._',
    };
  }
  const plural = /[,–-]|and/.test(section);
  return {
    en: `_Seed section${plural ? 's' : ''} ${section} — Deep Learning with Python, 2nd ed., §${section}._`,
    ko: `_시드 노트 ${section.replace(/\band\b/g, '및')}절 — 케라스 창시자에게 배우는 딥러닝 개정 2판, ${section.replace(/\band\b/g, '및')}절._`,
  };
}

/**
 * Replaces every __TOKEN__, drops the lines marked `@template-only` (lint suppressions and
 * imports the templates need under scripts/ but their targets do not) and uncomments the lines
 * marked `// @template-target ` (what the target needs instead). A token left over is a broken
 * template, not the user's fault.
 */
export function fillTemplate(text: string, values: Record<string, string>, what: string): string {
  const out = text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .filter((line) => !line.includes('@template-only'))
    .map((line) => line.replace(/^(\s*)\/\/ @template-target /, '$1'))
    .join('\n');
  // One pass: a value (a title, say) is never scanned for placeholders itself.
  return out.replace(/__([A-Z][A-Z_]*?)__/g, (token, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${what} has an unknown placeholder ${token}`);
    return value;
  });
}

/** Checks the request against the kata at `root` and renders every file; throws UsageError. */
export function planExercise(root: string, request: ExerciseRequest, templatesDir = TEMPLATES_DIR): ExercisePlan {
  if (!existsSync(path.join(root, 'exercises')) || !statSync(path.join(root, 'exercises')).isDirectory()) {
    throw new UsageError(`${root} is not a kata: it has no exercises/ folder`);
  }
  const { slug } = request;
  if (!SLUG_PATTERN.test(slug)) {
    throw new UsageError(
      `the slug ${JSON.stringify(slug)} is not lowercase-kebab: use lowercase letters and digits separated by single dashes, like loss-functions`,
    );
  }
  if (!/[a-z]/.test(slug)) {
    throw new UsageError(
      `the slug ${JSON.stringify(slug)} has no letter: it would read as an exercise number (npm run hint -- ${slug})`,
    );
  }
  if (WINDOWS_RESERVED.test(slug)) {
    throw new UsageError(`the slug ${JSON.stringify(slug)} is a reserved file name on Windows: choose another`);
  }

  const title = (request.title ?? titleFromSlug(slug)).trim();
  if (!title || /[\r\n]/.test(title)) throw new UsageError('--title must be one non-empty line');
  if (title.includes('*/')) throw new UsageError('--title cannot contain */ (it goes into code comments)');

  let seedSection: string | null = null;
  if (request.seedSection !== undefined) {
    seedSection = request.seedSection.trim().replace(/(\d)\s*-\s*(\d)/g, '$1–$2');
    if (!SEED_SECTION_PATTERN.test(seedSection)) {
      throw new UsageError(
        `--seed-section ${JSON.stringify(request.seedSection)} is not a section number: use one like 2.4, 2.3.1–2.3.2 or "2.1, 2.5"`,
      );
    }
  }

  const taken = takenNumbers(root);
  let id: string;
  if (request.number !== undefined) {
    const n = /^\d{1,2}$/.test(request.number) ? Number(request.number) : Number.NaN;
    if (!(n >= 1 && n <= 99)) {
      throw new UsageError(`--number ${JSON.stringify(request.number)} is not an exercise number: use 1 to 99`);
    }
    id = String(n).padStart(2, '0');
  } else {
    const next = Math.max(0, ...taken.keys()) + 1;
    if (next > 99) throw new UsageError('exercise 99 exists: there is no next number, give one with --number');
    id = String(next).padStart(2, '0');
  }
  const name = `${id}-${slug}`;
  if (!EXERCISE_DIR_PATTERN.test(name)) throw new UsageError(`${name} is not a valid exercise folder name`);

  for (const tree of ['exercises', 'solutions']) {
    if (existsSync(path.join(root, tree, name))) throw new UsageError(`${tree}/${name} already exists`);
  }
  const holders = taken.get(Number(id));
  if (holders) throw new UsageError(`number ${id} is taken by ${holders.join(' and ')}: choose another --number`);
  const sameSlug = [...taken.values()].flat().find((dir) => dir.split('/')[1]?.slice(3) === slug);
  if (sameSlug) {
    throw new UsageError(`the slug ${JSON.stringify(slug)} is taken by ${sameSlug}: each exercise needs its own`);
  }

  const seed = seedLines(seedSection);
  const values = { NN: id, SLUG: slug, NAME: name, TITLE: title, SEED_LINE: seed.en, SEED_LINE_KO: seed.ko };
  const files = new Map<string, string>();
  for (const [template, target] of TEMPLATE_TARGETS) {
    const text = readFileSync(path.join(templatesDir, template), 'utf8');
    files.set(target(name, slug), fillTemplate(text, values, template));
  }
  return { id, slug, name, title, seedSection, files };
}

/**
 * Writes the plan's files: everything goes into a temporary folder inside `root` first, then
 * solutions/NN-slug and exercises/NN-slug are renamed into place (the exercise last, so a
 * tool that lists exercises never sees one without its solution). On any error, whatever
 * was moved is removed again and the temporary folder is deleted. Returns the files written.
 */
export function writeExercise(
  root: string,
  plan: ExercisePlan,
  rename: (from: string, to: string) => void = renameWithRetry,
): string[] {
  const staging = path.join(root, `.new-exercise-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const moved: string[] = [];
  try {
    for (const [rel, text] of plan.files) {
      const file = path.join(staging, ...rel.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    // the judge, the solution, then the exercise: a tool that lists exercises never sees one without them
    for (const rel of [`grading/judges/${plan.name}.ts`, `solutions/${plan.name}`, `exercises/${plan.name}`]) {
      if (!existsSync(path.join(staging, rel))) continue;
      const target = path.join(root, rel);
      // a folder made here (grading/judges/ in a kata without judges yet) goes too on failure
      const made = mkdirSync(path.dirname(target), { recursive: true });
      if (made) moved.push(made);
      // Checked again just before the move: renaming onto an empty folder would succeed on POSIX.
      if (existsSync(target)) throw new UsageError(`${rel} appeared while it was being written`);
      rename(path.join(staging, rel), target);
      moved.push(target);
    }
    return [...plan.files.keys()];
  } catch (e) {
    for (const dir of moved.reverse()) rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The numbers below `n` without an exercises/ folder (a gap the integrity test reports). */
export function missingBefore(root: string, n: number): string[] {
  const present = new Set<number>();
  for (const [k, dirs] of takenNumbers(root)) if (dirs.some((d) => d.startsWith('exercises/'))) present.add(k);
  const missing: string[] = [];
  for (let k = 1; k < n; k++) if (!present.has(k)) missing.push(String(k).padStart(2, '0'));
  return missing;
}

/** What the author does next. */
export function nextSteps(root: string, plan: ExercisePlan): string[] {
  const { name, slug, id } = plan;
  const previous = [...takenNumbers(root).entries()]
    .filter(([n]) => n < Number(id))
    .sort(([a], [b]) => b - a)
    .flatMap(([, dirs]) => dirs)
    .find((d) => d.startsWith('exercises/') && d !== `exercises/${name}`);
  const steps = [
    `Write the exercise: exercises/${name}/README.md (concept, worked example, "## Steps", notes, seed section), README.ko.md (the same in Korean), HINTS.md (2+ tiers per step) and HINTS.ko.md (the same hints in Korean). Replace every "TODO for the author" comment: git grep -n --untracked "TODO for the author" -- exercises/${name} solutions/${name}`,
    `Replace the example step: one describe('step k: …') per README step in ${slug}.spec.ts, the API in ${slug}.ts (every body throws TODO(${name})), the reference in solutions/${name}/${slug}.ts.`,
    `Replace the example judge case: one or more per README step in grading/judges/${name}.ts (INSTRUCTORS.md, "The judge").`,
    `Check it: npx vitest run --project solutions exercises/${name}   (the reference passes)`,
    `          npx vitest run --project exercises exercises/${name}   (every spec fails with TODO(${name}))`,
    `          npx vitest run --project repo tests/grade/judges.test.ts -t ${name}   (the judge agrees with the reference, not with the stub)`,
  ];
  if (previous) steps.push(`Point the "Next:" line of ${previous}/README.md and README.ko.md to ${name}.`);
  if (existsSync(path.join(root, 'grading', 'manifest.json'))) {
    steps.push('npm run manifest   (grading/manifest.json must list the new spec, or npm test fails)');
  }
  steps.push('npm test');
  return steps;
}

export interface Io {
  log: (line: string) => void;
  error: (line: string) => void;
}

/** The command: returns its exit code (0 done, 1 failed while writing, 2 refused). */
export function main(argv: readonly string[], io: Io = { log: console.log, error: console.error }): number {
  const refuse = (message: string) => {
    io.error(`npm run new-exercise: ${message}`);
    io.error(USAGE);
    return 2;
  };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    return refuse((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.log(helpText(import.meta.url));
    return 0;
  }
  if (positionals.length === 0) return refuse('missing the slug of the new exercise');
  if (positionals.length > 1) {
    return refuse(`give one slug, not ${positionals.length} (${positionals.join(' ')}); quote a title with spaces`);
  }
  const root = path.resolve(values.root ?? ROOT);
  let plan: ExercisePlan;
  try {
    plan = planExercise(root, {
      slug: positionals[0] as string,
      title: values.title,
      seedSection: values['seed-section'],
      number: values.number,
    });
  } catch (e) {
    if (e instanceof UsageError) return refuse(e.message);
    io.error(`npm run new-exercise: ${(e as Error).message}`);
    return 1;
  }
  let written: string[];
  try {
    written = writeExercise(root, plan);
  } catch (e) {
    if (e instanceof UsageError) return refuse(e.message);
    io.error(`npm run new-exercise: could not write ${plan.name}, nothing was left behind: ${(e as Error).message}`);
    return 1;
  }
  const seed = plan.seedSection ? `seed section ${plan.seedSection}` : 'no seed section yet';
  io.log(`Created exercise ${plan.id} · ${plan.title} (${seed}), with one example step:`);
  for (const file of written) io.log(`  ${file}`);
  const gaps = missingBefore(root, Number(plan.id));
  if (gaps.length > 0) {
    io.log('');
    io.log(
      `Note: exercises/ has no ${gaps.join(', ')} yet; tests/integrity.test.ts wants the numbers 01, 02, … without gaps.`,
    );
  }
  io.log('');
  io.log('Next steps:');
  let k = 0;
  for (const step of nextSteps(root, plan)) io.log(step.startsWith(' ') ? `   ${step}` : `${++k}. ${step}`);
  return 0;
}

function parse(argv: readonly string[]) {
  return parseCommandArgs(argv, {
    title: { type: 'string' },
    'seed-section': { type: 'string' },
    number: { type: 'string' },
    root: { type: 'string' },
  });
}

// Run only as a script, not when a test imports this module.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
