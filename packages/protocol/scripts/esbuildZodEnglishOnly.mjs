// An esbuild plugin for the bundles that carry the protocol's zod schemas (the agent, the kubectl plugin).
//
// zod re-exports every one of its ~50 message locales from its namespace object, which defeats tree shaking;
// podscope only ever uses English (zod's default). Keeping just `en` takes ~450 KB of source and its non-Latin-1
// text out of a bundle, so V8 holds the script's source as a one-byte string: ~2.5 MiB less heap per process.
export const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: new URL('../locales/en.js', `file://${args.importer}`).pathname, namespace: 'zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, loader: 'js', resolveDir: '/' }));
  },
};
