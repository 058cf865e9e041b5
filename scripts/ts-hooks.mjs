// Module hooks that let Node 20 run the repository's TypeScript (scripts/register.mjs registers
// them where Node cannot strip types itself). Transpile only, as ts-node's transpileOnly mode
// did: type checking is `npm run typecheck`'s job, and the code keeps to erasable syntax.
//
// Why not ts-node's ESM loader: it loads the TypeScript compiler (about 1 s of a 2 s start)
// in every process, and the tests start several hundred. Here each file's JavaScript is kept
// on disk, keyed by a hash of its name, its text and the compiler's version, so a process
// whose files are all known never loads the compiler at all; a changed file is a new key.
// Stack traces keep the TypeScript lines: the output carries an inline source map, which
// names the file relative to itself, so one entry serves every copy of the kata (the tests
// make many, in temporary folders).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// bump when the options below change, so old entries are not reused
const VERSION = 1;
const CACHE = path.join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', '.cache', 'kata-ts');
const TYPESCRIPT = /\.m?ts$/;

let compiler;
let compilerVersion;

function typescriptVersion() {
  compilerVersion ??= JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8')).version;
  return compilerVersion;
}

function transpile(name, source) {
  compiler ??= require('typescript');
  const { outputText } = compiler.transpileModule(source, {
    fileName: name,
    compilerOptions: {
      target: compiler.ScriptTarget.ES2022,
      module: compiler.ModuleKind.ESNext,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
      inlineSources: false,
    },
  });
  return outputText;
}

/** The file's JavaScript, from the cache if it holds this exact text, else made and stored. */
function javascript(file) {
  const source = readFileSync(file, 'utf8');
  const name = path.basename(file);
  const key = createHash('sha256').update(`${VERSION}\0${typescriptVersion()}\0${name}\0${source}`).digest('hex');
  const entry = path.join(CACHE, key.slice(0, 2), `${key}.js`);
  try {
    return readFileSync(entry, 'utf8');
  } catch {
    // not cached yet
  }
  const output = transpile(name, source);
  try {
    mkdirSync(path.dirname(entry), { recursive: true });
    // write then rename, so a process running at the same time never reads half an entry
    const temporary = `${entry}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(temporary, output);
    renameSync(temporary, entry);
  } catch {
    // a read-only checkout, or another process won the rename: the output is still good
  }
  return output;
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TYPESCRIPT.test(new URL(url).pathname)) return nextLoad(url, context);
  return { format: 'module', source: javascript(fileURLToPath(url)), shortCircuit: true };
}
