// Lets `node --import ./scripts/register.mjs scripts/x.ts` run TypeScript.
// Node 22.18+ and 23.6+ strip the types themselves (process.features.typescript): nothing to do.
// Older Node (20) goes through the hooks of scripts/ts-hooks.mjs, which transpile only (type
// checking is `npm run typecheck`'s job) and keep each file's output on disk, so most starts
// never load the TypeScript compiler. The code keeps to what both accept: no enums, namespaces
// or parameter properties (`tsc --erasableSyntaxOnly`, which npm run typecheck uses), and
// `import type` for types.
import { register } from 'node:module';

if (!process.features.typescript) {
  process.setSourceMapsEnabled(true);
  register('./ts-hooks.mjs', import.meta.url);
}
