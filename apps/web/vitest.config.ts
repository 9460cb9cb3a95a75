import { defineConfig } from 'vitest/config';

// The unit-tested modules (row buffer, URL state, formatting, live feed) are DOM-free and run in node;
// components are checked by server-rendering them (JSX with React's automatic runtime, as Next compiles it).
export default defineConfig({ esbuild: { jsx: 'automatic' }, test: { environment: 'node', include: ['src/**/*.test.ts'] } });
