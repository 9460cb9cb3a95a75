import { defineConfig } from 'vitest/config';

// Tests wait for conditions with a polling helper (15 s limit), never for fixed times.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 30_000 } });
