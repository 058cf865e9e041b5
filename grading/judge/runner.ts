/**
 * The judge's side inside the sandbox, run by Vitest as one more test file of a grading run.
 * It reads the plan the grader wrote (which judge files, which cases, their inputs already
 * drawn), imports the learner's module, runs each case on each input and attaches what came
 * back (or what was thrown) to the test as `meta.judge`, which the grader's reporter reads.
 * It decides nothing: the comparison with the reference solution happens in the grader.
 *
 * One test per case, so a case that loops costs its own time limit, not the others'.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { it } from 'vitest';
import { decode, type Encoded, encode, encodeThrown, type Judge } from './api.ts';

export interface JudgePlan {
  judges: {
    /** the judge file, relative to the tree: grading/judges/03-matmul.ts or hidden/03-matmul/x.judge.ts */
    file: string;
    /** the exercise folder whose module the cases call */
    exercise: string;
    cases: { id: string; name: string; inputs: Encoded[] }[];
  }[];
}

declare module 'vitest' {
  interface TaskMeta {
    judge?: Encoded[];
  }
}

const TREE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const planFile = process.env.KATA_JUDGE_PLAN;
const plan: JudgePlan = planFile ? (JSON.parse(readFileSync(planFile, 'utf8')) as JudgePlan) : { judges: [] };

const load = (rel: string) => import(/* @vite-ignore */ pathToFileURL(path.join(TREE, rel)).href);

for (const j of plan.judges) {
  for (const c of j.cases) {
    it(`judge ${c.id}`, async ({ task }) => {
      const judge = (await load(j.file)).default as Judge<unknown>;
      const def = judge.cases.find((k) => k.name === c.name);
      if (!def) throw new Error(`judge: no case named ${JSON.stringify(c.name)} in ${j.file}`);
      const outputs: Encoded[] = [];
      let api: unknown;
      try {
        api = await load(`exercises/${j.exercise}/${judge.module}`);
      } catch (e) {
        task.meta.judge = c.inputs.map(() => encodeThrown(e));
        return;
      }
      for (const input of c.inputs) {
        try {
          outputs.push(encode(await def.run(api, decode(input))));
        } catch (e) {
          outputs.push(encodeThrown(e));
        }
      }
      task.meta.judge = outputs;
    });
  }
}
