#!/usr/bin/env node
// Runs the agent CLI: the esbuild bundle from `pnpm build` when present (less memory, faster start), else the
// TypeScript sources through tsx (packages export their sources; see docs/architecture.md).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/podscope-agent.mjs', import.meta.url);
if (existsSync(bundle) && process.env.PODSCOPE_AGENT_FROM_SOURCE !== '1') {
  // The bundle no longer sits beside @podscope/bpf's compiled objects: tell the loader where they are.
  process.env.PODSCOPE_BPF_BUILD_DIR ??= fileURLToPath(new URL('../../bpf/build', import.meta.url));
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
