/**
 * The reference solution is shown only once an exercise passes — unless the learner asks
 * with --force, which is recorded in the state file as "revealed early".
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { unifiedDiff } from './diff.ts';
import type { Exercise } from './exercises.ts';
import { rel } from './files.ts';
import type { Messages } from './messages.ts';
import type { Style } from './term.ts';

export type RevealDecision = 'show' | 'show-early' | 'refuse';

export function revealDecision(passes: boolean, force: boolean): RevealDecision {
  if (passes) return 'show';
  return force ? 'show-early' : 'refuse';
}

/** `npm run solution -- 03 --force` */
export function solutionCommand(ex: Exercise, force = false): string {
  return `npm run solution -- ${ex.id}${force ? ' --force' : ''}`;
}

/**
 * A learner's template of the kata (`npm run template`) has no solutions/; its package.json
 * says so, and where they are published.
 */
export function templateInfo(root: string): { template: boolean; solutionsUrl: string | null } {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      kata?: { template?: boolean; solutionsUrl?: string };
    };
    return { template: pkg.kata?.template === true, solutionsUrl: pkg.kata?.solutionsUrl ?? null };
  } catch {
    return { template: false, solutionsUrl: null };
  }
}

/** The reference solution as a unified diff against the learner's stub, with a title. */
export function solutionDiff(root: string, ex: Exercise, m: Messages, style: Style): string {
  if (!existsSync(ex.solution)) {
    const t = templateInfo(root);
    return t.template ? m.solutionsPublished(t.solutionsUrl) : m.solutionMissing(rel(root, ex.solution));
  }
  const mine = existsSync(ex.stub) ? readFileSync(ex.stub, 'utf8') : '';
  const reference = readFileSync(ex.solution, 'utf8');
  const diff = unifiedDiff(mine, reference, {
    fromFile: `${rel(root, ex.stub)}  (${m.codeLabel})`,
    toFile: `${rel(root, ex.solution)}`,
    style,
  });
  return [style.bold(m.solutionHeader(ex.name)), '', diff === '' ? m.solutionIdentical : diff].join('\n');
}

/** What the learner sees when asking too early. */
export function refusal(ex: Exercise, passed: number, total: number, m: Messages): string {
  return [m.solutionLocked(ex.name, passed, total), m.solutionForce(solutionCommand(ex, true))].join('\n');
}
