// Bundles the agent CLI into one ES module: one file to parse at start and no TypeScript transform in the process.
import { build } from 'esbuild';
import { zodEnglishOnly } from '@podscope/protocol/esbuild-zod-english-only';

await build({
  entryPoints: [new URL('../src/cli.ts', import.meta.url).pathname],
  outfile: new URL('../dist/podscope-agent.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Native addons load their .node files relative to their own package.
  external: ['koffi', 'msgpackr-extract'],
  plugins: [zodEnglishOnly],
  // Whitespace and syntax only: names stay readable in stack traces; the source map maps back to the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  charset: 'ascii',
  banner: { js: "import { createRequire as __podscopeRequire } from 'node:module'; const require = __podscopeRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
