/**
 * Every fixed message of the learner's commands (npm start, list, hint, reset, solution, ui),
 * in English and Korean. KATA_LANG=ko|en picks one; otherwise a Korean locale (LC_ALL,
 * LC_MESSAGES, LANG, or the system's Intl locale) gives Korean.
 */

import { type ArgsProblem, describeProblem } from './args.ts';
import type { WatchReason } from './watch-mode.ts';

export type Lang = 'en' | 'ko';

export function detectLang(env: NodeJS.ProcessEnv = process.env, systemLocale?: string): Lang {
  const explicit = env.KATA_LANG?.trim().toLowerCase();
  if (explicit) return explicit.startsWith('ko') ? 'ko' : 'en';
  const locale =
    env.LC_ALL || env.LC_MESSAGES || env.LANG || systemLocale || Intl.DateTimeFormat().resolvedOptions().locale;
  return /^ko\b|^ko[_-]/i.test(locale ?? '') ? 'ko' : 'en';
}

const en = {
  appName: 'Gradient Katas',
  progress: (bar: string) => `${bar} exercises done`,
  readAndEdit: (readme: string, stub: string) => `Read ${readme} · edit ${stub} · the specs rerun on every save`,
  running: (name: string) => `Running the specs of ${name}…`,
  checkingAll: (n: number) => `Checking ${n} exercise${n === 1 ? '' : 's'}…`,
  /** how long the run on screen has been going */
  elapsed: (seconds: number) => `(${seconds} s)`,
  stillRunning: 'No result yet. If your code loops forever, fix it and save: a save stops this run.',
  specsPassing: (passed: number, total: number) => `${passed} of ${total} specs pass`,
  /** after a step's title in the runner's table */
  optionalStep: (skipped: boolean): string => (skipped ? '(optional, skipped)' : '(optional)'),
  optionalSkipped: 'Optional steps are skipped: the exercise is done when its other steps pass.',
  /** after a step's title: its count is the last run's, and the specs of that step are running again */
  rechecking: '(last run; checking again…)',
  notRun: 'the specs did not run',
  ranIn: (seconds: string) => `ran in ${seconds} s`,
  rerunAfterSave: (seconds: string) => `result ${seconds} s after the save`,
  quickCheck: (cases: number) => `quick check: ${cases} cases per property`,
  verifying: (passed: number, quick: number | undefined, full: number) =>
    `All ${passed} specs pass a quick check${quick ? ` (${quick} cases per property)` : ''}. Checking again with ${full} cases…`,
  nextImplement: (fn: string, step: number, other?: string) =>
    `Next: implement ${fn} (step ${step} in README.md${other ? ` of ${other}` : ''})`,
  nextRaw: (text: string) => `Next: ${text}`,
  readmeStep: (step: number, text: string) => `Step ${step} in README.md: ${text}`,
  loadFailed: (file: string) => `${file} did not load — fix this first:`,
  noSpecs: (file: string) => `${file} has no specs.`,
  runErrors: 'Errors outside the specs (they fail the run too):',
  stalled: (seconds: number, test: string | undefined) =>
    `The specs stopped: nothing finished for ${seconds} s ${test ? `while this spec ran: ${test}` : 'while the spec file and your code loaded'}. ` +
    'An endless loop in your code? Fix it and save; the specs run again.',
  failingSpec: 'First failing spec:',
  specLabel: 'spec',
  codeLabel: 'your code',
  moreFailing: (n: number) => `…and ${n} more failing spec${n === 1 ? '' : 's'}`,
  consoleOutput: 'Console output of your code (last run):',
  keys: '[h] hint  [l] list  [n] next  [p] previous  [r] rerun  [s] solution  [q] quit',
  keysLines: 'Type a key and press Enter: h hint, l list, n next, p previous, r rerun, s solution, q quit',
  passedBanner: (name: string, total: number) => `✓ ${name} passes all ${total} specs. Recorded in .kata/state.json.`,
  solutionOffer: (cmd: string) => `  Compare your code with the reference solution: press s (or ${cmd})`,
  solutionOfferCmd: (cmd: string) => `  Compare your code with the reference solution: ${cmd}`,
  movingOn: (name: string) => `On to ${name}.`,
  nextWhenReady: (name: string, how: string) => `Next: ${name} — ${how}.`,
  pressNWhenReady: 'press n when you are ready',
  typeNWhenReady: 'type n and press Enter when you are ready',
  stillDone: (name: string) => `${name} is done: all its specs pass. Press n for the next exercise.`,
  allDone: (n: number) => (n === 1 ? 'The exercise passes. Well done!' : `All ${n} exercises pass. Well done!`),
  noExercises: 'No exercises found under exercises/.',
  stateMissing: (n: number) =>
    `No progress file (.kata/state.json): checking the ${n} exercise${n === 1 ? '' : 's'} with no TODO left (an exercise with one cannot pass yet)…`,
  stateCorrupt: (detail: string, movedTo: string | undefined) =>
    `The progress file .kata/state.json could not be read (${detail})${movedTo ? `; it was kept as ${movedTo}` : ''}. Rebuilding it from the specs…`,
  polling: (reason: WatchReason) =>
    reason === 'wsl-drive'
      ? 'Watching for changes by polling: the kata is on a Windows drive under WSL, where saves send no file events. A clone inside WSL (e.g. in ~/) reruns faster.'
      : `Watching for changes by polling (${reason === 'flag' ? '--poll' : 'KATA_POLL=1'}).`,
  ranOnce: 'stdin is not a terminal: ran once. `npm start -- --watch` keeps watching.',
  bye: 'Bye! Your progress is kept in .kata/state.json.',
  oracle: (backend: string) => `oracle: TensorFlow.js (${backend})`,
  // hints
  hintTitle: (k: number, n: number, step: number, title: string) => `Hint ${k} of ${n} · step ${step}: ${title}`,
  hintAllShown: (n: number, step: number) => `All ${n} hints for step ${step} are shown.`,
  hintMore: (how: string) => `Next hint: ${how}`,
  hintPressH: 'press h again',
  hintNone: (step: number, file: string) => `No hints for step ${step} in ${file}.`,
  hintNoFile: (file: string) => `No hints file: ${file}`,
  hintAllPass: (name: string, cmd: string) =>
    `Every spec of ${name} passes, so there is no next step. Hints of one step: ${cmd}`,
  // solution
  solutionLocked: (name: string, passed: number, total: number) =>
    `${name} does not pass yet (${passed} of ${total} specs pass). Its reference solution is shown once every spec passes.`,
  solutionForce: (cmd: string) => `To see it now anyway: ${cmd} (recorded in .kata/state.json as "revealed early")`,
  solutionEarly: 'Shown before the exercise passes: recorded in .kata/state.json as "revealed early".',
  solutionHeader: (name: string) => `How the reference solution of ${name} differs from your code:`,
  solutionIdentical: 'Your code is the same as the reference solution.',
  solutionMissing: (file: string) => `No reference solution at ${file}.`,
  solutionsPublished: (url: string | null) =>
    url
      ? `This copy of the kata comes without the reference solutions: your course publishes them at ${url}`
      : 'This copy of the kata comes without the reference solutions: your instructor publishes them.',
  // list
  listDone: 'done',
  listCurrent: 'current',
  listPending: 'pending',
  listFailingAgain: 'failing again',
  listSpecs: (passed: number, total: number) => `${passed}/${total} specs`,
  listNotRun: 'not run',
  listLoadError: 'does not load',
  listRevealedEarly: 'solution revealed early',
  listFromRecord: (ran: number) =>
    `From .kata/state.json${ran > 0 ? `, with the ${ran === 1 ? 'exercise' : `${ran} exercises`} changed since run again` : ''} (npm run list -- --run runs them all).`,
  // ui
  uiAt: (url: string) => `Vitest UI: ${url}   (Ctrl-C to stop)`,
  uiSummary: 'The results are in the browser and rerun on every save; here, one line per exercise after each run:',
  // reset
  resetDone: (stub: string, backup: string, source: string) =>
    `Restored ${stub}: it is the kata's stub again (${source}). Your version is saved in ${backup}.`,
  resetUnchanged: (stub: string) => `${stub} is already the kata's stub: nothing to reset.`,
  resetFromManifest: (blob: string) => `git blob ${blob}, recorded in grading/manifest.json`,
  resetFromHead: 'the committed version at HEAD: this kata records no stubs in grading/manifest.json',
  resetNoStub: (stub: string, detail: string) => `${stub} was not reset: ${detail}`,
  resetNoGit: (stub: string) =>
    `git is not available, so the committed version of ${stub} cannot be read. Install git, or restore the file by hand from a fresh clone.`,
  resetNotCommitted: (stub: string, detail: string) =>
    `No committed version of ${stub} (${detail}). Is this a git clone of the kata?`,
  // usage
  usageNeedsExercise: (cmd: string, choices: string) => `Usage: ${cmd}  (exercises: ${choices})`,
  badArgs: (command: string, problem: ArgsProblem, flag: string) =>
    `${command}: ${describeProblem(problem, flag)} (${command} -- --help lists the options)`,
};

