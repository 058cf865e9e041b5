/**
 * `npm run build-simd`: assembles lib/kernels/simd/matmul.wat into matmul.wasm beside it, with
 * wabt's JavaScript build (a devDependency: no native toolchain). The .wasm is checked in, so
 * learners need no build step; tests/lib/simd-kernels.test.ts checks that it is this
 * command's output for the .wat. Run it after editing the .wat.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commandArgs } from './lib/args.ts';

export const watPath = fileURLToPath(new URL('../lib/kernels/simd/matmul.wat', import.meta.url));
export const wasmPath = fileURLToPath(new URL('../lib/kernels/simd/matmul.wasm', import.meta.url));

/** The bytes of the module that `wat` (WebAssembly text) describes. */
export async function assemble(wat: string): Promise<Uint8Array> {
  const { default: initWabt } = await import('wabt');
  const wabt = await initWabt();
  const module = wabt.parseWat('matmul.wat', wat, { simd: true, bulk_memory: true });
  try {
    module.validate();
    return module.toBinary({ write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  commandArgs(import.meta.url, process.argv.slice(2), {});
  const bytes = await assemble(readFileSync(watPath, 'utf8'));
  writeFileSync(wasmPath, bytes);
  console.log(`wrote ${wasmPath} (${bytes.length} bytes)`);
}
