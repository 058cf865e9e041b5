/**
 * GLOSSARY.ko.md fixes one Korean word per idea. Its last column lists the variants the
 * Korean documents do not write; this test keeps them out of every README.ko.md and
 * HINTS.ko.md, and keeps the two glossaries and the links to them in step.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listExercises, ROOT } from '../scripts/lib/exercises.ts';

interface Row {
  preferred: string[];
  banned: string[];
}

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

function tableRows(markdown: string): string[][] {
  const lines = markdown.split(/\r?\n/).filter((l) => l.startsWith('|'));
  // the header and its |---| line come first
  return lines.slice(2).map((l) => l.split('|').slice(1, -1));
}

function glossary(markdown: string): Row[] {
  return tableRows(markdown).map((cells) => ({
    preferred: [...(cells[1] ?? '').matchAll(/\*\*(.+?)\*\*/g)].map((m) => m[1] as string),
    banned: [...(cells[4] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string),
  }));
}

/** The prose a reader sees as the kata's own words: no code, and no quotes of the notes. */
function prose(markdown: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  return markdown
    .replace(/```[\s\S]*?```/g, blank)
    .replace(/`[^`\n]*`/g, blank)
    .replace(/"[^"\n]*"|“[^”\n]*”/g, blank);
}

/** Every place a banned variant appears, as `line N: …`; preferred terms that contain it are not hits. */
function violations(markdown: string, rows: readonly Row[]): string[] {
  const text = prose(markdown);
  const original = markdown.split('\n');
  const preferred = rows.flatMap((r) => r.preferred);
  const found: string[] = [];
  for (const bad of new Set(rows.flatMap((r) => r.banned))) {
    let masked = text;
    for (const p of preferred.filter((p) => p.includes(bad)).sort((a, b) => b.length - a.length)) {
      masked = masked.split(p).join(' '.repeat(p.length));
    }
    masked.split('\n').forEach((line, i) => {
      if (line.includes(bad)) found.push(`line ${i + 1}: "${bad}" in ${original[i]?.trim().slice(0, 80)}`);
    });
  }
  return found;
}

const ko = glossary(read('GLOSSARY.ko.md'));
const en = glossary(read('GLOSSARY.md'));
const exercises = listExercises();

describe('the glossary', () => {
  it('GLOSSARY.ko.md names a preferred term in every row, and GLOSSARY.md has the same rows', () => {
    expect(ko.length).toBeGreaterThan(20);
    for (const row of ko) expect(row.preferred.length).toBeGreaterThan(0);
    expect(en).toEqual(ko);
  });

  it('finds a banned variant in prose, but not in code, in a quote of the notes, or inside a preferred term', () => {
    const rows = [
      { preferred: ['경사 하강법'], banned: ['경사하강법'] },
      { preferred: ['시드 노트', '난수 시드'], banned: ['시드'] },
    ];
    expect(violations('확률적 경사하강법이다.', rows)).toEqual(['line 1: "경사하강법" in 확률적 경사하강법이다.']);
    expect(violations('`경사하강법` 그리고 "경사하강법"\n```\n경사하강법\n```', rows)).toEqual([]);
    expect(violations('시드 노트와 난수 시드 42', rows)).toEqual([]);
    expect(violations('시드 노트와 시드 42', rows)).toEqual(['line 1: "시드" in 시드 노트와 시드 42']);
  });

  it.each(['README.md', ...exercises.flatMap((e) => [path.relative(ROOT, e.readme), path.relative(ROOT, e.readmeKo)])])(
    '%s links to the glossary',
    (file) => {
      expect(read(file)).toMatch(/GLOSSARY(\.ko)?\.md/);
    },
  );
});

describe.each(
  exercises.flatMap((e) => [path.relative(ROOT, e.readmeKo), path.relative(ROOT, path.join(e.dir, 'HINTS.ko.md'))]),
)('%s', (file) => {
  it('uses the glossary terms (no variant from its last column)', () => {
    expect(violations(read(file), ko)).toEqual([]);
  });
});
