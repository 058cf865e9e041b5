/**
 * The names `npm run repl` preloads. They load on first use: an input that mentions `tf` or
 * `train_images` waits for it before it runs (TensorFlow.js takes a second, MNIST about as
 * long, every module imported through ts-node a little), so the prompt comes up without them.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Mnist, MnistSplit } from '../../lib/mnist-data.ts';
import { NDArray } from '../../lib/ndarray.ts';
import type { Exercise } from '../lib/exercises.ts';
import { showTensorsLikeNumPy } from './show.ts';

export interface Name {
  name: string;
  load: () => unknown;
  /** Loaded again after `.reload`. */
  reloadable?: boolean;
}

/**
 * Puts the names on the REPL's context as getters. `prepare(code)` loads, before an input
 * runs, every name it mentions; a name reached some other way loads in its getter if it can
 * load at once, and otherwise says to run the line again.
 */
export class LazyScope {
  private readonly values = new Map<string, unknown>();
  private readonly pending = new Map<string, Promise<unknown>>();

  private readonly names: readonly Name[];
  constructor(names: readonly Name[], context: object) {
    this.names = names;
    for (const n of names) {
      Object.defineProperty(context, n.name, {
        configurable: true,
        enumerable: true,
        get: () => this.get(n),
        // An assignment (`tf = 1`) replaces the preloaded value, as with any variable.
        set: (v: unknown) => this.values.set(n.name, v),
      });
    }
  }

  private get(n: Name): unknown {
    if (this.values.has(n.name)) return this.values.get(n.name);
    const v = n.load();
    if (!(v instanceof Promise)) {
      this.values.set(n.name, v);
      return v;
    }
    // Its failure shows when the name is used again (prepare awaits the load then).
    this.track(n, v).catch(() => {});
    throw new Error(`${n.name} is still loading: run the line again in a moment`);
  }

  private track(n: Name, p: Promise<unknown>): Promise<unknown> {
    const tracked = this.pending.get(n.name) ?? p.then((v) => this.values.set(n.name, v).get(n.name));
    this.pending.set(n.name, tracked);
    return tracked.finally(() => this.pending.delete(n.name));
  }

  /** Loads every name that `code` mentions (a word on its own, as in `tf.matmul`). */
  async prepare(code: string): Promise<void> {
    const wanted = this.names.filter((n) => !this.values.has(n.name) && new RegExp(`\\b${n.name}\\b`).test(code));
    for (const n of wanted) {
      const v = this.pending.get(n.name) ?? n.load();
      if (v instanceof Promise) await this.track(n, v);
      else this.values.set(n.name, v);
    }
  }

  /** Forgets the reloadable names, so their next use loads them again; returns their names. */
  forgetReloadable(): string[] {
    const names = this.names.filter((n) => n.reloadable).map((n) => n.name);
    for (const name of names) this.values.delete(name);
    return names;
  }
}

/** `ex01` for 01-tensors: short, ordered like the runner's numbers, never a clash with lib's `matmul`. */
export const exerciseName = (ex: Exercise): string => `ex${ex.id}`;

/** Where the exercise modules come from: the learner's exercises/ or, for tests, solutions/. */
export function exerciseSource(env: NodeJS.ProcessEnv = process.env): 'exercises' | 'solutions' {
  const raw = env.KATA_REPL_EXERCISES?.trim();
  if (!raw || raw === 'exercises') return 'exercises';
  if (raw === 'solutions') return 'solutions';
  throw new Error(`KATA_REPL_EXERCISES=${raw}: use exercises (your code, the default) or solutions`);
}

/** The book's arrays: images [n, 28, 28] with their 0–255 pixels (float32: NDArray holds floats), labels [n]. */
async function bookArray(split: MnistSplit, part: 'images' | 'labels'): Promise<NDArray> {
  const { imagesToArray } = await import('../../lib/mnist-data.ts');
  return part === 'images'
    ? imagesToArray(split, { flatten: false, scale: false })
    : new NDArray(Float32Array.from(split.labels), [split.count]);
}

/** The names, and `reload`, which makes the exercise modules' next load import them afresh. */
export function replNames(exercises: readonly Exercise[], root: string): { names: Name[]; reload: () => void } {
  let mnist: Promise<Mnist> | undefined;
  const data = (pick: (m: Mnist) => MnistSplit, part: 'images' | 'labels') => async () => {
    mnist ??= import('../../lib/mnist-data.ts').then(({ loadMnist }) => loadMnist());
    return bookArray(pick(await mnist), part);
  };
  const source = exerciseSource();
  let version = 0;
  const names: Name[] = [
    { name: 'NDArray', load: () => NDArray },
    { name: 'array', load: () => array },
    { name: 'ops', load: () => import('../../lib/ops/index.ts') },
    {
      name: 'tf',
      load: async () => {
        const { loadOracle } = await import('../../lib/oracle.ts');
        const { tf } = await outsideReplDomain(loadOracle);
        showTensorsLikeNumPy(tf);
        return tf;
      },
    },
    ...(
      [
        ['train_images', (m: Mnist) => m.train, 'images'],
        ['train_labels', (m: Mnist) => m.train, 'labels'],
        ['test_images', (m: Mnist) => m.test, 'images'],
        ['test_labels', (m: Mnist) => m.test, 'labels'],
      ] as const
    ).map(([name, pick, part]) => ({ name, load: data(pick, part) })),
    ...exercises.map((ex) => ({
      name: exerciseName(ex),
      reloadable: true,
      load: () => {
        const file = source === 'solutions' ? ex.solution : ex.stub;
        // A new URL each .reload: the ESM cache keeps a module for good under its URL.
        const url = `${pathToFileURL(path.resolve(root, file)).href}${version > 0 ? `?reload=${version}` : ''}`;
        return import(url);
      },
    })),
  ];
  return {
    names,
    reload: () => {
      version++;
    },
  };
}

/**
 * NOTE: Node's REPL runs inputs in a domain, and forbids `uncaughtException` listeners there;
 * TensorFlow.js' wasm backend adds one as it starts. Started outside the domain, it can.
 */
function outsideReplDomain<T>(start: () => T): T {
  const domain = (process as { domain?: { enter(): void; exit(): void } | null }).domain;
  domain?.exit();
  try {
    return start();
  } finally {
    domain?.enter();
  }
}

/** np.array's counterpart: `array([[1, 2], [3, 4]])`. */
function array(nested: Parameters<typeof NDArray.fromNested>[0], dtype?: 'float32' | 'float64'): NDArray {
  return NDArray.fromNested(nested, dtype);
}
