// Entry of a spare Vitest worker thread (see warm-pool.ts): loads the heavy packages every
// spec uses (TensorFlow.js) into this thread's module cache while the learner is typing,
// then starts Vitest's own worker, which waits for its first message as usual.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';

const { entry, preload, resolveFrom } = workerData;
const require = createRequire(resolveFrom);
for (const id of preload) {
  try {
    require(id);
  } catch {
    // Not installed (an optional package): the spec's own loader decides what to do.
  }
}
// NOTE: no message to the parent from here: the thread's messages belong to Vitest's pool.
await import(pathToFileURL(entry).href);
