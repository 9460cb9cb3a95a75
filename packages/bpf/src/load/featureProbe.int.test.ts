// Measures the real kernel: fails, never skips.
import { describe, expect, it } from 'vitest';
import { gadgetCatalog, probeFeatures } from '../index.ts';

describe('probeFeatures on this kernel', () => {
  it('finds what the platform notes say works here, and what does not (no kprobes, fentry refused)', async () => {
    const f = await probeFeatures();
    expect(f).toMatchObject({ btf: true, tracepoint: true, raw_tp: true, tp_btf: true, iter_task: true, ringbuf: true, socket_filter: true });
    expect(f).toMatchObject({ kprobe: false, kprobe_multi: false, fentry: false });
  });

  it('is measured once and leaves every shipped gadget available', async () => {
    const first = probeFeatures();
    expect(probeFeatures()).toBe(first);
    await first;
    for (const [name, g] of gadgetCatalog) expect(g.meta.unavailable, name).toBeUndefined();
  });
});
