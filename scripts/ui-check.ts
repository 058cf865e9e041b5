/**
 * Checks `npm run ui` in a real browser: starts it on a free local port (no browser opened),
 * loads the Vitest UI in Debian's Chromium (driven by playwright-core; never downloads a
 * browser), finds every exercise's spec file with its pass/fail state and the dashboard's
 * counts, and keeps a screenshot.
 *
 *   node --import ./scripts/register.mjs scripts/ui-check.ts [exercise…] [--out reports/ui-check.png]
 *
 * Browser: Debian's /usr/bin/chromium (apt-get install -y chromium), else Google Chrome or Microsoft
 * Edge where their installers put them (Linux, macOS, Windows), or KATA_CHROMIUM=/path.
 * Exit codes: 0 the UI works, 1 it does not, 2 no Chromium or playwright-core.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { commandArgs } from './lib/args.ts';
import { findExercise, listExercises, ROOT } from './lib/exercises.ts';
import { stripAnsi } from './lib/term.ts';

/** The flags of the project's browser checks (DESIGN.md): no network, no GPU, no sandbox (CI containers). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Where a Chromium-based browser is installed, by platform: Debian's Chromium first, then
 * Google Chrome and Microsoft Edge where their installers put them (the places playwright's
 * `chrome` and `msedge` channels look; GitHub's macOS and Windows runners have both).
 */
export function browserCandidates(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    ];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    return [
      ...roots.map((r) => path.win32.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe')),
      ...roots.map((r) => path.win32.join(r, 'Microsoft', 'Edge', 'Application', 'msedge.exe')),
    ];
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/microsoft-edge',
  ];
}

/** The browser the checks drive: KATA_CHROMIUM if set, else the first installed candidate; null when there is none. */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  exists: (file: string) => boolean = existsSync,
): string | null {
  const candidates = env.KATA_CHROMIUM ? [env.KATA_CHROMIUM] : browserCandidates(env, platform);
  return candidates.find((c) => exists(c)) ?? null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Stops `npm run ui` and Vitest's workers with it (its process group), forcefully if it lingers. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (process.platform !== 'win32') process.kill(-(child.pid as number), sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface UiCheckResult {
  url: string;
  files: { spec: string; state: 'pass' | 'fail' }[];
  pass: number;
  fail: number;
  total: number;
  screenshot: string;
}

