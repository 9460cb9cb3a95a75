/** @podscope/bpf: compiled eBPF gadgets, their BTF-derived metadata and a loader that streams events. */
import { PodscopeError } from '@podscope/protocol';
import { gadgetSpecOf, objectPathOf } from './catalog.ts';
import { startCompiledGadget, type RunningGadget, type StartOptions } from './load/gadgetRunner.ts';

export { gadgetCatalog, type BpfGadget } from './catalog.ts';
export { UnsupportedError } from './load/errors.ts';
export type { MountNsSelection, RunningGadget, StartOptions } from './load/gadgetRunner.ts';
export { kernelFilterableFields, type KernelFilter, type KernelFilterPlacement } from './load/kernelFilter.ts';
export { parseGadgetSpec, readGadgetSpec, gadgetMeta, type GadgetSpec } from './spec/gadgetSpec.ts';
export type { GadgetManifest, FieldAnnotation } from './spec/gadgetManifest.ts';

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
