// Bundles the agent CLI into one ES module: one file to parse at start and no TypeScript transform in the process.
import { build } from 'esbuild';

/**
 * zod re-exports every one of its ~50 message locales from its namespace object, which defeats tree shaking; the
 * agent only ever uses English (zod's default). Keeping just `en` takes ~450 KB of source and its non-Latin-1
 * text out of the bundle, so V8 holds the script's source as a one-byte string: ~2.5 MiB less heap per agent.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: new URL('../locales/en.js', `file://${args.importer}`).pathname, namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, loader: 'js', resolveDir: '/' }));
  },
};

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
