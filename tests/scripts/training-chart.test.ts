/**
 * scripts/lib/training-chart.ts, the curves `npm run mnist` writes: first as SVG text, then drawn in
 * Debian's Chromium and measured (issue 15, item 7: a one-epoch run drew empty charts, the test
 * accuracy fell off the axis, and the y label overlapped its tick labels). Where there is no
 * Chromium the browser checks cannot run — which fails in CI (CI=true: .ci/run installs
 * Chromium) and is skipped elsewhere, as tests/scripts/ui-check.test.ts does.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plural } from '../../lib/format.ts';
import { segmentHitsBox } from '../../scripts/lib/axes.ts';
import { ROOT } from '../../scripts/lib/exercises.ts';
import { figure } from '../../scripts/lib/svg.ts';
import { type TrainingCurves, trainingCurvesSvg } from '../../scripts/lib/training-chart.ts';
import { findChromium } from '../../scripts/ui-check.ts';
import { type DrawnPanel, drawSvg, intersects, openCanvas, type Rect, within } from '../support/svg-in-browser.ts';
import { syntheticRun } from '../support/training-history.ts';
import { tagsOf } from '../support/well-formed.ts';

const chart = (epochs: number, extra: Partial<TrainingCurves> = {}) =>
  trainingCurvesSvg({ title: `test run, ${plural(epochs, 'epoch')}`, ...syntheticRun({ epochs }), ...extra });

describe('plural', () => {
  it('says 1 epoch and 5 epochs, with thousands separated', () => {
    expect(plural(1, 'epoch')).toBe('1 epoch');
    expect(plural(5, 'epoch')).toBe('5 epochs');
    expect(plural(0, 'step')).toBe('0 steps');
    expect(plural(60000, 'training image')).toBe('60,000 training images');
    expect(plural(2, 'batch', 'batches')).toBe('2 batches');
  });
});

describe('trainingCurvesSvg', () => {
  it('draws a one-epoch run as a curve of its logged steps, with the test point and a legend', () => {
    const run = syntheticRun({ epochs: 1 }); // 469 steps, every 2: 235 points
    const svg = trainingCurvesSvg({ title: 'one epoch', ...run });
    const tags = tagsOf(svg);
    expect(tags.filter((t) => t === 'polyline')).toHaveLength(2); // loss and accuracy
    for (const m of svg.matchAll(/<polyline points="([^"]*)"/g)) {
      expect((m[1] as string).split(' ')).toHaveLength(run.steps.length);
    }
    expect(run.steps).toHaveLength(235);
    expect(tags.filter((t) => t === 'circle').length).toBeGreaterThanOrEqual(2); // a test point per panel
    for (const text of [
      'train',
      'test, end of epoch',
      'epoch (469 steps each)',
      'cross-entropy',
      'accuracy (test 97.90%)',
    ])
      expect(svg).toContain(`>${text}<`);
    expect(svg).toContain('each point the mean of 2 steps');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('says "each step" when every step is a point, and "1 step each" in the singular', () => {
    const svg = trainingCurvesSvg({ title: 't', ...syntheticRun({ epochs: 2, stepsPerEpoch: 1, every: 1 }) });
    expect(svg).toContain('train: each step');
    expect(svg).toContain('>epoch (1 step each)<');
  });
});

const chromium = findChromium();
const inCI = process.env.CI === 'true';
const SHOTS = path.join(ROOT, 'reports', 'chart-check');

/**
 * What every drawn panel must satisfy — the three complaints, and a legend off the data —
 * as a list of what is wrong (one expect per panel: thousands of points each).
 */
function problems(p: DrawnPanel): string[] {
  const found: string[] = [];
  const where = `panel "${p.title}"`;
  for (const m of p.marks) {
    for (const [x, y] of m.vertices)
      if (!within({ x, y, width: 0, height: 0 }, p.frame))
        found.push(`${where}: ${m.label}'s point ${x},${y} is off the plot area`);
    for (const d of m.dots) if (!within(d, p.frame)) found.push(`${where}: a dot of ${m.label} is off the plot area`);
  }
  const ticks = [...p.xTicks, ...p.yTicks];
  for (const label of [p.xLabel, p.yLabel].filter((r): r is Rect => r !== null)) {
    if (ticks.some((t) => intersects(label, t))) found.push(`${where}: an axis label overlaps a tick label`);
  }
  for (const list of [p.xTicks, p.yTicks]) {
    if (list.some((a, i) => list.slice(i + 1).some((b) => intersects(a, b))))
      found.push(`${where}: tick labels overlap`);
  }
  const legend = p.legend;
  if (legend) {
    for (const m of p.marks) {
      const segments = m.vertices.map((a, i) => [a, m.vertices[i + 1] ?? a] as const);
      if (segments.some(([a, b]) => segmentHitsBox(a, b, legend))) found.push(`${where}: the legend covers ${m.label}`);
      if (m.dots.some((d) => intersects(d, legend))) found.push(`${where}: the legend covers a dot of ${m.label}`);
    }
    const labels = [...ticks, p.xLabel, p.yLabel].filter((r): r is Rect => r !== null);
    if (labels.some((t) => intersects(t, legend))) found.push(`${where}: the legend covers a label`);
  }
  return found;
}

