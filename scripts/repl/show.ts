/**
 * How the REPL shows things: TensorFlow.js tensors as NumPy shows arrays, an exercise's TODO
 * error (and any kata error) as one line, and `import … from '…'` as a dynamic import.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { reprArray } from '../../lib/format.ts';
import type { Tf } from '../../lib/oracle.ts';

/**
 * `Tensor([[19., 22.],\n        [43., 50.]], shape=[2,2], dtype=float32)`: NDArray's form
 * under another name, so a tensor is not mistaken for an NDArray (the exercises take NDArrays).
 * Installed on the oracle's tf.Tensor only in the REPL; specs print tensors as they always did.
 */
export function showTensorsLikeNumPy(tf: Tf): void {
  Object.defineProperty(tf.Tensor.prototype, inspect.custom, {
    configurable: true,
    value(this: InstanceType<Tf['Tensor']>) {
      if (this.isDisposed) return `Tensor(disposed, shape=[${this.shape.join(',')}], dtype=${this.dtype})`;
      if (this.dtype === 'string' || this.dtype === 'complex64') return this.toString();
      return reprArray(this.dataSync() as ArrayLike<number>, this.shape, { name: 'Tensor', dtype: this.dtype });
    },
  });
}

/**
 * One line for an error thrown by kata code: `Error: TODO(01-tensors): implement rank (step 1
 * in README.md)`; when a learner's file threw something else, also where
 * (`at exercises/03-matmul/matmul.ts:41`). null for other errors: Node shows them as usual.
 */
export function kataErrorLine(e: unknown, root: string): string | null {
  if (!(e instanceof Error) || typeof e.stack !== 'string') return null;
  const head = `${e.name}: ${e.message}`;
  if (/^TODO\(\d\d-[a-z0-9-]+\)/.test(e.message)) return head;
  const places = e.stack
    .split('\n')
    .map((line) => /^\s+at (?:.*\()?(.+):(\d+):\d+\)?$/.exec(line))
    .filter((m) => m !== null)
    .map(([, file, line]) => {
      const absolute = file?.startsWith('file:') ? fileURLToPath(file.replace(/\?.*$/, '')) : (file as string);
      return { file: path.relative(root, absolute).split(path.sep).join('/'), line };
    })
    .filter(({ file }) => /^(lib|scripts|exercises|solutions)\//.test(file));
  if (places.length === 0) return null;
  const learner = places.find(({ file }) => /^(exercises|solutions)\//.test(file));
  return learner ? `${head}\n    at ${learner.file}:${learner.line}` : head;
}

/**
 * `import { rank } from './exercises/01-tensors/tensors.ts'` → `const { rank } = await
 * __kataImport('./exercises/01-tensors/tensors.ts')`. The REPL compiles inputs to CommonJS,
 * which cannot load the kata's ES modules; a dynamic import through the kata's loader can.
 */
export function rewriteImports(code: string): string {
  return code.replace(
    /^[ \t]*import\s+(type\s+)?(\*\s+as\s+\w+|\{[^}]*\}|\w+)\s+from\s+(['"][^'"]+['"])[ \t]*;?/gm,
    (_, typeOnly: string | undefined, what: string, from: string) => {
      if (typeOnly) return '';
      const binding = what.startsWith('*')
        ? (what.split(/\s+as\s+/)[1] as string)
        : what.startsWith('{')
          ? what.replace(/\s+as\s+/g, ': ')
          : `{ default: ${what} }`;
      return `const ${binding} = await __kataImport(${from});`;
    },
  );
}
