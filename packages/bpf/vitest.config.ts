import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'gadgets/**/*.test.ts'],
    // Compiles the gadgets first: unit tests parse the real objects, never hand-made copies.
    globalSetup: ['./test/buildGadgets.ts'],
    // Integration tests share one kernel and count drops; run files one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
  },
});