const checkPanel = (p: DrawnPanel) => expect(problems(p)).toEqual([]);

// Generous time limits: a busy machine can take seconds to start Chromium. Nothing here is timed.
describe.runIf(chromium !== null || inCI)('the chart drawn in Chromium', { timeout: 60_000 }, () => {
  let canvas: { page: Page; close: () => Promise<void> } | undefined;
  let page: Page;
  beforeAll(async () => {
    expect(
      chromium,
      'CI=true but there is no Chromium at /usr/bin/chromium: .ci/run must `apt-get install -y chromium`',
    ).not.toBeNull();
    canvas = await openCanvas(chromium as string);
    page = canvas.page;
  }, 120_000);
  afterAll(async () => {
    await canvas?.close();
  }, 30_000);

  it('one epoch: a curve of many points, and a test accuracy above the whole training curve still on the axes', async () => {
    // The training accuracy tops out at 0.97; the test point is at 0.995.
    const run = syntheticRun({ epochs: 1, testAccuracy: () => 0.995 });
    const svg = trainingCurvesSvg({ title: 'one epoch', ...run });
    const panels = await drawSvg(page, svg, path.join(SHOTS, 'one-epoch.png'));
    expect(panels.map((p) => p.title)).toEqual(['loss', 'accuracy (test 99.50%)']);
    for (const p of panels) checkPanel(p);
    const accuracy = panels[1] as DrawnPanel;
    const train = accuracy.marks.find((m) => m.label === 'train');
    const test = accuracy.marks.find((m) => m.label === 'test, end of epoch');
    expect(train?.vertices.length).toBeGreaterThan(100);
    expect(test?.dots).toHaveLength(1);
    // Above every point of the training curve (smaller y on screen), and inside the frame.
    const dot = test?.dots[0] as Rect;
    expect(dot.y + dot.height / 2).toBeLessThan(Math.min(...(train?.vertices ?? []).map(([, y]) => y)));
    // The x axis runs in epochs from 0 to 1: the first tick label sits at the frame's left.
    expect(accuracy.xTicks.length).toBeGreaterThanOrEqual(3);
  });

  it('five epochs and a run of three steps: the same rules hold', async () => {
    const five = await drawSvg(page, chart(5));
    const tiny = await drawSvg(page, chart(1, syntheticRun({ epochs: 1, stepsPerEpoch: 3, every: 1 })));
    for (const p of [...five, ...tiny]) checkPanel(p);
    expect(five[0]?.marks.find((m) => m.label === 'test, end of epoch')?.dots).toHaveLength(5);
    expect(tiny[0]?.marks.find((m) => m.label === 'train')?.vertices).toHaveLength(3);
  });

  it('a legend with no free corner goes above the plot area; long y tick labels push the axis label out', async () => {
    // A line through all four corners, and y values whose tick labels are long (0.98712).
    const [lo, hi] = [0.9871, 0.9873];
    const corners = [
      [0, lo],
      [1, hi],
      [1, lo],
      [0, hi],
      [0, lo],
      [1, lo],
      [1, hi],
      [0, hi],
    ] as const;
    const svg = figure({
      panels: [
        {
          title: 'crowded',
          xLabel: 'x',
          yLabel: 'a long y label',
          y: [lo - 0.00002, hi + 0.00002],
          marks: [{ kind: 'line', points: corners, label: 'a line with a rather long label' }],
        },
      ],
    });
    const [p] = await drawSvg(page, svg);
    checkPanel(p as DrawnPanel);
    expect((p as DrawnPanel).legend?.y ?? 0).toBeLessThan((p as DrawnPanel).frame.y);
  });
});
