import { defineConfig } from 'vitest/config';

// The unit-tested modules (row buffer, URL state, formatting, live feed) are DOM-free and run in node.
export default defineConfig({ test: { environment: 'node', include: ['src/**/*.test.ts'] } });
