import { defineConfig } from 'vitest/config';

// Renders the manifests with the real `kubectl kustomize` and the Helm chart with a template subset (helm cannot be
// installed here), and checks the objects; lints the Containerfiles' structure.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 } });
