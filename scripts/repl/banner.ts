/** What `npm run repl` says, in English or Korean (KATA_LANG, or a Korean locale). */
import type { Exercise } from '../lib/exercises.ts';
import type { Lang } from '../lib/messages.ts';
import { exerciseName } from './names.ts';

export interface BannerFacts {
  lang: Lang;
  seconds: number;
  /** "TensorFlow.js 4.22.0 on the wasm backend" */
  backend: string;
  source: 'exercises' | 'solutions';
  exercises: readonly Exercise[];
}

/** The first line, then the names (also what `.names` prints). */
export function banner(f: BannerFacts): { intro: string; names: string[] } {
  const ko = f.lang === 'ko';
  const first = f.exercises[0];
  const modules = first ? `${exerciseName(first)} … ${exerciseName(f.exercises.at(-1) ?? first)}`.padEnd(19) : '';
  const whose = ko
    ? f.source === 'solutions'
      ? '참고 답안'
      : '여러분의 연습문제'
    : f.source === 'solutions'
      ? 'the reference solutions'
      : 'your exercises';
  const onFirstUse = ko ? '(처음 쓸 때 불러온다)' : '(loads on first use)';
  const names = [
    ko
      ? '  NDArray, array     카타의 배열. np.array처럼 array([[1, 2], [3, 4]])로 만든다'
      : '  NDArray, array     the kata’s array; array([[1, 2], [3, 4]]) makes one, as np.array',
    `  ops                ${ko ? 'lib의 연산' : 'lib’s ops'}: ops.matmul, ops.add, ops.relu, ops.softmax, ops.sum, …`,
    `  tf                 ${f.backend} ${onFirstUse}`,
    '  train_images, train_labels, test_images, test_labels',
    ko
      ? `                     책과 같은 이름의 MNIST: 픽셀 0–255의 이미지 [60000, 28, 28] ${onFirstUse}`
      : `                     MNIST, as the book names it: images [60000, 28, 28] of pixels 0–255 ${onFirstUse}`,
    first
      ? `  ${modules}${whose}${ko ? ' 모듈: ' : ', as modules: '}${exerciseName(first)}${ko ? '은 ' : ' is '}${f.source}/${first.name}/${first.slug}.ts, …`
      : '  (no exercises found)',
    ...wrap(f.exercises.map((ex) => `${exerciseName(ex)} ${ex.slug}`).join(', '), ' '.repeat(21)),
    ko
      ? '명령: .reload 고친 연습문제를 다시 불러온다 · .names · .help · .exit'
      : 'Commands: .reload imports your exercises again after you edit them · .names · .help · .exit',
  ];
  const intro = ko
    ? `Gradient Katas REPL: TypeScript(ts-node), 최상위 await를 쓸 수 있다. 준비하는 데 ${f.seconds.toFixed(1)}초.`
    : `Gradient Katas REPL: TypeScript (ts-node), top-level await works. Ready in ${f.seconds.toFixed(1)} s.`;
  return { intro, names };
}

/** What `.reload` says. */
export function reloaded(lang: Lang, names: readonly string[], source: string): string {
  const range = `${names[0]} … ${names.at(-1)}`;
  return lang === 'ko'
    ? `${range}: 다음에 쓸 때 ${source}/에서 새로 불러온다`
    : `${range} load afresh from ${source}/ on their next use`;
}

function wrap(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const line = lines.at(-1);
    if (line !== undefined && line.length + 1 + word.length <= width) lines[lines.length - 1] = `${line} ${word}`;
    else lines.push(`${indent}${word}`);
  }
  return lines;
}
