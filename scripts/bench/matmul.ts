/** `npm run bench -- --only matmul`: lib's matmul kernel against TensorFlow.js' backends. */
import { matmul } from '../../lib/kernels/index.ts';
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

export async function benchMatmul(bench: Bench): Promise<void> {
  const { runs } = bench;
  const shapes: [number, number, number][] = [
    [128, 784, 512],
    [784, 128, 512],
    [128, 512, 10],
    [512, 512, 512],
  ];
  const { tf, names } = await tfBackends();
  const rows: string[][] = [];
  const out: Record<string, unknown>[] = [];
  for (const [m, k, n] of shapes) {
    const rng = createRng(m * k + n);
    const a = Float32Array.from({ length: m * k }, () => rng.uniform(-1, 1));
    const b = Float32Array.from({ length: k * n }, () => rng.uniform(-1, 1));
    const c = new Float32Array(m * n);
    const flops = 2 * m * k * n;
    const lib = timeMs(() => matmul(c, a, b, m, k, n), runs);
    const entry: Record<string, unknown> = {
      shape: `${m}×${k}×${n}`,
      lib: { ...lib, gflops: flops / lib.median / 1e6 },
    };
    const cells = [`${m}×${k}·${k}×${n}`, fmt(flops / lib.median / 1e6)];
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
      entry[name] = { ...s, gflops: flops / s.median / 1e6 };
      cells.push(fmt(flops / s.median / 1e6), `${fmt(s.median / lib.median)}×`);
      if (name === 'cpu' && m === 128 && k === 784 && n === 512) {
        const ratio = s.median / lib.median;
        bench.targets.push({
          name: 'lib matmul ≥ 4× TF.js CPU at 128×784×512',
          met: ratio >= 4,
          detail: `${fmt(ratio)}×`,
        });
      }
    }
    rows.push(cells);
    out.push(entry);
  }
  bench.results.matmul = out;
  table(
    `matmul, dense random float32 (GFLOP/s, median of ${runs}; "×" = lib's speed over that backend's)`,
    ['shape', 'lib', 'tf-node', 'lib/node', 'tf-wasm', 'lib/wasm', 'tf-cpu', 'lib/cpu'],
    rows,
  );
}
