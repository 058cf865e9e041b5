/** scripts/lib/svg.ts: the pure pieces (ticks, scales, ranges, contours, escaping) and the figure's structure. */
import { describe, expect, it } from 'vitest';
import { contourSegments, escapeXml, figure, fitRange, linearScale, niceTicks } from '../../scripts/lib/svg.ts';
import { tagsOf } from '../support/well-formed.ts';

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten and covers the range', () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-2.4, 3.4, 5)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(niceTicks(0, 100, 2)).toEqual([0, 50, 100]);
    expect(niceTicks(3, 7, 4)).toEqual([3, 4, 5, 6, 7]);
  });

  it('gives exact decimals, not 0.30000000000000004', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.001, 0.0042, 3)).toEqual([0.001, 0.002, 0.003, 0.004]);
  });

  it('an empty or reversed range gives one tick', () => {
    expect(niceTicks(2, 2)).toEqual([2]);
    expect(niceTicks(5, 1)).toEqual([5]);
  });
});

describe('linearScale and fitRange', () => {
  it('maps the domain onto the range, also backwards (SVG y grows downwards)', () => {
    const y = linearScale([0, 10], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(5)).toBe(100);
    expect(y(10)).toBe(0);
    expect(linearScale([1, 1], [0, 5])(1)).toBe(0); // a point domain does not divide by zero
  });

  it('fits the finite values with padding, and never returns an empty range', () => {
    expect(fitRange([0, 10], 0.1)).toEqual([-1, 11]);
    expect(fitRange([3, 3], 0)).toEqual([3, 3]);
    const [lo, hi] = fitRange([3, 3]);
    expect(hi).toBeGreaterThan(lo);
    expect(fitRange([Number.NaN, Number.POSITIVE_INFINITY])).toEqual([0, 1]);
  });
});

describe('contourSegments', () => {
  it('traces the unit circle as the level 1 of x² + y²', () => {
    const segments = contourSegments((x, y) => x * x + y * y, [-2, 2], [-2, 2], 1, 40);
    expect(segments.length).toBeGreaterThan(40);
    for (const [a, b] of segments) {
      for (const [x, y] of [a, b]) expect(Math.hypot(x, y)).toBeCloseTo(1, 1);
    }
  });

  it('finds nothing where the level is never reached', () => {
    expect(contourSegments((x, y) => x * x + y * y, [-1, 1], [-1, 1], 10)).toEqual([]);
  });
});

describe('figure', () => {
  const svg = figure({
    title: 'A <title> & more',
    subtitle: 'two panels',
    columns: 2,
    panels: [
      {
        title: 'shapes',
        note: '(a note)',
        equalAspect: true,
        marks: [
          {
            kind: 'polygon',
            points: [
              [0, 0],
              [1, 0],
              [0, 1],
            ],
            label: 'triangle',
          },
          { kind: 'arrow', from: [0, 0], to: [1, 1] },
          { kind: 'points', points: [[0.5, 0.5]] },
          { kind: 'text', at: [0, 1], text: 'x < y' },
        ],
      },
      {
        title: 'a curve',
        xLabel: 'epoch',
        yLabel: 'loss',
        marks: [
          {
            kind: 'line',
            points: [
              [1, 0.9],
              [2, 0.5],
              [3, 0.3],
            ],
          },
          { kind: 'contour', f: (x, y) => x + y, levels: [2] },
        ],
      },
    ],
  });

  it('is one well-formed <svg> element with a title, panels and their marks', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const tags = tagsOf(svg);
    expect(tags.filter((t) => t === 'clipPath')).toHaveLength(2);
    for (const t of ['polygon', 'polyline', 'circle', 'path', 'line']) expect(tags).toContain(t);
  });

  it('escapes text and shows titles, notes, labels and the legend', () => {
    expect(svg).toContain('A &#60;title&#62; &#38; more');
    expect(svg).toContain('x &#60; y');
    for (const text of ['shapes', '(a note)', 'a curve', 'epoch', 'loss', 'triangle'])
      expect(svg).toContain(`>${text}<`);
  });

  it('is the same text every time (no randomness, no clock)', () => {
    // two figures built apart from the same description, so nothing is shared between the calls
    const draw = () =>
      figure({
        panels: [
          {
            title: 'p',
            marks: [
              {
                kind: 'line',
                points: [
                  [0, 0],
                  [1, 1],
                ],
              },
            ],
          },
        ],
      });
    expect(draw()).toBe(draw());
  });

  it('escapeXml escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});
