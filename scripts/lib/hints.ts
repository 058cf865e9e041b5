/**
 * Hints come in tiers per README step, gentlest first. Asking again shows the tiers already
 * seen plus the next one; once all are shown, it says so (and shows them all again).
 */

import { terminalMarkdown } from './docs.ts';
import type { HintStep } from './exercises.ts';
import type { Messages } from './messages.ts';
import type { Style } from './term.ts';

export interface HintView {
  step: number;
  title: string;
  /** the tiers to show now: all seen before, plus the new one */
  tiers: string[];
  total: number;
  /** tiers seen after this request (what to record) */
  seen: number;
}

/** The hints to show for `step` when `seenBefore` tiers were seen; null if the step has none. */
export function nextHint(hints: readonly HintStep[], step: number, seenBefore: number): HintView | null {
  const h = hints.find((x) => x.step === step);
  if (!h || h.tiers.length === 0) return null;
  const seen = Math.min(Math.max(0, seenBefore) + 1, h.tiers.length);
  return { step, title: h.title, tiers: h.tiers.slice(0, seen), total: h.tiers.length, seen };
}

/** The hint text as printed; `moreHow` says how to get the next tier ("press h again"). */
export function formatHint(view: HintView, m: Messages, style: Style, moreHow: string): string {
  const out: string[] = [];
  view.tiers.forEach((text, i) => {
    out.push(style.bold(style.yellow(m.hintTitle(i + 1, view.total, view.step, view.title))));
    out.push(
      ...terminalMarkdown(text, style)
        .split('\n')
        .map((l) => `  ${l}`),
    );
    out.push('');
  });
  out.push(view.seen >= view.total ? style.dim(m.hintAllShown(view.total, view.step)) : style.dim(m.hintMore(moreHow)));
  return out.join('\n');
}
