import type { GadgetMeta } from '@podscope/protocol';

// Gadgets run through the loader's own contract (docs/architecture.md), so agent-side gadgets and the eBPF catalog
// are interchangeable; pipelines take a GadgetHost so tests can pass a fake and only the entry points load libbpf.
import type { KernelFilter, MountNsSelection, RunningGadget, StartOptions } from '@podscope/bpf';

export type { KernelFilter, MountNsSelection, RunningGadget };
export type GadgetStartOptions = StartOptions;

export interface GadgetHost {
  readonly catalog: ReadonlyMap<string, { meta: GadgetMeta }>;
  /** Fields the kernel side can filter on (push-down targets). */
  readonly kernelFilterableFields: readonly string[];
  /** What the kernel probe found, when this host probed (reported to the hub in hello). */
  readonly features?: Readonly<Record<string, boolean>>;
  /** Push-down targets of one gadget, when they differ per gadget (a composed host); else kernelFilterableFields. */
  kernelFilterableFieldsOf?(name: string): readonly string[];
  startGadget(name: string, opts: GadgetStartOptions): Promise<RunningGadget>;
}
