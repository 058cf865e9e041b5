// Lets `node --import ./scripts/register.mjs scripts/x.ts` run TypeScript through ts-node's
// ESM loader (type checking is `npm run typecheck`'s job, so it only transpiles).
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

process.env.TS_NODE_TRANSPILE_ONLY ??= 'true';
register('ts-node/esm', pathToFileURL('./'));
