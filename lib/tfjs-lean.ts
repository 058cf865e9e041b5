/**
 * TensorFlow.js without its umbrella package, for the oracle's lean checks (lib/oracle.ts,
 * `loadOracle({ small: true, lean: true })`).
 *
 * `require('@tensorflow/tfjs')` loads every part — core, the cpu and webgl backends, layers,
 * converter, data — and, inlined in its own bundle, a second copy of core's sources that
 * registers the gradients and the chained ops (`x.add(y)`): ≈0.45 s in a new thread, against
 * ≈0.2 s for core and the cpu backend alone. A spec that takes no gradient and writes
 * `tf.add(x, y)` needs only those two; what else it reaches (`tf.layers`, `tf.data`, …) is
 * loaded when first reached.
 *
 * NOTE: core alone has no gradients (`tf.grad` throws "gradient function not found") and no
 * chained ops (`x.add` is undefined) until something loads the umbrella package in the same
 * thread. A spec that needs either leaves `lean` out.
 */
import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';

const nodeRequire = createRequire(import.meta.url);

// The umbrella's `export *` after core's, in its order: a name an earlier part exports wins.
const LATER_PARTS = [
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-converter',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgl',
];

type Part = Record<string, unknown>;

/** The umbrella's namespace, served from tfjs-core and the cpu backend, the other parts on first use. */
export function leanTfjs(): typeof TF {
  const core = nodeRequire('@tensorflow/tfjs-core') as Part;
  // registers the cpu backend, as the umbrella does
  nodeRequire('@tensorflow/tfjs-backend-cpu');
  const lookup = (key: string | symbol): unknown => {
    // NOTE: a promise resolved with this object asks for `then`; neither core nor the umbrella
    // has one, and looking for it in the other parts would load them all
    if (typeof key === 'symbol' || key === 'then') return undefined;
    if (key === 'data') return nodeRequire('@tensorflow/tfjs-data');
    if (key === 'version') return (nodeRequire('@tensorflow/tfjs') as Part).version;
    if (key in core) return core[key];
    for (const id of LATER_PARTS) {
      const part = nodeRequire(id) as Part;
      if (key in part) return part[key];
    }
    return undefined;
  };
  return new Proxy({}, { get: (_, key) => lookup(key), has: (_, key) => lookup(key) !== undefined }) as typeof TF;
}
