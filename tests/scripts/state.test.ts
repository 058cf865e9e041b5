/** .kata/state.json: atomic writes, missing and corrupt files, what a run records. */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../scripts/lib/files.ts';
import {
  emptyState,
  hintsSeen,
  loadState,
  parseState,
  recordHintsSeen,
  recordRun,
  recordSolutionShown,
  saveState,
  statePath,
  updateState,
} from '../../scripts/runner/state.ts';
import { tempDir } from './fake-kata.ts';

const tmp = tempDir('kata-state-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const freshRoot = () => {
  const root = path.join(tmp, `root-${n++}`);
  mkdirSync(root, { recursive: true });
  return root;
};

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temp file behind', () => {
    const file = path.join(freshRoot(), 'deep', 'state.json');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('keeps the old content when the rename cannot happen, and cleans up its temp file', () => {
    const dir = freshRoot();
    const target = path.join(dir, 'state.json');
    mkdirSync(target); // a folder where the file should go: the rename fails
    writeFileSync(path.join(target, 'keep'), 'old');
    expect(() => writeFileAtomic(target, 'new')).toThrow();
    expect(readFileSync(path.join(target, 'keep'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});

describe('loading the state', () => {
  it('a missing file is an empty state, reported as missing', () => {
    const loaded = loadState(freshRoot());
    expect(loaded.problem).toBe('missing');
    expect(loaded.state).toEqual(emptyState());
  });

  it('saves and loads back what was recorded', () => {
    const root = freshRoot();
    const s = emptyState();
    recordRun(s, { name: '01-a', passed: 3, total: 3, passing: true, step: null }, new Date('2025-01-01T00:00:00Z'));
    recordHintsSeen(s, '02-b', 1, 2);
    s.current = '02-b';
    saveState(root, s);
    const loaded = loadState(root);
    expect(loaded.problem).toBeNull();
    expect(loaded.state).toEqual(s);
  });

  it.each([
    ['not JSON', '{"version": 1, "exercises": {'],
    ['an empty file', ''],
    ['an array', '[]'],
    ['another version', '{"version": 99, "exercises": {}}'],
    ['no exercises', '{"version": 1}'],
  ])('a corrupt file (%s) gives an empty state, reported, and is kept aside — never an exception', (_, text) => {
    const root = freshRoot();
    mkdirSync(path.join(root, '.kata'));
    writeFileSync(statePath(root), text);
    const loaded = loadState(root);
    expect(loaded.problem).toBe('corrupt');
    expect(loaded.detail).toBeTruthy();
    expect(loaded.state).toEqual(emptyState());
    expect(existsSync(statePath(root))).toBe(false);
    expect(loaded.movedTo && readFileSync(loaded.movedTo, 'utf8')).toBe(text);
  });

  it('drops ill-typed fields of a record and keeps the rest', () => {
    const s = parseState(
      JSON.stringify({
        version: 1,
        current: 7,
        exercises: {
          '01-a': { done: 'yes', passed: 2, total: -1, step: 0, hints: { '1': 2, x: 3, '2': 'many' }, solution: {} },
          '02-b': 'nonsense',
        },
      }),
    );
    expect(s.current).toBeUndefined();
    expect(s.exercises['01-a']).toEqual({ passed: 2, hints: { '1': 2 } });
    expect(s.exercises['02-b']).toEqual({});
  });

  it('updateState re-reads the file, so two commands do not undo each other', () => {
    const root = freshRoot();
    updateState(root, (s) => recordHintsSeen(s, '01-a', 1, 1));
    updateState(root, (s) => recordHintsSeen(s, '01-a', 2, 1));
    expect(loadState(root).state.exercises['01-a']?.hints).toEqual({ '1': 1, '2': 1 });
  });
});

describe('what a run records', () => {
  it('reports a pass only the first time, and a failing run makes it not done again', () => {
    const s = emptyState();
    const t1 = new Date('2025-01-01T00:00:00Z');
    expect(recordRun(s, { name: '01-a', passed: 1, total: 3, passing: false, step: 2 }, t1)).toBe(false);
    expect(s.exercises['01-a']).toMatchObject({ done: false, passed: 1, total: 3, step: 2 });
    expect(recordRun(s, { name: '01-a', passed: 3, total: 3, passing: true }, t1)).toBe(true);
    expect(s.exercises['01-a']).toMatchObject({ done: true, doneAt: t1.toISOString() });
    expect(s.exercises['01-a']?.step).toBeUndefined();
    expect(recordRun(s, { name: '01-a', passed: 3, total: 3, passing: true })).toBe(false);
    recordRun(s, { name: '01-a', passed: 2, total: 3, passing: false, step: 3 });
    expect(s.exercises['01-a']?.done).toBe(false);
    expect(s.exercises['01-a']?.doneAt).toBe(t1.toISOString());
  });

  it('hint tiers seen never go down', () => {
    const s = emptyState();
    recordHintsSeen(s, '01-a', 2, 2);
    recordHintsSeen(s, '01-a', 2, 1);
    expect(hintsSeen(s, '01-a', 2)).toBe(2);
    expect(hintsSeen(s, '01-a', 1)).toBe(0);
  });

  it('a solution shown early stays "revealed early"', () => {
    const s = emptyState();
    recordSolutionShown(s, '01-a', true, new Date('2025-01-01T00:00:00Z'));
    recordSolutionShown(s, '01-a', false, new Date('2025-02-01T00:00:00Z'));
    expect(s.exercises['01-a']?.solution).toEqual({ revealed: 'early', at: '2025-01-01T00:00:00.000Z' });
    recordSolutionShown(s, '02-b', false, new Date('2025-02-01T00:00:00Z'));
    expect(s.exercises['02-b']?.solution?.revealed).toBe('after passing');
  });
});
