import { mkdirSync, mkdtempSync, type PathLike, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renameWithRetry, writeFileAtomic } from '../../scripts/lib/files.ts';
import { asciiChart, drawDigit, drawDigits, kerasProgress } from '../../scripts/lib/terminal-pictures.ts';

describe('kerasProgress', () => {
  it('prints the finished epoch like Keras', () => {
    expect(kerasProgress(469, 469, 12.2, { loss: 0.25541, accuracy: 0.92612 })).toBe(
      '469/469 [==============================] - 12s 26ms/step - loss: 0.2554 - accuracy: 0.9261',
    );
  });

  it('shows an arrow and the ETA while running', () => {
    const line = kerasProgress(7, 469, 0.7, { loss: 0.9 });
    expect(line).toBe('  7/469 [>.............................] - ETA: 46s - loss: 0.9000');
    expect(kerasProgress(235, 469, 10, {})).toMatch(/^235\/469 \[={14}>\.{15}\] - ETA: 10s$/);
  });
});

describe('asciiChart', () => {
  it('draws every series within its labelled range, with a legend', () => {
    const chart = asciiChart(
      [
        { name: 'loss', values: [0.9, 0.5, 0.3, 0.2], mark: '*' },
        { name: 'val', values: [1, 0.7, 0.6, 0.65], mark: 'o' },
      ],
      { height: 6, title: 'Loss' },
    );
    const lines = chart.split('\n');
    expect(lines[0]).toBe('Loss');
    expect(lines[1]).toMatch(/^ {4}1\.00 ┤o/); // the top row holds the maximum, 1.00, at epoch 1
    expect(lines[6]).toMatch(/^ {3}0\.200 ┤ +\*$/); // the bottom row holds the minimum at the last epoch
    expect(chart).toContain('* loss   o val');
    expect(chart.split('*').length - 1).toBe(4 + 1); // four points and the legend
  });

  it('labels the ends of the x axis as asked (epochs, not the count of values)', () => {
    const lines = asciiChart([{ name: 'loss', values: [3, 2, 1], mark: '*' }], {
      width: 30,
      xEnds: ['epoch 0', 'epoch 1'],
    }).split('\n');
    const axis = lines.findIndex((l) => l.includes('└'));
    expect(lines[axis + 1]).toBe(`${' '.repeat(10)}epoch 0${'epoch 1'.padStart(30 - 7)}`);
  });

  it('copes with a flat or empty series', () => {
    expect(asciiChart([{ name: 'x', values: [2, 2], mark: '*' }])).toContain('2.50');
    expect(asciiChart([{ name: 'x', values: [], mark: '*' }], { title: 't' })).toBe('t\n(no data)');
  });
});

describe('drawing digits', () => {
  it('turns 28×28 pixels into 14 lines of 28 shades', () => {
    const pixels = new Uint8Array(784);
    for (let r = 4; r < 24; r++) pixels[r * 28 + 14] = 255; // a vertical stroke: a "1"
    const lines = drawDigit(pixels);
    expect(lines).toHaveLength(14);
    expect(lines.every((l) => l.length === 28)).toBe(true);
    expect(lines[5]?.[14]).toBe('@');
    expect(lines[5]?.[3]).toBe(' ');
    const many = drawDigits([
      { pixels, caption: 'true 1' },
      { pixels, caption: 'true 1, predicted 7' },
    ]).split('\n');
    expect(many).toHaveLength(15);
    expect(many[14]).toBe(`│${'true 1'.padEnd(28)} │${'true 1, predicted 7'.padEnd(28)}│`);
  });
});

describe('writeFileAtomic', () => {
  it('writes the whole file and leaves no temp file behind', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kata-atomic-'));
    try {
      const file = path.join(dir, 'sub', 'out.json');
      writeFileAtomic(file, '{"a":1}');
      writeFileAtomic(file, '{"a":2}');
      expect(readFileSync(file, 'utf8')).toBe('{"a":2}');
      expect(readdirSync(path.dirname(file))).toEqual(['out.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('renameWithRetry', () => {
  const failing = (codes: string[]) => {
    const calls: string[] = [];
    const rename = (from: PathLike, to: PathLike) => {
      calls.push(`${from}→${to}`);
      const code = codes.shift();
      if (code) throw Object.assign(new Error(`${code}: rename`), { code });
    };
    return { calls, rename };
  };

  it('retries while Windows holds the file or folder (EPERM, EACCES, EBUSY), then succeeds', () => {
    const { calls, rename } = failing(['EBUSY', 'EPERM', 'EACCES']);
    renameWithRetry('a', 'b', rename);
    expect(calls).toEqual(['a→b', 'a→b', 'a→b', 'a→b']);
  });

  it('gives up after 11 tries, and at once on any other error', () => {
    expect(() => renameWithRetry('a', 'b', failing(Array(11).fill('EPERM')).rename)).toThrow('EPERM: rename');
    const missing = failing(['ENOENT']);
    expect(() => renameWithRetry('a', 'b', missing.rename)).toThrow('ENOENT: rename');
    expect(missing.calls).toHaveLength(1);
  });

  it('renames a folder with its contents', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kata-rename-'));
    try {
      mkdirSync(path.join(dir, 'staging', 'sub'), { recursive: true });
      writeFileSync(path.join(dir, 'staging', 'sub', 'f.txt'), 'x');
      renameWithRetry(path.join(dir, 'staging'), path.join(dir, 'target'));
      expect(readFileSync(path.join(dir, 'target', 'sub', 'f.txt'), 'utf8')).toBe('x');
      expect(readdirSync(dir)).toEqual(['target']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
