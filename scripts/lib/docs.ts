/** An exercise's README and HINTS in the learner's language, and the bits the runner shows. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Exercise, type HintStep, parseHints, parseSteps } from './exercises.ts';
import type { Lang } from './messages.ts';
import type { Style } from './term.ts';

/** README.ko.md for Korean when it exists, else README.md. */
export function readmeFile(ex: Exercise, lang: Lang): string {
  return lang === 'ko' && existsSync(ex.readmeKo) ? ex.readmeKo : ex.readme;
}

/** HINTS.ko.md for Korean when it exists, else HINTS.md. */
export function hintsFile(ex: Exercise, lang: Lang): string {
  const ko = path.join(ex.dir, 'HINTS.ko.md');
  return lang === 'ko' && existsSync(ko) ? ko : ex.hints;
}

function read(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

export function loadHints(ex: Exercise, lang: Lang): HintStep[] {
  return parseHints(read(hintsFile(ex, lang)));
}

/** Markdown made readable as plain text: no emphasis markers, links as their text. */
export function plainMarkdown(s: string): string {
  return s
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/(^|[\s(])_([^_]+)_(?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1');
}

/** The exercise's title in the learner's language: README.ko.md's heading for Korean. */
export function titleFor(ex: Exercise, lang: Lang): string {
  if (lang !== 'ko') return ex.title;
  const heading = /^#\s+(.+)$/m.exec(read(readmeFile(ex, lang)))?.[1];
  return heading ? heading.replace(/^\d\d\s*[·.:-]\s*/, '').trim() : ex.title;
}

/** Where sentences end: . ! or ? before a space or the end (not in e.g., i.e. or vs.). */
const SENTENCE_END = /(?<!\b(?:e\.g|i\.e|vs))[.!?](?=[\s)"'’”]|$)/g;

/**
 * Lines cut back to the end of their last whole sentence; as they are when no sentence ends in
 * them (or the last one already ends).
 */
export function toSentenceEnd(lines: readonly string[]): string[] {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    const ends = [...line.matchAll(SENTENCE_END)];
    const last = ends[ends.length - 1];
    if (last?.index === undefined) continue;
    const cut = line.slice(0, last.index + 1);
    return [...lines.slice(0, i), cut];
  }
  return [...lines];
}

/**
 * The first paragraph of prose after the title (skipping an italic source line such as
 * `_Seed section 2.2 …_`), as plain text lines, at most `maxLines`, cut at the end of a
 * sentence when the paragraph is longer (never "…is not a").
 */
export function readmeExcerpt(ex: Exercise, lang: Lang, maxLines = 3): string[] {
  const lines = read(readmeFile(ex, lang)).split(/\r?\n/);
  const out: string[] = [];
  let started = false;
  for (const line of lines) {
    const t = line.trim();
    if (!started) {
      if (t === '' || t.startsWith('#') || /^_.*_$/.test(t) || t.startsWith('|') || t.startsWith('```')) continue;
      started = true;
    }
    if (t === '' || t.startsWith('#') || t.startsWith('|') || t.startsWith('```')) break;
    if (out.length >= maxLines) return toSentenceEnd(out);
    out.push(plainMarkdown(t));
  }
  return out;
}

/** The first line of README step `n` (1-based), as plain text. */
export function readmeStep(ex: Exercise, lang: Lang, n: number): string | undefined {
  const step = parseSteps(read(readmeFile(ex, lang)))[n - 1];
  return step === undefined ? undefined : plainMarkdown(step);
}

/**
 * How a spec's step titles ("step 3: size and bytes") read to the learner: in Korean, the
 * step's title from HINTS.ko.md ("3단계: 원소 개수와 바이트 수"), since the specs' describe names
 * stay English (test names are part of the grading contract); as they are otherwise, or where
 * HINTS.ko.md has none. HINTS.ko.md is read once, for all the rows of a screen.
 */
export function stepTitles(ex: Exercise, lang: Lang): (specTitle: string, step: number | null) => string {
  if (lang !== 'ko') return (specTitle) => specTitle;
  const titles = new Map(loadHints(ex, lang).map((h) => [h.step, h.title]));
  return (specTitle, step) => {
    const title = step === null ? undefined : titles.get(step);
    return title ? `${step}단계: ${title}` : specTitle;
  };
}

/**
 * Markdown for a terminal: code fences become indented code (their ``` lines dropped), inline
 * code is coloured, emphasis markers go.
 */
export function terminalMarkdown(text: string, style: Style): string {
  let inFence = false;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      out.push(style.cyan(`  ${line}`));
      continue;
    }
    out.push(
      line
        .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
        .replace(/\*\*([^*]+)\*\*/g, (_, t: string) => style.bold(t))
        .replace(/(^|[\s(])_([^_]+)_(?=[\s).,;:!?]|$)/g, '$1$2')
        .replace(/`([^`]+)`/g, (_, t: string) => style.cyan(t)),
    );
  }
  return out.join('\n');
}
