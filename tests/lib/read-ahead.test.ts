/**
 * Files read ahead by `npm start`'s spare threads (lib/read-ahead.ts): handed out once, never
 * once the file has changed; the IDX reader takes them, and its data is a view only of bytes
 * it owns. (That a spare thread really reads them ahead: tests/scripts/read-ahead.test.ts.)
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx, readIdxFile } from '../../lib/idx.ts';
import { mnistFiles } from '../../lib/mnist-data.ts';
import { READ_AHEAD, type ReadAhead, takeReadAhead } from '../../lib/read-ahead.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-read-ahead-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const store = globalThis as { [READ_AHEAD]?: Map<string, ReadAhead> };
afterEach(() => {
  delete store[READ_AHEAD];
});

/** Writes `bytes` to `name` and stores `ahead` as read ahead for it, with the file's size and time. */
function readAheadOf(name: string, bytes: Uint8Array, ahead: Uint8Array): string {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  const { size, mtimeMs } = statSync(file);
  store[READ_AHEAD] ??= new Map();
  store[READ_AHEAD].set(file, { bytes: ahead, size, mtimeMs });
  return file;
}

describe('parseIdx', () => {
  it('copies the data out of bytes it does not own, and views bytes it owns', () => {
    const bytes = encodeIdx('uint8', [3], [1, 2, 3]);
    const copied = parseIdx(bytes, 'x');
    const viewed = parseIdx(bytes, 'x', {}, true);
    bytes[4 + 4] = 9; // the first value, after the magic number and one dimension
    expect(Array.from(copied.data)).toEqual([1, 2, 3]);
    expect(Array.from(viewed.data)).toEqual([9, 2, 3]);
  });
});

describe('takeReadAhead', () => {
  it('hands out a file read ahead once, by its resolved path; then there is nothing', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const file = readAheadOf('once.bin', bytes, bytes);
    expect(takeReadAhead(path.join(tmp, '.', 'once.bin'))).toBe(bytes);
    expect(takeReadAhead(file)).toBeUndefined();
    expect(takeReadAhead(path.join(tmp, 'other.bin'))).toBeUndefined();
  });

  it('refuses bytes of a file that changed since (its size, or its time), or is gone', () => {
    const resized = readAheadOf('resized.bin', new Uint8Array([1, 2]), new Uint8Array([1, 2]));
    writeFileSync(resized, new Uint8Array([1, 2, 3]));
    expect(takeReadAhead(resized)).toBeUndefined();
    const touched = readAheadOf('touched.bin', new Uint8Array([1, 2]), new Uint8Array([1, 2]));
    utimesSync(touched, new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(takeReadAhead(touched)).toBeUndefined();
    const gone = readAheadOf('gone.bin', new Uint8Array([1]), new Uint8Array([1]));
    rmSync(gone);
    expect(takeReadAhead(gone)).toBeUndefined();
  });
});

describe('readIdxFile with files read ahead', () => {
  it('takes the bytes read ahead (gzipped or not) the first time, and the disk the next', () => {
    const onDisk = encodeIdx('uint8', [2], [1, 2]);
    const ahead = encodeIdx('uint8', [2], [7, 8]);
    const file = readAheadOf('labels', onDisk, ahead);
    expect(Array.from(readIdxFile(file).data)).toEqual([7, 8]);
    expect(Array.from(readIdxFile(file).data)).toEqual([1, 2]);
    const gz = readAheadOf('labels.gz', gzipSync(onDisk), gzipSync(ahead));
    expect(Array.from(readIdxFile(gz).data)).toEqual([7, 8]);
  });
});

describe('mnistFiles', () => {
  it('names the four files loadMnist reads, .gz where that is what the folder has', () => {
    const dir = path.join(tmp, 'mnist');
    mkdirSync(dir);
    const names = [
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ];
    for (const name of names) {
      const file = path.join(dir, name === 'train-images-idx3-ubyte' ? `${name}.gz` : name);
      writeFileSync(file, new Uint8Array(0));
    }
    expect(mnistFiles(dir)).toEqual([
      path.join(dir, 'train-images-idx3-ubyte.gz'),
      ...names.slice(1).map((n) => path.join(dir, n)),
    ]);
    expect(() => mnistFiles(path.join(tmp, 'empty'))).toThrow(/MNIST: train-images-idx3-ubyte not found in/);
  });
});
