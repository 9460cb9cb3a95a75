import type { EventRecord, GadgetMeta, ResolvedParams } from '@podscope/protocol';

// The agent's view of @podscope/bpf (docs/architecture.md). Pipelines take a GadgetHost so tests can pass a fake
// and only the CLI/serve entry points load the real eBPF loader.
export interface MountNsSelection {
  enabled: boolean;
}
export interface GadgetStartOptions {
  params: ResolvedParams;
  selection: MountNsSelection;
  onEvents: (events: EventRecord[]) => void;
  /** Errors from onEvents or decoding, reported instead of thrown from the loader's timer. */
  onError?: (err: unknown) => void;
}
export interface RunningGadget {
  readonly attachMs: number;
  allowMountNs(ids: readonly number[]): void;
  denyMountNs(ids: readonly number[]): void;
  forgetMountNs(ids: readonly number[]): void;
  kernelDrops(): number;
  close(): void;
}
export interface GadgetHost {
  readonly catalog: ReadonlyMap<string, { meta: GadgetMeta }>;
  startGadget(name: string, opts: GadgetStartOptions): Promise<RunningGadget>;
}
