#!/usr/bin/env node
// Runs the kubectl plugin: the esbuild bundle from `pnpm build` when present (starts in a fraction of the time),
// else the TypeScript sources through tsx (packages export their sources; docs/architecture.md).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/kubectl-podscope.mjs', import.meta.url);
if (existsSync(bundle) && process.env.PODSCOPE_CLI_FROM_SOURCE !== '1') {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
