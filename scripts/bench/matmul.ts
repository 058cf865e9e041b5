/**
 * `npm run bench -- --only matmul`: lib's matmul — the kernel lib/ops and lib/nn call at these
 * sizes (the WebAssembly SIMD one where the runtime has it, else the plain TypeScript one) —
 * beside the plain kernel and TensorFlow.js' backends.
 */
import { matmul as plainMatmul } from '../../lib/kernels/index.ts';
import { matmulKernels } from '../../lib/kernels/simd/index.ts';
import { loadOracle, type Tf } from '../../lib/oracle.ts';
import { createRng } from '../../lib/rng.ts';
import { type Bench, fmt, table, timeMs } from './report.ts';

/** The TensorFlow.js backends that load here, each with its own tf instance state. */
export async function tfBackends(): Promise<{ tf: Tf; names: string[] }> {
  const { tf } = await loadOracle();
  const names: string[] = [];
  for (const name of ['tensorflow', 'wasm', 'cpu']) {
    try {
      if (await tf.setBackend(name)) names.push(name);
    } catch {
      // not available here
    }
  }
  return { tf, names };
}

/** The shapes of issue 18's targets: an MNIST batch's forward product and its weight gradient's. */
const TARGETS = ['128×784×512', '784×128×512'];

export async function benchMatmul(bench: Bench): Promise<void> {
  const { runs } = bench;
  const shapes: [number, number, number][] = [
    [128, 784, 512],
    [784, 128, 512],
    [128, 512, 10],
    [512, 512, 512],
  ];
  const kernels = matmulKernels();
  const kernel = kernels.simd ? 'simd' : 'plain';
  const { tf, names } = await tfBackends();
  const rows: string[][] = [];
  const out: Record<string, unknown>[] = [];
  for (const [m, k, n] of shapes) {
    const rng = createRng(m * k + n);
    const a = Float32Array.from({ length: m * k }, () => rng.uniform(-1, 1));
    const b = Float32Array.from({ length: k * n }, () => rng.uniform(-1, 1));
    const c = new Float32Array(m * n);
    const flops = 2 * m * k * n;
    const gflops = (ms: number) => flops / ms / 1e6;
    const lib = timeMs(() => kernels.matmul(c, a, b, m, k, n), runs);
    const plain = timeMs(() => plainMatmul(c, a, b, m, k, n), runs);
    const shape = `${m}×${k}×${n}`;
    const entry: Record<string, unknown> = {
      shape,
      kernel,
      lib: { ...lib, gflops: gflops(lib.median) },
      plain: { ...plain, gflops: gflops(plain.median) },
    };
    const cells = [`${m}×${k}·${k}×${n}`, fmt(gflops(lib.median)), fmt(gflops(plain.median))];
    for (const name of ['tensorflow', 'wasm', 'cpu']) {
      if (!names.includes(name)) {
        cells.push('—', '—');
        continue;
      }
      await tf.setBackend(name);
      const ta = tf.tensor2d(a, [m, k]);
      const tb = tf.tensor2d(b, [k, n]);
      const s = timeMs(() => {
        const r = tf.matMul(ta, tb);
        r.dataSync();
        r.dispose();
      }, runs);
      tf.dispose([ta, tb]);
      entry[name] = { ...s, gflops: gflops(s.median) };
      const ratio = s.median / lib.median;
      cells.push(fmt(gflops(s.median)), `${fmt(ratio)}×`);
      if (name === 'wasm' && TARGETS.includes(shape)) {
        bench.targets.push({
          name: `lib matmul ≥ TF.js wasm at ${m}×${k}·${k}×${n}`,
          met: ratio >= 1,
          detail: `${fmt(ratio)}× (${kernel} kernel, ${fmt(gflops(lib.median), 1)} against ${fmt(gflops(s.median), 1)} GFLOP/s)`,
        });
      }
    }
    rows.push(cells);
    out.push(entry);
  }
  bench.results.matmul = out;
  table(
    `matmul, dense random float32 (GFLOP/s, median of ${runs}; lib = the ${kernel} kernel lib/ops and lib/nn use here; "×" = lib's speed over that backend's)`,
    ['shape', `lib (${kernel})`, 'plain', 'tf-node', 'lib/node', 'tf-wasm', 'lib/wasm', 'tf-cpu', 'lib/cpu'],
    rows,
  );
  if (!names.includes('wasm')) console.log('  (TF.js wasm did not load here: the matmul targets are not measured)');
}
