/**
 * The list of exercises, read from the folders: exercises/NN-slug/ with README.md,
 * README.ko.md, HINTS.md, slug.ts (the stub) and slug.spec.ts, mirrored by
 * solutions/NN-slug/slug.ts. Every tool (runner, hints, grading, integrity test) uses this,
 * so a new folder needs no code anywhere.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXERCISE_DIR_PATTERN = /^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

export interface Exercise {
  /** '01' */
  id: string;
  /** 'tensors' */
  slug: string;
  /** '01-tensors', the folder name and the tag in TODO(01-tensors) errors */
  name: string;
  /** the first heading of README.md, without its leading '01 · ' */
  title: string;
  dir: string;
  stub: string;
  spec: string;
  solution: string;
  readme: string;
  readmeKo: string;
  hints: string;
}

function exerciseAt(root: string, name: string): Exercise {
  const m = EXERCISE_DIR_PATTERN.exec(name);
  if (!m)
    throw new Error(`exercises/${name}: folder names look like 01-tensors (two digits, a dash, a lowercase slug)`);
  const [, id, slug] = m as unknown as [string, string, string];
  const dir = path.join(root, 'exercises', name);
  const readme = path.join(dir, 'README.md');
  const heading = existsSync(readme) ? (/^#\s+(.+)$/m.exec(readFileSync(readme, 'utf8'))?.[1] ?? name) : name;
  return {
    id,
    slug,
    name,
    title: heading.replace(/^\d\d\s*[·.:-]\s*/, '').trim(),
    dir,
    stub: path.join(dir, `${slug}.ts`),
    spec: path.join(dir, `${slug}.spec.ts`),
    solution: path.join(root, 'solutions', name, `${slug}.ts`),
    readme,
    readmeKo: path.join(dir, 'README.ko.md'),
    hints: path.join(dir, 'HINTS.md'),
  };
}

/** Every exercise folder, in order. */
export function listExercises(root = ROOT): Exercise[] {
  const base = path.join(root, 'exercises');
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => exerciseAt(root, name));
}

/** Finds an exercise by '3', '03', 'matmul' or '03-matmul'; the error lists what exists. */
export function findExercise(query: string, root = ROOT): Exercise {
  const all = listExercises(root);
  const q = query.trim().toLowerCase();
  const n = /^\d+$/.test(q) ? q.padStart(2, '0') : null;
  const hit = all.find((e) => e.id === n || e.slug === q || e.name === q);
  if (!hit) {
    throw new Error(
      `no exercise ${JSON.stringify(query)}: choose one of ${all.map((e) => e.name).join(', ') || '(none found)'}`,
    );
  }
  return hit;
}

export interface HintStep {
  /** 1-based step number, from '## Step 3: …' */
  step: number;
  title: string;
  /** the hint texts, gentlest first, from '### Hint 1', '### Hint 2', … */
  tiers: string[];
}

/** Parses HINTS.md: `## Step N: title` sections, each with `### Hint K` tiers. */
export function parseHints(markdown: string): HintStep[] {
  const steps: HintStep[] = [];
  let current: HintStep | null = null;
  let tier: string[] | null = null;
  let inFence = false;
  const flush = () => {
    if (current && tier) current.tiers.push(tier.join('\n').trim());
    tier = null;
  };
  for (const line of markdown.split(/\r?\n/)) {
    if (/^```/.test(line)) inFence = !inFence;
    const step = inFence ? null : /^##\s+Step\s+(\d+)\s*[:.·-]?\s*(.*)$/i.exec(line);
    const hint = inFence ? null : /^###\s+Hint\s+\d+/i.exec(line);
    if (step) {
      flush();
      current = { step: Number(step[1]), title: (step[2] ?? '').trim(), tiers: [] };
      steps.push(current);
    } else if (hint && current) {
      flush();
      tier = [];
    } else if (tier) {
      tier.push(line);
    }
  }
  flush();
  return steps;
}

/**
 * The steps README.md marks `_(optional)_` (README.ko.md: `_(선택)_`) on their first line: extensions
 * beyond the notes' chapter, which `npm start -- --skip-optional` does not require.
 */
export function optionalSteps(markdown: string): number[] {
  return parseSteps(markdown).flatMap((text, i) => (/_\((optional|선택)\)_/.test(text) ? [i + 1] : []));
}

/** The numbered items of README.md's `## Steps` section (the first line of each). */
export function parseSteps(markdown: string): string[] {
  const section = /^##\s+(Steps|단계)\s*$([\s\S]*?)(?=^##\s|(?![\s\S]))/m.exec(markdown);
  if (!section) return [];
  return [...(section[2] ?? '').matchAll(/^(\d+)\.\s+(.+)$/gm)].map((m) => (m[2] ?? '').trim());
}
