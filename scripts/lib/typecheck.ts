/**
 * `tsc --noEmit` over the kata's code with the kata's stubs in place of the learner's: what
 * npm test typechecks on a learner's copy. One program, as tsc would build it from
 * tsconfig.json, except that the exercise code files read as the stubs the manifest records
 * (the specs, plots and judges import them), and a learner's own extra exercise files are left
 * out. Nothing is written: the overlay lives in the compiler host.
 */
import path from 'node:path';
import ts from 'typescript';
import { isExerciseCode } from '../grade/protected-files.ts';

export interface TypecheckResult {
  errors: number;
  /** tsc's plain report: `file(line,col): error TSnnnn: message`, one per line */
  report: string;
}

/** `only`: these files (relative paths) and what they import instead of all that tsconfig.json includes. */
export function typecheckWithStubs(root: string, stubs: Map<string, Uint8Array>, only?: string[]): TypecheckResult {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      },
    },
  );
  if (!parsed) throw new Error('tsconfig.json could not be read');
  const key = (f: string) => path.resolve(f);
  const overlay = new Map(
    [...stubs].map(([rel, bytes]) => [key(path.join(root, rel)), Buffer.from(bytes).toString('utf8')]),
  );
  const learners = (f: string) => {
    const rel = path.relative(root, f).split(path.sep).join('/');
    return isExerciseCode(rel) && /\.[cm]?[jt]s$/.test(rel);
  };
  const host = ts.createCompilerHost(parsed.options);
  const { readFile, fileExists } = host;
  host.readFile = (f) => overlay.get(key(f)) ?? readFile.call(host, f);
  host.fileExists = (f) => overlay.has(key(f)) || fileExists.call(host, f);
  const rootNames = only
    ? only.map((f) => path.join(root, f))
    : [...parsed.fileNames.filter((f) => !learners(f)), ...overlay.keys()];
  const program = ts.createProgram({ rootNames, options: parsed.options, host });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const report = ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  });
  return { errors: diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).length, report };
}
