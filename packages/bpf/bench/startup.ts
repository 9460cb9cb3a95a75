/** Process start → attached, split into module loading and the gadget start itself. */
import { performance } from 'node:perf_hooks';

const t0 = performance.now();
const { startGadget } = await import('../src/index.ts');
const t1 = performance.now();
const g = await startGadget('trace_exec', { params: {}, selection: { enabled: false }, onEvents: () => undefined });
const t2 = performance.now();
console.log(
  `process start → attached ${t2.toFixed(0)} ms (runtime + tsx before main ${t0.toFixed(0)} ms, import ${(t1 - t0).toFixed(0)} ms, startGadget ${(t2 - t1).toFixed(1)} ms, open → attached ${g.attachMs.toFixed(1)} ms)`,
);
g.close();
