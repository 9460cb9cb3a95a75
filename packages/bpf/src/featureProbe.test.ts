import { describe, expect, it } from 'vitest';
import { kernelFeatureNames, unavailableReason, type KernelFeatures } from './spec/kernelFeatures.ts';
import { manifests, unavailableGadgets } from './catalog.ts';

const all = (on: boolean): KernelFeatures => Object.fromEntries(kernelFeatureNames.map((f) => [f, on])) as KernelFeatures;
/** What the platform notes measured on the development machines: no kprobes, no fentry. */
const thisPlatform: KernelFeatures = { ...all(true), kprobe: false, kprobe_multi: false, fentry: false };

describe('kernel feature needs', () => {
  it('names every missing feature, once, and nothing when all are met', () => {
    expect(unavailableReason(['tp_btf', 'ringbuf'], all(true))).toBeUndefined();
    expect(unavailableReason([], all(false))).toBeUndefined();
    const reason = unavailableReason(['tp_btf', 'iter_task', 'tp_btf', 'tracepoint'], { ...all(true), tp_btf: false, iter_task: false });
    expect(reason).toBe('this kernel lacks BTF-typed tracepoint programs (tp_btf), BPF task iterators');
  });

  it('every gadget declares its needs, and none needs kprobes or fentry (absent on this platform)', () => {
    for (const m of manifests) expect(m.needs?.length, m.name).toBeGreaterThan(0);
    expect(unavailableGadgets(manifests, thisPlatform)).toEqual(new Map());
  });

  it('marks the gadgets a kernel cannot run: tp_btf-based ones without tp_btf, snapshots without task iterators', () => {
    const noBtfTp = unavailableGadgets(manifests, { ...thisPlatform, tp_btf: false });
    expect([...noBtfTp.keys()].sort()).toEqual(['profile_blockio', 'profile_runqlat', 'profile_tcprtt', 'top_tcp', 'trace_oomkill']);
    const noIter = unavailableGadgets(manifests, { ...thisPlatform, iter_task: false });
    expect([...noIter.keys()]).toEqual(['snapshot_process']);
    expect(noIter.get('snapshot_process')).toMatch(/task iterators/);
    expect(unavailableGadgets(manifests, all(false)).size).toBe(manifests.length);
  });
});
