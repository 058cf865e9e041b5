/**
 * The kata writes British English: normalise, initialisation, colour, behaviour. API names keep
 * their own spelling, because a learner types them: `kernelInitializer`, `tf.regularizers`,
 * `optimizer.minimize()`, RMSprop's `centered`, CSS `color:`. "Optimizer" is Keras' term of art
 * (GLOSSARY.md) and stays. This test reads every tracked text file and names each American
 * form it finds outside those, with its file and line.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/lib/exercises.ts';

const STEMS =
  'normali|initiali|regulari|randomi|summari|minimi|maximi|seriali|paralleli|vectori|generali|standardi|visuali|categori|recogni|organi|reali|optimi|utili';
/** American forms, each with the British one the kata writes. */
const AMERICAN: readonly [RegExp, string][] = [
  [new RegExp(`\\b(${STEMS})z(e|es|ed|ing|ation|ations)\\b`, 'gi'), '-ise, -isation'],
  [/\bbehaviors?\b/gi, 'behaviour'],
  [/\bcolor(s|ed|ful|ing)?\b/gi, 'colour'],
  [/\b(favor|honor|neighbor)(s|ed|ing|ite)?\b/gi, '-our'],
  [/\b(labeled|labeling|modeling|modeled|canceled|traveled)\b/gi, 'double l'],
  [/\b(center|centers)\b/gi, 'centre'],
];

/**
 * Quotations: names a learner types or upstream's test names, kept letter for letter.
 * `file: words` — the words are allowed in that file only.
 */
const QUOTED: Record<string, readonly string[]> = {
  // upstream TensorFlow.js test names, ported with their wording so they can be found there
  'tests/lib/tfjs-ported/reductions.test.ts': ['parallelization'],
};

/**
 * A match that is code — a method (`.minimize(`, `path.normalize`) or a CSS property (`color:`) —
 * or the English gloss of a Korean term, as the notes write it: 정규화(regularization).
 */
function isExempt(line: string, start: number, end: number): boolean {
  const gloss = line[start - 1] === '(' && line[end] === ')' && /[\uac00-\ud7a3]/.test(line[start - 2] ?? '');
  return gloss || line[start - 1] === '.' || line[end] === '(' || line[end] === ':' || line[start - 1] === '-';
}

function trackedText(): string[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  // this file names the American forms it looks for
  const skip = /^(data\/|package-lock\.json$|tests\/spelling\.test\.ts$)/;
  return files.filter((f) => /\.(ts|mjs|js|md|json|yml|yaml|html|css)$/.test(f) && !skip.test(f));
}

function americanForms(file: string, text: string): string[] {
  const found: string[] = [];
  const quoted = QUOTED[file] ?? [];
  text.split(/\r?\n/).forEach((line, i) => {
    for (const [re, british] of AMERICAN) {
      for (const m of line.matchAll(re)) {
        const word = m[0];
        if (quoted.includes(word.toLowerCase()) || isExempt(line, m.index, m.index + word.length)) continue;
        found.push(`${file}:${i + 1}: "${word}" (the kata writes ${british})`);
      }
    }
  });
  return found;
}

describe('spelling', () => {
  it('flags the American forms and passes over code and quotations', () => {
    expect(americanForms('x.md', 'We normalize the colors.\nIts behavior.')).toEqual([
      'x.md:1: "normalize" (the kata writes -ise, -isation)',
      'x.md:1: "colors" (the kata writes colour)',
      'x.md:2: "behavior" (the kata writes behaviour)',
    ]);
    expect(
      americanForms('x.ts', 'path.normalize(f); opt.minimize(f); kernelInitializer; body{color:#222}; NO_COLOR'),
    ).toEqual([]);
    expect(americanForms('x.ko.md', '정규화(regularization)와 (normalization)')).toEqual([
      'x.ko.md:1: "normalization" (the kata writes -ise, -isation)',
    ]);
    expect(
      americanForms('tests/lib/tfjs-ported/reductions.test.ts', "it('N > than parallelization threshold')"),
    ).toEqual([]);
  });

  it('every tracked text file writes British English', () => {
    const files = trackedText();
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) => americanForms(f, readFileSync(path.join(ROOT, f), 'utf8')));
    expect(found, found.join('\n')).toEqual([]);
  });
});