export async function checkUi(options: { filters?: string[]; out: string; chromium: string }): Promise<UiCheckResult> {
  const { chromium } = await import('playwright-core').catch(() => {
    throw Object.assign(new Error('playwright-core is not installed (a devDependency: npm install)'), { exitCode: 2 });
  });
  const exercises = options.filters?.length ? options.filters.map((f) => findExercise(f)) : listExercises();
  const specs = exercises.map((e) => path.relative(ROOT, e.spec).split(path.sep).join('/'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--import',
      './scripts/register.mjs',
      path.join('scripts', 'ui.ts'),
      '--port',
      String(port),
      '--no-open',
      ...(options.filters ?? []),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0', KATA_LANG: 'en' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    },
  );
  let output = '';
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const profile = mkdtempSync(path.join(tmpdir(), 'kata-ui-check-'));
  let context: BrowserContext | undefined;
  try {
    // npm run ui prints the UI's address first, opened on an exercise ("Vitest UI: http://…/__vitest__/#/?file=…").
    const url = await waitFor('the Vitest UI to start', 180_000, async () => {
      if (child.exitCode !== null) throw Object.assign(new Error('exited'), { fatal: true });
      const m = /Vitest UI: (https?:\/\/\S+\/__vitest__\/\S*)/.exec(stripAnsi(output));
      if (!m) return undefined;
      const response = await fetch((m[1] as string).replace(/#.*$/, ''));
      return response.ok ? (m[1] as string) : undefined;
    }).catch((e) => {
      throw new Error(`npm run ui did not serve the UI (${(e as Error).message}):\n${stripAnsi(output).slice(-3000)}`);
    });

    context = await chromium.launchPersistentContext(profile, {
      executablePath: options.chromium,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 800 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    try {
      const result = await inspect(page, url.replace(/#.*$/, ''), specs, options.out);
      await checkFocus(page, url, options.filters?.length ? specs.slice(0, 1) : specs);
      checkTerminal(stripAnsi(output), exercises);
      return result;
    } catch (e) {
      // What the page looked like when the check failed, next to where the screenshot goes.
      await page.screenshot({ path: options.out.replace(/\.png$/, '-failed.png') }).catch(() => {});
      throw e;
    }
  } finally {
    await context?.close().catch(() => {});
    await stop(child);
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * The terminal of `npm run ui`: the address before any result, a line when a run begins, then
 * one line per exercise per run — never Vitest's failure traces (the browser has them).
 */
function checkTerminal(output: string, exercises: readonly { name: string }[]): void {
  const lines = output.split('\n');
  const address = lines.findIndex((l) => l.includes('Vitest UI: '));
  const firstResult = lines.findIndex((l) => /[✓✗] \d\d-/.test(l));
  if (firstResult < 0) throw new Error(`npm run ui printed no result line:\n${output.slice(-2000)}`);
  if (address < 0 || address > firstResult)
    throw new Error(`npm run ui printed results before its address:\n${output.slice(0, 2000)}`);
  const started = lines.findIndex((l) => /(Running the specs of \d\d-|Checking \d+ exercises?)…/.test(l));
  if (started < 0 || started < address || started > firstResult)
    throw new Error(
      `npm run ui did not say a run had begun between its address and the results:\n${output.slice(0, 2000)}`,
    );
  for (const e of exercises) {
    if (!lines.some((l) => new RegExp(`[✓✗] ${e.name} `).test(l)))
      throw new Error(`npm run ui printed no line for ${e.name}`);
  }
  const trace = lines.find((l) => /TODO\(|AssertionError|⎯⎯|^\s+at /.test(l));
  if (trace !== undefined) throw new Error(`npm run ui printed a failure trace in the terminal: ${trace}`);
}

/** The address npm run ui prints opens on one exercise's spec file: the one named first, else the first unsolved. */
async function checkFocus(page: Page, url: string, candidates: readonly string[]): Promise<void> {
  // A fresh page: the address differs from the dashboard's only after the '#'.
  const fresh = await page.context().newPage();
  try {
    await fresh.goto(url);
    await waitFor('the UI to show the focused spec file', 60_000, async () => {
      if (!(await fresh.getByTestId('btn-report').isVisible())) return undefined;
      // the file's panel: its name, then the Report / Module Graph / Code tabs
      const panel = await fresh
        .getByTestId('btn-report')
        .evaluate((e) => e.closest('div')?.parentElement?.parentElement?.textContent ?? '');
      return candidates.some((spec) => panel.includes(spec)) ? true : undefined;
    });
  } catch {
    throw new Error(`${url} does not open on ${candidates.length === 1 ? candidates[0] : 'an exercise'}`);
  } finally {
    await fresh.close();
  }
}

async function inspect(page: Page, url: string, specs: readonly string[], out: string): Promise<UiCheckResult> {
  await page.goto(url);
  // Connected, and the first run has finished: every spec file counted as failed or passed.
  const total = await waitFor('the first run to finish in the UI', 180_000, async () => {
    const body = (await page.textContent('body')) ?? '';
    if (body.includes('Connecting...')) return undefined;
    const files = (label: string) => Number(new RegExp(`${label} \\((\\d+)\\)`).exec(body)?.[1] ?? 0);
    if (files('RUNNING') > 0 || files('FAIL') + files('PASS') < specs.length) return undefined;
    const n = Number.parseInt((await page.getByTestId('total-entry').textContent()) ?? '', 10);
    return n > 0 ? n : undefined;
  });
  const collapse = page.getByTestId('collapse-all');
  if (await collapse.isVisible()) await collapse.click();
  const files: UiCheckResult['files'] = [];
  for (const spec of specs) {
    const item = page.locator(`[data-testid="explorer-item"][aria-label="${spec}"]`);
    await item.waitFor({ timeout: 30_000 }).catch(() => {
      throw new Error(`the UI does not list ${spec}`);
    });
    // The status icon is the item's child with an `i-carbon:…` attribute (UnoCSS attributify).
    const icon = await item.evaluate((e) =>
      [...e.children].flatMap((c) => c.getAttributeNames()).find((n) => /^i-carbon:(checkmark|close)/.test(n)),
    );
    const state = icon === 'i-carbon:checkmark' ? 'pass' : icon === 'i-carbon:close' ? 'fail' : null;
    if (!state) throw new Error(`the UI shows ${spec} without a pass or fail state`);
    files.push({ spec, state });
  }
  const count = async (id: string) => Number.parseInt((await page.getByTestId(id).textContent()) ?? '', 10);
  const pass = await count('pass-entry');
  const fail = await count('fail-entry');
  if (!(pass >= 0 && fail >= 0 && pass + fail <= total)) {
    throw new Error(`the dashboard's counts do not add up: ${pass} pass, ${fail} fail, ${total} in all`);
  }
  if (files.some((f) => f.state === 'fail') !== fail > 0) {
    throw new Error(`the files' states (${files.map((f) => f.state).join(', ')}) disagree with ${fail} failing specs`);
  }
  mkdirSync(path.dirname(out), { recursive: true });
  await page.mouse.move(900, 700); // no tooltip over the explorer in the picture
  await page.screenshot({ path: out });
  return { url, files, pass, fail, total, screenshot: out };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(ROOT, 'scripts', 'ui-check.ts');
if (isMain) {
  const args = commandArgs(import.meta.url, process.argv.slice(2), { out: { type: 'string' } }, true);
  const chromium = findChromium();
  if (!chromium) {
    console.error(
      'ui-check: no Chromium at /usr/bin/chromium. Install it with `apt-get install -y chromium` (or set KATA_CHROMIUM).',
    );
    process.exit(2);
  }
  const out = path.resolve(ROOT, args.values.out ?? path.join('reports', 'ui-check.png'));
  try {
    const r = await checkUi({ filters: args.positionals, out, chromium });
    const failing = r.files.filter((f) => f.state === 'fail').length;
    console.log(
      `ui-check: ${r.url} lists ${r.files.length} spec files (${failing} failing, ${r.files.length - failing} passing); ` +
        `dashboard: ${r.pass} pass, ${r.fail} fail, ${r.total} in all. Screenshot: ${path.relative(ROOT, r.screenshot)}`,
    );
    for (const f of r.files) console.log(`  ${f.state === 'pass' ? '✓' : '✗'} ${f.spec}`);
    process.exit(0);
  } catch (e) {
    console.error(`ui-check: ${(e as Error).message}`);
    process.exit((e as { exitCode?: number }).exitCode ?? 1);
  }
}
