/**
 * The judge, the grader's side (the API and the in-sandbox runner are in grading/judge/):
 * draws each case's inputs from a secret seed, runs the reference solution on them in this
 * process, writes the plan the sandboxed runner follows, and compares what the learner's code
 * returned with what the reference returned. Nothing the learner's code says is a verdict;
 * only its outputs cross the sandbox's wall.
 */
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  compare,
  DEFAULT_COUNT,
  DEFAULT_JUDGE_TOLERANCE,
  describe,
  type Encoded,
  type Judge,
  type Tolerance,
} from '../../grading/judge/api.ts';
import type { JudgePlan } from '../../grading/judge/runner.ts';
import { JUDGES } from './manifest-file.ts';
import type { RunResult } from './run-result.ts';
import type { JudgeReport } from './types.ts';

export interface JudgeCaseInfo {
  /** the runner's test is named `judge <id>` */
  id: string;
  name: string;
  step: number;
  hidden: boolean;
  tolerance: Tolerance;
  inputs: Encoded[];
  expected: Encoded[];
}

export interface PreparedJudge {
  seed: number;
  cases: JudgeCaseInfo[];
  /** the runner's plan, as JSON */
  plan: string;
}

export type CaseStatus = 'agrees' | 'disagrees' | 'no-answer';

export interface CaseVerdict {
  id: string;
  name: string;
  step: number;
  hidden: boolean;
  status: CaseStatus;
  /** for a disagreement: the input and the first difference */
  detail: string | null;
}

const load = async (file: string) => ((await import(pathToFileURL(file).href)) as { default: unknown }).default;

function checkJudge(j: unknown, file: string): Judge<unknown> {
  const judge = j as Judge<unknown>;
  if (!judge || typeof judge.module !== 'string' || !Array.isArray(judge.cases)) {
    throw new Error(`${file}: a judge file default-exports defineJudge({ module, cases })`);
  }
  const names = new Set<string>();
  for (const c of judge.cases) {
    if (typeof c.name !== 'string' || !c.name) throw new Error(`${file}: every case needs a name`);
    if (names.has(c.name)) throw new Error(`${file}: two cases are named ${JSON.stringify(c.name)}`);
    names.add(c.name);
    if (!Number.isInteger(c.step) || c.step < 1) throw new Error(`${file}: case ${c.name}: step must be 1, 2, …`);
    if (typeof c.input !== 'function' || typeof c.run !== 'function') {
      throw new Error(`${file}: case ${c.name}: input and run must be functions`);
    }
  }
  return judge;
}

type Codec = Pick<typeof import('../../grading/judge/api.ts'), 'encode' | 'encodeThrown' | 'decode' | 'judgeRng'>;

async function outcome(codec: Codec, run: () => unknown): Promise<Encoded> {
  try {
    return codec.encode(await run());
  } catch (e) {
    return codec.encodeThrown(e);
  }
}

/** Input arguments in a few words: `(NDArray [2,3], NDArray [3,4])`. */
export function describeInput(input: Encoded): string {
  const parts = Array.isArray(input) ? input.map(describe) : [describe(input)];
  const text = `(${parts.join(', ')})`;
  return text.length > 200 ? `${text.slice(0, 200)}…)` : text;
}

/**
 * The judge of one exercise, ready to run: its public cases (grading/judges/NN-slug.ts) and the
 * instructor's hidden ones (hidden/NN-slug/*.judge.ts), all from the stage, with inputs drawn
 * from `seed` and the reference solution's answers. Null when the exercise has no judge.
 */
export async function prepareJudge(
  stageRoot: string,
  exercise: string,
  hiddenFiles: readonly string[],
  seed = randomInt(2 ** 31),
): Promise<PreparedJudge | null> {
  const files = [
    ...(existsSync(path.join(stageRoot, JUDGES, `${exercise}.ts`))
      ? [[`${JUDGES}/${exercise}.ts`, false] as const]
      : []),
    ...hiddenFiles
      .filter((f) => f.startsWith(`hidden/${exercise}/`) && f.endsWith('.judge.ts'))
      .map((f) => [f, true] as const),
  ];
  if (files.length === 0) return null;
  // the stage's own codec, so inputs are the stage's NDArrays and the reference's errors its ShapeErrors
  const codec = (await import(pathToFileURL(path.join(stageRoot, 'grading/judge/api.ts')).href)) as Codec;
  const plan: JudgePlan = { judges: [] };
  const cases: JudgeCaseInfo[] = [];
  let k = 0;
  for (const [file, hidden] of files) {
    const judge = checkJudge(await load(path.join(stageRoot, file)), file);
    const reference = path.join(stageRoot, 'solutions', exercise, judge.module);
    if (!existsSync(reference)) throw new Error(`${file}: no reference solution solutions/${exercise}/${judge.module}`);
    const api = await import(pathToFileURL(reference).href);
    const entry: JudgePlan['judges'][number] = { file, exercise, cases: [] };
    for (const c of judge.cases) {
      const id = `${hidden ? 'h' : 'p'}${++k}`;
      const rng = codec.judgeRng(seed, c.name);
      const inputs: Encoded[] = [];
      const expected: Encoded[] = [];
      for (let i = 0; i < (c.count ?? DEFAULT_COUNT); i++) {
        const input = codec.encode(c.input(rng, i));
        inputs.push(input);
        // the reference gets its own copy, as the learner's code does: a case may mutate its input
        expected.push(await outcome(codec, () => c.run(api, codec.decode(input))));
      }
      cases.push({
        id,
        name: c.name,
        step: c.step,
        hidden,
        tolerance: c.tolerance ?? DEFAULT_JUDGE_TOLERANCE,
        inputs,
        expected,
      });
      entry.cases.push({ id, name: c.name, inputs });
    }
    plan.judges.push(entry);
  }
  return { seed, cases, plan: JSON.stringify(plan) };
}

