// Bundles the plugin into one ES module: kubectl starts it on every call, so no TypeScript transform at run time.
import { build } from 'esbuild';
import { zodEnglishOnly } from '@podscope/protocol/esbuild-zod-english-only';

await build({
  entryPoints: [new URL('../src/main.ts', import.meta.url).pathname],
  outfile: new URL('../dist/kubectl-podscope.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // msgpackr's optional native accelerator loads relative to its own package; the plugin needs no native code.
  external: ['msgpackr-extract'],
  plugins: [zodEnglishOnly],
  charset: 'ascii',
  banner: { js: "import { createRequire as __podscopeRequire } from 'node:module'; const require = __podscopeRequire(import.meta.url);" },
  logLevel: 'warning',
});
