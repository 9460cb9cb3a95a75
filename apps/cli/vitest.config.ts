import { defineConfig } from 'vitest/config';

// `test` runs unit tests; `test:int` (vitest run int.test) runs the *.int.test.ts files that start a real hub, agent
// and podman containers (root, eBPF).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
