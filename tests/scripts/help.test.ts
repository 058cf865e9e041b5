/**
 * Every npm script that runs a script of scripts/ answers `--help` with its doc comment and
 * exits 0, without doing its job; a maintainer's typo is an error, not a rebuild or a
 * four-minute test run. Spawning all twenty would cost a minute on Node 20 (ts-node): each
 * script's source is checked for a --help path, and the commands that had none are run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/exercises.ts';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const scripts = Object.entries(pkg.scripts)
  .map(([name, cmd]) => ({ name, file: /scripts\/[\w-]+\.ts/.exec(cmd)?.[0] }))
  .filter((s): s is { name: string; file: string } => s.file !== undefined);

const run = (file: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', './scripts/register.mjs', file, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('--help on every command', () => {
  it('every npm script names a file that exists and has a --help path', () => {
    expect(scripts.length).toBeGreaterThan(15);
    for (const { name, file } of scripts) {
      expect(existsSync(path.join(ROOT, file)), `npm run ${name}: ${file}`).toBe(true);
      const source = readFileSync(path.join(ROOT, file), 'utf8');
      expect(source, `npm run ${name} (${file})`).toMatch(
        /startCli\(|helpOrRefuse\(|helpText\(|'--help'|\bhelp: \{ type: 'boolean'/,
      );
    }
  });

  it('bench, manifest and test print their help and stop; an unknown option is exit 2', () => {
    for (const [file, first] of [
      ['scripts/bench.ts', '`npm run bench`: speed, side by side'],
      ['scripts/manifest.ts', '`npm run manifest`: writes grading/manifest.json'],
      ['scripts/test.ts', '`npm test`: everything a maintainer needs'],
    ] as const) {
      const help = run(file, '--help');
      expect(help.status, `${file}: ${help.stderr}`).toBe(0);
      expect(help.stdout.startsWith(first), help.stdout.slice(0, 200)).toBe(true);
      expect(help.stdout).not.toMatch(/protected files|npm test: typecheck|GFLOP/);
      const typo = run(file, '--chek');
      expect(typo.status, file).toBe(2);
      expect(typo.stderr).toMatch(/--chek/);
    }
  }, 180_000);
});
