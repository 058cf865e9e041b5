/**
 * NOTE: a speed-up for failing specs. For every frame of every failing spec's stack, Vitest
 * 4.1 reads the frame's file again (readFileSync) to look for a source map when the file is
 * not in Vite's module graph — packages such as fast-check (390 kB), whose frames fill the
 * stack of every failing property. With a stub's 20–30 failing specs that is tens of MB
 * read per rerun, about half of a rerun's time. Packages' JavaScript files do not change
 * during a session, so this process remembers them (utf-8 reads of node_modules/**.{js,mjs,cjs}).
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const PACKAGE_JS = /[\\/]node_modules[\\/].*\.[cm]?js$/;
let installed = false;

export function cachePackageReads(): void {
  if (installed) return;
  installed = true;
  const original = fs.readFileSync;
  const memo = new Map<string, string>();
  const cached = (file: unknown, options?: unknown): unknown => {
    if (typeof file === 'string' && (options === 'utf-8' || options === 'utf8') && PACKAGE_JS.test(file)) {
      let text = memo.get(file);
      if (text === undefined) {
        text = original(file, 'utf8');
        memo.set(file, text);
      }
      return text;
    }
    return (original as (file: unknown, options?: unknown) => unknown)(file, options);
  };
  (fs as { readFileSync: unknown }).readFileSync = cached;
  // Vitest imports { readFileSync } from 'node:fs': make the ES module binding see the wrapper.
  syncBuiltinESMExports();
}
