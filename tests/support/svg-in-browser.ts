/**
 * Draws the kata's SVG figures in Debian's Chromium (playwright-core, the flags of
 * scripts/ui-check.ts) and measures what the browser drew: each panel's plot area, tick and
 * axis labels, legend, and every mark's points, in page pixels. The tests then check the
 * picture's geometry, not the SVG's text.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../../scripts/ui-check.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DrawnPanel {
  title: string;
  /** the plot area (the frame around the data) */
  frame: Rect;
  xTicks: Rect[];
  yTicks: Rect[];
  xLabel: Rect | null;
  yLabel: Rect | null;
  /** the legend's box and entries together */
  legend: Rect | null;
  /** each mark: its label, the vertices of its lines, and the boxes of its dots */
  marks: { label: string | null; vertices: [number, number][]; dots: Rect[] }[];
}

/** Chromium with one page to draw on (a new page costs more than a drawing: reuse it). */
export async function openCanvas(executablePath: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  return { page, close: () => browser.close() };
}

/** Renders `svg` alone on the page and measures its panels; keeps a screenshot when asked. */
export async function drawSvg(page: Page, svg: string, screenshot?: string): Promise<DrawnPanel[]> {
  await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
  if (screenshot) {
    mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.locator('svg').first().screenshot({ path: screenshot });
  }
  // NOTE: the kata type-checks without the DOM's types, so the page's objects get small structural ones.
  return await page.locator('svg > g[transform]').evaluateAll((panels) => {
    type Node = {
      getBoundingClientRect(): Rect;
      querySelector(s: string): Node | null;
      querySelectorAll(s: string): Iterable<Node>;
      getAttribute(name: string): string | null;
      textContent: string | null;
    };
    type Shape = Node & {
      points: Iterable<{ x: number; y: number }>;
      getScreenCTM(): { a: number; b: number; c: number; d: number; e: number; f: number };
    };
    const rect = (e: Node | null): Rect | null => {
      if (!e) return null;
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const all = (root: Node, selector: string) => [...root.querySelectorAll(selector)];
    return (panels as unknown as Node[]).map((g) => ({
      title: g.querySelector('.panel-title')?.textContent ?? '',
      frame: rect(g.querySelector('rect.frame')) as Rect,
      xTicks: all(g, 'text.tick.x').map((e) => rect(e) as Rect),
      yTicks: all(g, 'text.tick.y').map((e) => rect(e) as Rect),
      xLabel: rect(g.querySelector('text.label.x')),
      yLabel: rect(g.querySelector('text.label.y')),
      legend: rect(g.querySelector('.legend-group')),
      marks: all(g, 'g.mark').map((m) => ({
        label: m.getAttribute('data-label'),
        vertices: (all(m, 'polyline, polygon') as Shape[]).flatMap((shape) => {
          const { a, b, c, d, e, f } = shape.getScreenCTM();
          return [...shape.points].map((p) => [a * p.x + c * p.y + e, b * p.x + d * p.y + f] as [number, number]);
        }),
        dots: all(m, 'circle').map((e) => rect(e) as Rect),
      })),
    }));
  });
}

export const intersects = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Whether `inner` lies within `outer`, allowing `slack` pixels (anti-aliasing, rounding). */
export const within = (inner: Rect, outer: Rect, slack = 0.5) =>
  inner.x >= outer.x - slack &&
  inner.y >= outer.y - slack &&
  inner.x + inner.width <= outer.x + outer.width + slack &&
  inner.y + inner.height <= outer.y + outer.height + slack;
