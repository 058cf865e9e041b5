/** The line diff behind `npm run solution`: shortest, complete, readable. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../lib/rng.ts';
import { diffLines, splitLines, unifiedDiff } from '../../scripts/lib/diff.ts';
import { makeStyle } from '../../scripts/lib/term.ts';

/** Length of a longest common subsequence, by dynamic programming (the slow, obvious definition). */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(up, row[j - 1]);
      diag = up;
    }
  }
  return row[b.length];
}

/** Applies a unified diff to `from` (the tests' proof that the diff says everything). */
function applyUnified(from: string, diff: string): string[] {
  const a = splitLines(from);
  const out: string[] = [];
  let pos = 0;
  const lines = diff.split('\n').slice(2); // the --- and +++ header
  for (const line of lines) {
    const h = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(line);
    if (h) {
      const start = Number(h[2]) === 0 ? Number(h[1]) : Number(h[1]) - 1;
      while (pos < start) out.push(a[pos++] as string);
    } else if (line.startsWith(' ')) {
      out.push(line.slice(1));
      pos++;
    } else if (line.startsWith('-')) pos++;
    else if (line.startsWith('+')) out.push(line.slice(1));
  }
  while (pos < a.length) out.push(a[pos++] as string);
  return out;
}

function randomLines(rng: ReturnType<typeof createRng>, n: number): string[] {
  // A small alphabet, so that lines repeat and the diff has real choices to make.
  return Array.from({ length: n }, () => 'abcde'[Math.floor(rng.next() * 5)] as string);
}

describe('diffLines', () => {
  it('is a shortest edit script: as many equal lines as a longest common subsequence (seeded random texts)', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 300; trial++) {
      const a = randomLines(rng, Math.floor(rng.next() * 30));
      const b = randomLines(rng, Math.floor(rng.next() * 30));
      const edits = diffLines(a, b);
      expect(edits.filter((e) => e.op === 'equal').length).toBe(lcsLength(a, b));
      // and it turns a into b
      expect(edits.filter((e) => e.op !== 'delete').map((e) => e.line)).toEqual(b);
      expect(edits.filter((e) => e.op !== 'insert').map((e) => (e.op === 'equal' ? a[e.a] : e.line))).toEqual(a);
    }
  });

  it('handles empty sides', () => {
    expect(diffLines([], [])).toEqual([]);
    expect(diffLines([], ['x']).map((e) => e.op)).toEqual(['insert']);
    expect(diffLines(['x'], []).map((e) => e.op)).toEqual(['delete']);
  });
});

describe('unifiedDiff', () => {
  const opts = { fromFile: 'exercises/01-a/a.ts  (your code)', toFile: 'solutions/01-a/a.ts' };

  it('is empty for equal texts, also when only trailing spaces or line endings differ', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', opts)).toBe('');
    expect(unifiedDiff('a  \r\nb\r\n', 'a\nb', opts)).toBe('');
  });

  it('prints headers and hunks with 3 lines of context, like diff -u', () => {
    const from = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].join('\n');
    const to = ['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10'].join('\n');
    expect(unifiedDiff(from, to, opts)).toBe(
      [
        '--- exercises/01-a/a.ts  (your code)',
        '+++ solutions/01-a/a.ts',
        '@@ -2,7 +2,7 @@',
        ' 2',
        ' 3',
        ' 4',
        '-5',
        '+five',
        ' 6',
        ' 7',
        ' 8',
      ].join('\n'),
    );
  });

  it('separates distant changes into hunks and merges close ones', () => {
    const from = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const far = from.replace('line 2\n', 'LINE 2\n').replace('line 25\n', 'LINE 25\n');
    expect(unifiedDiff(from, far, opts).match(/^@@/gm)).toHaveLength(2);
    const near = from.replace('line 2\n', 'LINE 2\n').replace('line 7\n', 'LINE 7\n');
    expect(unifiedDiff(from, near, opts).match(/^@@/gm)).toHaveLength(1);
  });

  it('is complete: applying it to the learner code gives the solution (seeded random texts)', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 200; trial++) {
      const a = randomLines(rng, Math.floor(rng.next() * 40));
      const b = randomLines(rng, Math.floor(rng.next() * 40));
      const diff = unifiedDiff(a.join('\n'), b.join('\n'), opts);
      expect(diff === '' ? a : applyUnified(a.join('\n'), diff)).toEqual(b);
    }
  });

  it('colours removed lines red and added lines green when asked', () => {
    const diff = unifiedDiff('a\n', 'b\n', { ...opts, style: makeStyle(true) });
    expect(diff).toContain('\x1b[31m-a\x1b[39m');
    expect(diff).toContain('\x1b[32m+b\x1b[39m');
  });
});
