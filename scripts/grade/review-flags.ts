/** What an instructor should look at in a learner's code: imports and calls that learner code has no need of. */
import path from 'node:path';
import { readRegularText, walkRegular } from './safe-fs.ts';

/** Learner code has no need of these; their presence is worth an instructor's look. */
const REVIEW = [
  {
    re: /['"](vitest|@vitest\/[^'"]*|vite|chai|tinyspy|fast-check)['"]/,
    why: 'imports the test runner or the property checker',
  },
  {
    re: /__vitest|\$\$jest|\bexpect\s*\.\s*extend\b|globalThis\s*\.\s*(expect|__vitest)|configureGlobal|Symbol\.for\(\s*['"]\$\$/,
    why: "reaches into the test runner's internals",
  },
  { re: /['"](node:)?(child_process|worker_threads|cluster)['"]/, why: 'starts processes or threads' },
  {
    re: /\bimport\s*\(\s*(?!['"][^'"`$]*['"]\s*\))|\brequire\s*\(|\bcreateRequire\b|\bmodule\s*\.\s*constructor\b|process\s*\.\s*(binding|dlopen|_linkedBinding)/,
    why: 'loads modules at run time (import() of a computed name, require, createRequire)',
  },
  {
    re: /\beval\s*\(|\bnew\s+Function\s*\(|\bFunction\s*\(\s*['"`]|['"](node:)?(vm|inspector|v8)['"]/,
    why: 'runs code built from strings, or reaches into the engine (eval, Function, vm, inspector)',
  },
  { re: /['"]@tensorflow\/|solutions[\\/]/, why: 'uses TensorFlow.js or the reference solutions' },
  {
    re: /\bprocess\s*\.\s*(exit|kill|abort|reallyExit)\b|\bprocess\s*\.\s*env\s*\.\s*KATA_/,
    why: 'ends processes or reads the grader’s settings',
  },
];

/** What an instructor should look at in the learner's code of one exercise (files read as hostile input). */
export function reviewFlags(submissionRoot: string, exercise: string): string[] {
  const out: string[] = [];
  const { files } = walkRegular(path.join(submissionRoot, 'exercises', exercise), {
    skip: (n) => n.startsWith('.') || n === 'node_modules',
  });
  for (const f of files) {
    if (!/\.[cm]?[jt]s$/.test(f.rel) || /\.(spec|test)\./.test(f.rel)) continue;
    const text = readRegularText(f.abs, 10 * 1024 * 1024);
    if (text === null) continue;
    for (const { re, why } of REVIEW) {
      if (re.test(text)) out.push(`exercises/${exercise}/${f.rel} ${why}: review it`);
    }
  }
  return out;
}
