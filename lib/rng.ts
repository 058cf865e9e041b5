/**
 * The one seeded random number generator of the kata. Every random thing (test inputs,
 * weight initialisers, shuffles) takes an Rng or a seed, so every run can be repeated.
 *
 * The seed of a test run comes from KATA_SEED (default 42) and is printed in failures.
 */

/** A source of uniform numbers in [0, 1), with helpers. Deterministic for a seed. */
export interface Rng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low?: number, high?: number): number;
  /** Standard normal (mean 0, std 1) scaled to `mean` and `std`. */
  normal(mean?: number, std?: number): number;
  /** Integer in [low, high). */
  int(low: number, high: number): number;
  /** A new array holding 0..n-1 in a random order (Fisher–Yates). */
  permutation(n: number): number[];
}

/** The seed tests use unless KATA_SEED says otherwise. */
export const DEFAULT_SEED = 42;

/** The seed of this run: KATA_SEED if it is an integer, else DEFAULT_SEED. */
export function runSeed(): number {
  const raw = typeof process !== 'undefined' ? process.env.KATA_SEED : undefined;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) {
    throw new Error(`KATA_SEED must be an integer, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded through splitmix32 so that
 * nearby seeds give unrelated streams. 32-bit state arithmetic, so it is the same on every
 * platform and Node version.
 */
export function createRng(seed: number = runSeed()): Rng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();

  let spare: number | null = null;
  const rng: Rng = {
    seed,
    next,
    uniform: (low = 0, high = 1) => low + (high - low) * next(),
    normal: (mean = 0, std = 1) => {
      if (spare !== null) {
        const z = spare;
        spare = null;
        return mean + std * z;
      }
      // Box–Muller; 1 - next() is in (0, 1], so the log is finite.
      const u = 1 - next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return mean + std * r * Math.cos(2 * Math.PI * v);
    },
    int: (low, high) => low + Math.floor((high - low) * next()),
    permutation: (n) => {
      const p = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor((i + 1) * next());
        const t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      return p;
    },
  };
  return rng;
}
