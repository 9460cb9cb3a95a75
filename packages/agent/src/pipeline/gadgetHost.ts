import type { EventRecord, GadgetMeta, ResolvedParams } from '@podscope/protocol';

// The agent's view of @podscope/bpf (docs/architecture.md). Pipelines take a GadgetHost so tests can pass a fake
// and only the CLI/serve entry points load the real eBPF loader.
export interface MountNsSelection {
  enabled: boolean;
}
/** Equality sets the kernel applies itself (pushed-down filter clauses); present lists AND together. */
export interface KernelFilter {
  comm?: readonly string[];
  pid?: readonly number[];
  uid?: readonly number[];
}
export interface GadgetStartOptions {
  params: ResolvedParams;
  selection: MountNsSelection;
  onEvents: (events: EventRecord[]) => void;
  /** Errors from onEvents or decoding, reported instead of thrown from the loader's timer. */
  onError?: (err: unknown) => void;
  kernelFilter?: KernelFilter;
  /** Called by a gadget that finishes by itself (a snapshot) after its last onEvents. */
  onDone?: () => void;
}
export interface RunningGadget {
  readonly attachMs: number;
  allowMountNs(ids: readonly number[]): void;
  denyMountNs(ids: readonly number[]): void;
  forgetMountNs(ids: readonly number[]): void;
  kernelDrops(): number;
  /** Events the kernel dropped because of pushed-down filter clauses. */
  kernelFiltered?(): number;
  close(): void;
}
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
