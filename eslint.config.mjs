// One lint config for the workspace; package boundaries are enforced here (see docs in README).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbid = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/.next/**', '**/dist/**', '**/build/**', '**/*.config.*', '**/next-env.d.ts', 'e2e/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  // Plain-JS entry points run on Node: TypeScript knows its globals, ESLint's core rules do not.
  { files: ['**/*.mjs'], languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly', Buffer: 'readonly' } } },
  { files: ['packages/protocol/**'], rules: forbid(['@podscope/*', 'node:*', 'fs', 'path', 'react'], 'protocol is shared by every side: no Node, DOM-framework or podscope imports') },
  { files: ['apps/web/**'], rules: forbid(['@podscope/agent', '@podscope/bpf', '@podscope/server', '@podscope/agent/*', '@podscope/bpf/*', '@podscope/server/*'], 'web may import only @podscope/protocol') },
  { files: ['apps/server/**'], rules: forbid(['@podscope/agent', '@podscope/bpf', '@podscope/web', '@podscope/agent/*', '@podscope/bpf/*'], 'the hub talks to agents over the protocol only') },
  { files: ['packages/bpf/**'], rules: forbid(['@podscope/agent', '@podscope/server', '@podscope/web'], 'bpf is below the agent') },
  { files: ['packages/agent/**'], rules: forbid(['@podscope/server', '@podscope/web'], 'the agent talks to the hub over the protocol only') },
  { files: ['e2e/**'], rules: forbid(['@podscope/agent', '@podscope/bpf', '@podscope/server', '@podscope/web'], 'e2e starts the real apps; it imports only protocol types') },
  ...['src', 'test'].map((dir) => ({
    files: [`apps/cli/${dir}/**`],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: '@podscope/agent', message: 'the kubectl plugin may reuse only the agent\'s terminal printers (@podscope/agent/terminal)' }],
        patterns: [{
          // Its tests may also share the agent's podman helpers.
          group: ['@podscope/server', '@podscope/server/*', '@podscope/web', '@podscope/bpf', '@podscope/bpf/*', '@podscope/agent/*', '!@podscope/agent/terminal', ...(dir === 'test' ? ['!@podscope/agent/testing'] : [])],
          message: "the kubectl plugin talks to the hub over the protocol; it may reuse only the agent's terminal printers (@podscope/agent/terminal)",
        }],
      }],
    },
  })),
  // The printers the kubectl plugin shares: nothing that loads libbpf, libpcap or koffi.
  {
    files: ['packages/agent/src/terminal.ts', 'packages/agent/src/cli/{eventPrinter,columnSpec,histogramPrinter,topTablePrinter,pcapngSink,gadgetParamArgs,selectorFlags,exitCodes,runOutput}.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: '@podscope/bpf', message: 'terminal printers are shared with the kubectl plugin: use the pure @podscope/bpf/spec' }],
        patterns: [{
          group: ['@podscope/bpf/load', '@podscope/bpf/packets', 'koffi', '**/discovery/*', '**/gadgets/*', '**/hub/*'],
          message: 'terminal printers are shared with the kubectl plugin: keep them free of the kernel side',
        }],
      }],
    },
  },
);