/**
 * The verdicts for a module loaded in this process (the judges' own tests: a stub must
 * disagree on every step, a solution agree, under any seed). Not for learners' code: that runs
 * only in the sandbox. `api` must use the same lib/ as the judge's stage.
 */
export async function judgeInProcess(judge: PreparedJudge, stageRoot: string, api: unknown): Promise<CaseVerdict[]> {
  const codec = (await import(pathToFileURL(path.join(stageRoot, 'grading/judge/api.ts')).href)) as Codec;
  const plan = JSON.parse(judge.plan) as JudgePlan;
  const outputs = new Map<string, Encoded[]>();
  for (const j of plan.judges) {
    const def = checkJudge(await load(path.join(stageRoot, j.file)), j.file);
    for (const c of j.cases) {
      const run = def.cases.find((k) => k.name === c.name)?.run as (api: unknown, input: unknown) => unknown;
      const got: Encoded[] = [];
      for (const input of c.inputs) got.push(await outcome(codec, () => run(api, codec.decode(input))));
      outputs.set(`judge ${c.id}`, got);
    }
  }
  const results = new Map(
    [...outputs].map(([name, judgeOut]) => [
      name,
      { file: '', id: name, name, state: 'passed', duration: null, errors: [], meta: { judge: judgeOut } },
    ]),
  );
  return judgeVerdicts(judge, { status: 'completed', results } as unknown as RunResult);
}

/** Each case's verdict from a run's results: the learner's outputs (test meta) against the reference's. */
export function judgeVerdicts(judge: PreparedJudge, run: RunResult): CaseVerdict[] {
  const byName = new Map([...run.results.values()].map((r) => [r.name, r]));
  return judge.cases.map((c) => {
    const base = { id: c.id, name: c.name, step: c.step, hidden: c.hidden };
    const r = byName.get(`judge ${c.id}`);
    const outputs = r?.meta?.judge;
    if (!r || !Array.isArray(outputs) || outputs.length !== c.expected.length) {
      const why = !r
        ? run.status === 'completed'
          ? 'the judge did not run'
          : `the judge did not finish (${run.status})`
        : r.state !== 'passed'
          ? `the judge's run failed: ${(r.errors[0] ?? r.state).split('\n')[0]}`
          : 'the judge sent no answer';
      return { ...base, status: 'no-answer', detail: why };
    }
    for (let i = 0; i < c.expected.length; i++) {
      const d = compare(c.expected[i] as Encoded, outputs[i] as Encoded, c.tolerance);
      if (d) {
        return {
          ...base,
          status: 'disagrees',
          detail: `on input ${i + 1} ${describeInput(c.inputs[i] as Encoded)}: ${d}`,
        };
      }
    }
    return { ...base, status: 'agrees', detail: null };
  });
}

/** Per-step verdicts of the public judge cases, and what they do to the exercise. */
export function judgeReport(judge: PreparedJudge, verdicts: CaseVerdict[], passedSteps: Set<number>): JudgeReport {
  const steps = [...new Set(verdicts.filter((v) => !v.hidden).map((v) => v.step))].sort((a, b) => a - b);
  const perStep = steps.map((step) => {
    const mine = verdicts.filter((v) => !v.hidden && v.step === step);
    const bad = mine.find((v) => v.status === 'disagrees') ?? mine.find((v) => v.status === 'no-answer');
    return {
      step,
      status: bad ? bad.status : ('agrees' as const),
      detail: bad ? `${bad.name}: ${bad.detail}` : null,
    };
  });
  const against = perStep.filter((s) => s.status !== 'agrees');
  const contradiction = against.some((s) => passedSteps.has(s.step));
  const pub = verdicts.filter((v) => !v.hidden);
  return {
    seed: judge.seed,
    cases: pub.length,
    agreed: pub.filter((v) => v.status === 'agrees').length,
    steps: perStep,
    verdict: contradiction ? 'contradiction' : against.length ? 'partial' : 'agrees',
  };
}
