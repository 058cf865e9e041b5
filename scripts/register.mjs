// Lets `node --import ./scripts/register.mjs scripts/x.ts` run TypeScript.
// Node 22.18+ and 23.6+ strip the types themselves (process.features.typescript): nothing to do,
// and nothing prints DEP0180 as ts-node's ESM loader does there. Older Node (20) goes through
// ts-node's ESM loader, transpiling only (type checking is `npm run typecheck`'s job). The code
// keeps to what both accept: no enums, namespaces or parameter properties (`tsc
// --erasableSyntaxOnly`, which npm run typecheck uses), and `import type` for types.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

if (!process.features.typescript) {
  process.env.TS_NODE_TRANSPILE_ONLY ??= 'true';
  register('ts-node/esm', pathToFileURL('./'));
}
