/** scripts/lib/axes.ts: nice axis ranges, the text-width bound, and the hit tests that keep legends off the data. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { niceAxis, segmentHitsBox, textWidth, tickStep } from '../../scripts/lib/axes.ts';

describe('niceAxis', () => {
  it('widens the range out to the nearest ticks, which it returns', () => {
    // accuracy 0.27–0.97 over ~4 ticks: steps of 0.2, from 0.2 to 1
    expect(niceAxis(0.27, 0.97, 4)).toEqual({ range: [0.2, 1], ticks: [0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceAxis(0, 1, 5)).toEqual({ range: [0, 1], ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceAxis(0.11, 2.31, 4)).toEqual({ range: [0, 2.5], ticks: [0, 0.5, 1, 1.5, 2, 2.5] });
    expect(niceAxis(-3.2, 4.1, 5).range).toEqual([-4, 6]);
  });

  it('gives one value (a one-step run) an axis around it', () => {
    const { range, ticks } = niceAxis(0.83, 0.83, 5);
    expect(range[0]).toBeLessThan(0.83);
    expect(range[1]).toBeGreaterThan(0.83);
    expect(ticks.length).toBeGreaterThan(1);
    expect(niceAxis(0, 0).range).toEqual([-1, 1]);
    expect(niceAxis(Number.NaN, 1).range).toEqual([0, 1]);
  });

  it('covers any range, starts and ends on a tick, and ticks evenly by a 1-2-5 step', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.integer({ min: 2, max: 12 }),
        (lo, span, target) => {
          const hi = lo + span;
          // Spans of a millionth of the values or more: ticks carry 12 significant digits.
          fc.pre(hi > lo && span >= 1e-6 * Math.max(1, Math.abs(lo)));
          const { range, ticks } = niceAxis(lo, hi, target);
          // NOTE: a value within 1e-9 of a step of a tick counts as on it (0.1 + 0.2 is 0.3 here),
          // and k·step is exact only to float64's rounding at the values' magnitude.
          const slack = 1e-9 * tickStep(lo, hi, target) + 16 * Number.EPSILON * Math.max(Math.abs(lo), Math.abs(hi));
          expect(range[0]).toBeLessThanOrEqual(lo + slack);
          expect(range[1]).toBeGreaterThanOrEqual(hi - slack);
          expect(ticks[0]).toBe(range[0]);
          expect(ticks.at(-1)).toBe(range[1]);
          const step = tickStep(lo, hi, target);
          const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
          expect(
            [1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-9),
            `step ${step}`,
          ).toBe(true);
          for (let i = 1; i < ticks.length; i++) {
            expect((ticks[i] - ticks[i - 1]) / step).toBeCloseTo(1, 6);
          }
        },
      ),
    );
  });
});

describe('textWidth', () => {
  it('is at least DejaVu Sans 10 px advance widths for tick labels (measured: 0.636 em a digit)', () => {
    // "0.8250" in DejaVu Sans: 5 digits × 0.636 + a period 0.318 = 3.5 em = 35 px at 10 px
    expect(textWidth('0.8250', 10)).toBeGreaterThanOrEqual(35);
    expect(textWidth('0.8250', 10)).toBeLessThan(40);
    // U+2212, the minus the ticks use, is as wide as 0.838 em
    expect(textWidth('−1', 10)).toBeGreaterThanOrEqual(8.38 + 6.36);
    expect(textWidth('mmm', 11)).toBeGreaterThanOrEqual(3 * 0.974 * 11);
    expect(textWidth('', 10)).toBe(0);
  });
});

describe('segmentHitsBox', () => {
  const box = { x: 10, y: 10, width: 20, height: 10 };

  it('finds segments that cross, enter or lie inside the box, and points inside it', () => {
    expect(segmentHitsBox([0, 15], [40, 15], box)).toBe(true); // straight through
    expect(segmentHitsBox([0, 0], [20, 15], box)).toBe(true); // ends inside
    expect(segmentHitsBox([12, 12], [14, 14], box)).toBe(true); // wholly inside
    expect(segmentHitsBox([15, 15], [15, 15], box)).toBe(true); // a point inside
  });

  it('misses segments that pass by, even near a corner, and points outside', () => {
    expect(segmentHitsBox([0, 0], [40, 0], box)).toBe(false); // above
    expect(segmentHitsBox([0, 8], [8, 0], box)).toBe(false); // cuts past the top-left corner
    expect(segmentHitsBox([35, 15], [35, 15], box)).toBe(false);
    expect(segmentHitsBox([0, 30], [9, 21], box)).toBe(false);
  });
});