export type Messages = typeof en;

const ko: Messages = {
  appName: 'Gradient Katas',
  progress: (bar) => `${bar} 연습 완료`,
  readAndEdit: (readme, stub) => `읽을 파일: ${readme} · 고칠 파일: ${stub} · 저장할 때마다 스펙을 다시 실행합니다`,
  running: (name) => `${name}의 스펙을 실행하는 중…`,
  checkingAll: (n) => `연습 ${n}개를 확인하는 중…`,
  elapsed: (seconds) => `(${seconds}초)`,
  stillRunning: '아직 결과가 없습니다. 코드가 끝없이 반복된다면 고친 뒤 저장하세요. 저장하면 이 실행은 멈춥니다.',
  specsPassing: (passed, total) => `스펙 ${total}개 중 ${passed}개 통과`,
  optionalStep: (skipped) => (skipped ? '(선택, 건너뜀)' : '(선택)'),
  optionalSkipped: '선택 단계를 건너뜁니다: 나머지 단계를 통과하면 연습을 마친 것으로 봅니다.',
  rechecking: '(지난 실행 결과, 다시 확인 중…)',
  notRun: '스펙이 실행되지 않았습니다',
  ranIn: (seconds) => `${seconds}초 걸림`,
  rerunAfterSave: (seconds) => `저장 후 ${seconds}초 만에 결과`,
  quickCheck: (cases) => `빠른 확인: 무작위 입력을 속성당 ${cases}개만 시험`,
  verifying: (passed, quick, full) =>
    `스펙 ${passed}개가 모두 빠른 확인${quick ? `(무작위 입력 속성당 ${quick}개)` : ''}을 통과했습니다. 이제 속성당 ${full}개로 다시 확인하는 중…`,
  nextImplement: (fn, step, other) => `다음: ${fn} 구현하기 (${other ? `${other}의 ` : ''}README.ko.md ${step}단계)`,
  nextRaw: (text) => `다음: ${text}`,
  readmeStep: (step, text) => `README.ko.md ${step}단계: ${text}`,
  loadFailed: (file) => `${file} 파일을 불러오지 못했습니다. 이것부터 고치세요:`,
  noSpecs: (file) => `${file}에 스펙이 없습니다.`,
  runErrors: '스펙 밖에서 난 오류 (이것도 실행을 실패로 만듭니다):',
  stalled: (seconds, test) =>
    `${seconds}초 동안 아무 스펙도 끝나지 않아 실행을 멈췄습니다 (${test ? `실행 중이던 스펙: ${test}` : '스펙 파일과 내 코드를 불러오는 중'}). ` +
    '코드에 끝나지 않는 반복문이 있나요? 고친 뒤 저장하면 스펙을 다시 실행합니다.',
  failingSpec: '처음 실패한 스펙:',
  specLabel: '스펙',
  codeLabel: '내 코드',
  moreFailing: (n) => `…실패한 스펙이 ${n}개 더 있습니다`,
  consoleOutput: '내 코드의 콘솔 출력 (마지막 실행):',
  keys: '[h] 힌트  [l] 목록  [n] 다음  [p] 이전  [r] 다시 실행  [s] 풀이  [q] 끝내기',
  keysLines: '키를 입력하고 Enter: h 힌트, l 목록, n 다음, p 이전, r 다시 실행, s 풀이, q 끝내기',
  passedBanner: (name, total) =>
    `✓ ${name} 통과: 스펙 ${total}개를 모두 통과했습니다. .kata/state.json에 기록했습니다.`,
  solutionOffer: (cmd) => `  참고 풀이와 내 코드를 비교하려면 s를 누르세요 (또는 ${cmd})`,
  solutionOfferCmd: (cmd) => `  참고 풀이와 내 코드 비교: ${cmd}`,
  movingOn: (name) => `다음 연습: ${name}`,
  nextWhenReady: (name, how) => `다음 연습: ${name} — ${how}.`,
  pressNWhenReady: '준비되면 n을 누르세요',
  typeNWhenReady: '준비되면 n을 입력하고 Enter를 누르세요',
  stillDone: (name) => `${name}은(는) 모든 스펙을 통과한 연습입니다. 다음 연습으로 가려면 n을 누르세요.`,
  allDone: (n) => `연습 ${n}개를 모두 통과했습니다. 수고하셨습니다!`,
  noExercises: 'exercises/ 아래에 연습이 없습니다.',
  stateMissing: (n) =>
    `진행 기록(.kata/state.json)이 없습니다: TODO가 하나도 남지 않은 연습 ${n}개를 확인합니다 (TODO가 남은 연습은 아직 통과할 수 없습니다)…`,
  stateCorrupt: (detail, movedTo) =>
    `진행 기록 .kata/state.json을 읽을 수 없습니다 (${detail})${movedTo ? `. 원래 파일은 ${movedTo}에 남겨 두었습니다` : ''}. 스펙을 실행해 다시 만듭니다…`,
  polling: (reason) =>
    reason === 'wsl-drive'
      ? '폴링으로 변경을 감시합니다: 카타가 WSL의 Windows 드라이브에 있어 저장해도 파일 이벤트가 오지 않습니다. WSL 안(예: ~/)에 clone하면 더 빨리 다시 실행됩니다.'
      : `폴링으로 변경을 감시합니다 (${reason === 'flag' ? '--poll' : 'KATA_POLL=1'}).`,
  ranOnce: '표준 입력이 터미널이 아니어서 한 번만 실행했습니다. 계속 감시하려면 `npm start -- --watch`.',
  bye: '안녕히 가세요! 진행 상황은 .kata/state.json에 저장되어 있습니다.',
  oracle: (backend) => `오라클: TensorFlow.js (${backend})`,
  hintTitle: (k, n, step, title) => `힌트 ${k}/${n} · ${step}단계: ${title}`,
  hintAllShown: (n, step) => `${step}단계의 힌트 ${n}개를 모두 보여 드렸습니다.`,
  hintMore: (how) => `다음 힌트: ${how}`,
  hintPressH: 'h를 한 번 더 누르세요',
  hintNone: (step, file) => `${file}에 ${step}단계 힌트가 없습니다.`,
  hintNoFile: (file) => `힌트 파일이 없습니다: ${file}`,
  hintAllPass: (name, cmd) => `${name}의 스펙을 모두 통과해서 다음 단계가 없습니다. 특정 단계의 힌트: ${cmd}`,
  solutionLocked: (name, passed, total) =>
    `${name}은(는) 아직 통과하지 않았습니다 (스펙 ${total}개 중 ${passed}개 통과). 참고 풀이는 모든 스펙을 통과한 뒤에 보여 드립니다.`,
  solutionForce: (cmd) => `그래도 지금 보려면: ${cmd} (.kata/state.json에 "revealed early"(미리 봄)로 기록됩니다)`,
  solutionEarly: '통과하기 전에 보았습니다: .kata/state.json에 "revealed early"(미리 봄)로 기록했습니다.',
  solutionHeader: (name) => `${name}의 참고 풀이와 내 코드의 차이:`,
  solutionIdentical: '내 코드가 참고 풀이와 같습니다.',
  solutionMissing: (file) => `참고 풀이가 없습니다: ${file}`,
  solutionsPublished: (url) =>
    url
      ? `이 카타 사본에는 참고 풀이가 들어 있지 않습니다. 과정에서 다음 주소에 공개합니다: ${url}`
      : '이 카타 사본에는 참고 풀이가 들어 있지 않습니다. 강사가 따로 공개합니다.',
  listDone: '완료',
  listCurrent: '진행 중',
  listPending: '대기',
  listFailingAgain: '다시 실패',
  listSpecs: (passed, total) => `스펙 ${passed}/${total}`,
  listNotRun: '실행 안 함',
  listLoadError: '불러오기 실패',
  listRevealedEarly: '풀이를 미리 봄',
  listFromRecord: (ran) =>
    `.kata/state.json의 기록입니다${ran > 0 ? `. 그 뒤로 바뀐 연습 ${ran}개는 다시 실행했습니다` : ''} (npm run list -- --run은 모두 다시 실행합니다).`,
  uiAt: (url) => `Vitest UI: ${url}   (Ctrl-C로 종료)`,
  uiSummary: '결과는 브라우저에 있고 저장할 때마다 다시 실행됩니다. 여기에는 실행마다 연습별로 한 줄씩 나옵니다:',
  resetDone: (stub, backup, source) =>
    `${stub}을(를) 카타의 원래 스텁으로 되돌렸습니다 (${source}). 내 버전은 ${backup}에 저장했습니다.`,
  resetUnchanged: (stub) => `${stub}은(는) 이미 카타의 원래 스텁입니다: 되돌릴 것이 없습니다.`,
  resetFromManifest: (blob) => `grading/manifest.json에 기록된 git blob ${blob}`,
  resetFromHead: 'HEAD에 커밋된 버전: 이 카타의 grading/manifest.json에는 스텁 기록이 없습니다',
  resetNoStub: (stub, detail) => `${stub}을(를) 되돌리지 않았습니다: ${detail}`,
  resetNoGit: (stub) =>
    `git을 쓸 수 없어 ${stub}의 커밋된 버전을 읽을 수 없습니다. git을 설치하거나, 새로 clone한 저장소에서 파일을 직접 복사하세요.`,
  resetNotCommitted: (stub, detail) =>
    `${stub}의 커밋된 버전이 없습니다 (${detail}). 이 폴더가 카타 저장소의 git clone인가요?`,
  usageNeedsExercise: (cmd, choices) => `사용법: ${cmd}  (연습: ${choices})`,
  badArgs: (command, problem, flag) => `${command}: ${KO_PROBLEM[problem](flag)} (옵션은 ${command} -- --help)`,
};

const KO_PROBLEM: Record<ArgsProblem, (flag: string) => string> = {
  unknown: (flag) => `알 수 없는 옵션 ${flag}`,
  'needs-value': (flag) => `${flag}에는 값이 필요합니다`,
  'takes-no-value': (flag) => `${flag}은(는) 값을 받지 않습니다`,
  'no-arguments': (flag) => `예상하지 못한 인자 ${flag}`,
};

export const catalogues: Record<Lang, Messages> = { en, ko };

export function messages(lang: Lang = detectLang()): Messages {
  return catalogues[lang];
}
