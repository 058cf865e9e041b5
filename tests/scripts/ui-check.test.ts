/**
 * `npm run ui` in a real browser (scripts/ui-check.ts): Debian's Chromium driven by
 * playwright-core loads the Vitest UI and finds the exercises' specs with their pass/fail
 * state; the screenshot is kept in reports/ui-check.png. Where there is no Chromium the check
 * cannot run — which fails in CI (CI=true: .ci/run installs Chromium) and is skipped elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listExercises, ROOT } from '../../scripts/lib/exercises.ts';
import { browserCandidates, findChromium } from '../../scripts/ui-check.ts';

const chromium = findChromium();
const inCI = process.env.CI === 'true';
const screenshot = path.join(ROOT, 'reports', 'ui-check.png');

describe('the Vitest UI in a browser', () => {
  it.runIf(chromium !== null || inCI)(
    'lists the first and the last exercise with their pass/fail state, and keeps a screenshot',
    () => {
      expect(
        chromium,
        'CI=true but there is no Chromium, Chrome or Edge (see browserCandidates): .ci/run must `apt-get install -y chromium`',
      ).not.toBeNull();
      const exercises = listExercises();
      // Two exercises keep the check to seconds; the script alone checks all of them by default.
      const picked = [...new Set([exercises[0], exercises[exercises.length - 1]])].filter((e) => e !== undefined);
      const started = Date.now();
      const result = spawnSync(
        process.execPath,
        ['--import', './scripts/register.mjs', path.join('scripts', 'ui-check.ts'), ...picked.map((e) => e.id)],
        { cwd: ROOT, encoding: 'utf8', timeout: 280_000, env: { ...process.env, KATA_LANG: 'en' } },
      );
      const output = `${result.stdout}\n${result.stderr}`;
      expect(result.status, output).toBe(0);
      for (const e of picked) {
        expect(output).toMatch(new RegExp(`[✓✗] exercises/${e.name}/${e.slug}\\.spec\\.ts`));
      }
      expect(output).toMatch(/dashboard: \d+ pass, \d+ fail, \d+ in all/);
      expect(existsSync(screenshot)).toBe(true);
      expect(statSync(screenshot).mtimeMs).toBeGreaterThanOrEqual(started - 1000);
    },
    300_000,
  );

  it('finds Chromium, Chrome or Edge where each platform installs them; KATA_CHROMIUM wins', () => {
    const only = (file: string) => (f: string) => f === file;
    const chrome = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
    const edge = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
    const win = { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)' };
    expect(findChromium(win, 'win32', only(chrome))).toBe(chrome);
    expect(findChromium(win, 'win32', only(edge))).toBe(edge);
    const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(findChromium({}, 'darwin', only(mac))).toBe(mac);
    expect(findChromium({}, 'linux', only('/usr/bin/google-chrome'))).toBe('/usr/bin/google-chrome');
    expect(browserCandidates({}, 'linux')[0]).toBe('/usr/bin/chromium');
    expect(findChromium({ KATA_CHROMIUM: '/opt/x/chrome' }, 'linux', only('/opt/x/chrome'))).toBe('/opt/x/chrome');
    expect(findChromium({}, 'linux', () => false)).toBeNull();
  });
});
