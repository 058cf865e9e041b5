// Entry of a spare Vitest worker thread (see warm-pool.ts): loads the heavy packages every
// spec uses (TensorFlow.js, fast-check) into this thread's module caches, and reads the files
// the focused exercise's spec reads (MNIST), while the learner is typing; then starts Vitest's
// own worker, which waits for its first message as usual.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';

const { entry, preload } = workerData;
const require = createRequire(preload.requireFrom);
for (const id of preload.require) {
  try {
    require(id);
  } catch {
    // Not installed (an optional package): the spec's own loader decides what to do.
  }
}
for (const id of preload.import) {
  try {
    await import(id);
  } catch {
    // As above.
  }
}
if (preload.tfBackend) {
  try {
    const tf = require('@tensorflow/tfjs');
    await tf.setBackend(preload.tfBackend);
    await tf.ready();
  } catch {
    // lib/oracle.ts tries again, and says what failed.
  }
}
// Files the run will read (lib/read-ahead.ts hands each out once), with the size and time
// they had: stat first, so that a change during the read shows as a change.
if (preload.files?.length) {
  const files = new Map();
  for (const file of preload.files) {
    try {
      const { size, mtimeMs } = statSync(file);
      files.set(file, { bytes: readFileSync(file), size, mtimeMs });
    } catch {
      // Gone or unreadable: the run reads it, and says what is wrong.
    }
  }
  globalThis[Symbol.for('gradient-katas.read-ahead')] = files;
}
// NOTE: no message to the parent from here: the thread's messages belong to Vitest's pool.
await import(pathToFileURL(entry).href);
