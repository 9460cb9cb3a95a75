import { defineConfig } from 'vitest/config';

// `test` runs unit tests; `test:int` (vitest run int.test) selects the *.int.test.ts files that need root, eBPF and podman.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
