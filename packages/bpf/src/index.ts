/** @podscope/bpf: compiled eBPF gadgets, their BTF-derived metadata and a loader that streams events. */
import { PodscopeError } from '@podscope/protocol';
import { applyKernelFeatures, buildDir, gadgetSpecOf, objectPathOf } from './catalog.ts';
import { featureProbeObject, measureKernelFeatures } from './load/featureProbe.ts';
import type { KernelFeatures } from './spec/kernelFeatures.ts';
import { startCompiledGadget, type RunningGadget, type StartOptions } from './load/gadgetRunner.ts';

export { gadgetCatalog, type BpfGadget } from './catalog.ts';
export { UnsupportedError } from './load/errors.ts';
export type { MountNsSelection, RunningGadget, StartOptions } from './load/gadgetRunner.ts';
export { kernelFilterableFields, type KernelFilter, type KernelFilterPlacement } from './load/kernelFilter.ts';
export { parseGadgetSpec, readGadgetSpec, gadgetMeta, type GadgetSpec } from './spec/gadgetSpec.ts';
export type { GadgetManifest, FieldAnnotation, PolledMapManifest, HistogramManifest } from './spec/gadgetManifest.ts';
export { kernelFeatureNames, unavailableReason, type KernelFeature, type KernelFeatures } from './spec/kernelFeatures.ts';
export { log2Bucket, log2Slot, type Log2Bucket } from './spec/log2Histogram.ts';

let features: Promise<KernelFeatures> | undefined;

/**
 * Which eBPF features this kernel has, measured by loading and attaching one tiny program each
 * (~tens of ms, once per process). Also marks `gadgetCatalog` entries whose needs are not met
 * (meta.unavailable), so call it before listing the catalog to users.
 */
export function probeFeatures(): Promise<KernelFeatures> {
  features ??= new Promise<KernelFeatures>((resolve) => {
    const measured = measureKernelFeatures(featureProbeObject(buildDir));
    applyKernelFeatures(measured);
    resolve(measured);
  });
  return features;
}

/** Loads and attaches a gadget; throws UnsupportedError when the kernel lacks what it needs, PodscopeError otherwise. */
export async function startGadget(name: string, opts: StartOptions): Promise<RunningGadget> {
  try {
    return await startCompiledGadget(gadgetSpecOf(name), objectPathOf(name), opts);
  } catch (err) {
    if (err instanceof PodscopeError) throw err;
    // ELF/BTF/mmap failures: keep the message, give callers the one error type they handle.
    throw new PodscopeError('internal', `${name}: ${err instanceof Error ? err.message : String(err)}`, { gadget: name });
  }
}
