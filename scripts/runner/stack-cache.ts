/**
 * NOTE: a speed-up for failing specs. For every frame of every failing spec's stack, Vitest
 * 4.1 reads the frame's file again (readFileSync) and searches all of it for a source-map
 * comment (two regular expressions of convert-source-map) when the file is not in Vite's
 * module graph — packages such as fast-check (390 kB), whose frames fill the stack of every
 * failing property. With a stub's 20–30 failing specs that is tens of MB read and searched
 * per rerun: most of this process's share of a rerun. Packages' JavaScript files do not
 * change during a session, so this process remembers them (utf-8 reads of
 * node_modules/**.{js,mjs,cjs}) and what the search found in each.
 */
import fs from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';

const PACKAGE_JS = /[\\/]node_modules[\\/].*\.[cm]?js$/;
let installed = false;

export function cachePackageReads(): void {
  if (installed) return;
  installed = true;
  const original = fs.readFileSync;
  const memo = new Map<string, string>();
  const texts = new Set<string>();
  const cached = (file: unknown, options?: unknown): unknown => {
    if (typeof file === 'string' && (options === 'utf-8' || options === 'utf8') && PACKAGE_JS.test(file)) {
      let text = memo.get(file);
      if (text === undefined) {
        text = original(file, 'utf8');
        memo.set(file, text);
        texts.add(text);
      }
      return text;
    }
    return (original as (file: unknown, options?: unknown) => unknown)(file, options);
  };
  (fs as { readFileSync: unknown }).readFileSync = cached;
  // Vitest imports { readFileSync } from 'node:fs': make the ES module binding see the wrapper.
  syncBuiltinESMExports();
  memoizeSourceMapSearch(texts);
}

type Search = (this: unknown, content: unknown, ...rest: unknown[]) => unknown;

/**
 * Wraps convert-source-map's two searches (the copy @vitest/utils requires: a CommonJS
 * module, whose exports object can be changed) to remember their answer for package texts.
 */
function memoizeSourceMapSearch(packageTexts: ReadonlySet<string>): void {
  let csm: Record<string, unknown>;
  try {
    const fromUtils = createRequire(createRequire(import.meta.url).resolve('@vitest/utils/package.json'));
    csm = fromUtils('convert-source-map') as Record<string, unknown>;
  } catch {
    return; // another layout of vitest's packages: only the reads are cached
  }
  for (const name of ['fromSource', 'fromMapFileSource']) {
    const search = csm[name];
    if (typeof search !== 'function') continue;
    const answers = new Map<string, unknown>();
    csm[name] = function (this: unknown, content: unknown, ...rest: unknown[]): unknown {
      if (typeof content !== 'string' || !packageTexts.has(content)) return search.call(this, content, ...rest);
      if (!answers.has(content)) answers.set(content, search.call(this, content, ...rest));
      return answers.get(content);
    } satisfies Search;
  }
}
