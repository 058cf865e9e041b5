/** The runner speaks English, or Korean with KATA_LANG=ko or a Korean locale. */
import { describe, expect, it } from 'vitest';
import { catalogues, detectLang, type Messages } from '../../scripts/lib/messages.ts';

describe('detectLang', () => {
  it('KATA_LANG wins over the locale', () => {
    expect(detectLang({ KATA_LANG: 'ko', LANG: 'en_US.UTF-8' })).toBe('ko');
    expect(detectLang({ KATA_LANG: 'en', LANG: 'ko_KR.UTF-8' })).toBe('en');
    expect(detectLang({ KATA_LANG: 'ko-KR' })).toBe('ko');
  });

  it('reads LC_ALL, then LC_MESSAGES, then LANG, then the system locale', () => {
    expect(detectLang({ LANG: 'ko_KR.UTF-8' }, 'en-US')).toBe('ko');
    expect(detectLang({ LC_ALL: 'en_US.UTF-8', LANG: 'ko_KR.UTF-8' }, 'ko-KR')).toBe('en');
    expect(detectLang({ LC_MESSAGES: 'ko_KR', LANG: 'en_GB' }, 'en-US')).toBe('ko');
    expect(detectLang({}, 'ko-KR')).toBe('ko');
    expect(detectLang({}, 'en-US')).toBe('en');
    expect(detectLang({ LANG: 'C.UTF-8' }, 'ko-KR')).toBe('en');
    expect(detectLang({ LANG: 'kok_IN' }, 'en-US')).toBe('en'); // Konkani is not Korean
  });
});

/** Arguments of the messages that take more than names and counts. */
const SAMPLES: Partial<Record<keyof Messages, unknown[]>> = { badArgs: ['npm run list', 'needs-value', '--step'] };

/** Calls a message with sample arguments of the types it takes. */
function sample(key: keyof Messages, value: Messages[keyof Messages]): string {
  if (typeof value === 'string') return value;
  const args = SAMPLES[key] ?? [3, 5, 2, 'rank'].slice(0, value.length).map((a, i) => (i === 0 ? 'x' : a));
  return (value as (...a: unknown[]) => string)(...args);
}

describe('the message catalogue', () => {
  const keys = Object.keys(catalogues.en) as (keyof Messages)[];

  it('has every message in Korean too, taking the same arguments', () => {
    expect(Object.keys(catalogues.ko).sort()).toEqual([...keys].sort());
    for (const k of keys) {
      const en = catalogues.en[k];
      const ko = catalogues.ko[k];
      expect(typeof ko, k).toBe(typeof en);
      if (typeof en === 'function') expect((ko as () => string).length, k).toBe(en.length);
    }
  });

  it('the Korean messages are Korean (apart from names and commands)', () => {
    const untranslated = keys.filter(
      (k) => !['appName', 'oracle'].includes(k) && !/[가-힣]/.test(sample(k, catalogues.ko[k])),
    );
    expect(untranslated).toEqual([]);
  });

  it('formats the counts and commands it is given', () => {
    expect(catalogues.en.specsPassing(3, 29)).toBe('3 of 29 specs pass');
    expect(catalogues.ko.specsPassing(3, 29)).toBe('스펙 29개 중 3개 통과');
    expect(catalogues.en.nextImplement('rank', 1)).toBe('Next: implement rank (step 1 in README.md)');
    expect(catalogues.ko.nextImplement('rank', 1)).toBe('다음: rank 구현하기 (README.ko.md 1단계)');
    expect(catalogues.en.nextImplement('relu', 1, '02-broadcasting')).toBe(
      'Next: implement relu (step 1 in README.md of 02-broadcasting)',
    );
    expect(catalogues.en.checkingAll(1)).toBe('Checking 1 exercise…');
    expect(catalogues.en.moreFailing(2)).toBe('…and 2 more failing specs');
  });
});
