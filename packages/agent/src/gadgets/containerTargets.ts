import type { ContainerInfo } from '@podscope/protocol';
import type { MountNsSelection } from '../pipeline/gadgetHost.ts';

/** Looks containers up; the ContainerIndex in the agent, a fake in unit tests. */
export interface ContainerSource {
  list(): ContainerInfo[];
  byMntns(mntns: number): ContainerInfo | undefined;
}

/**
 * The agent-side counterpart of the kernel's mount-namespace verdict map: userspace gadgets read per-container
 * files, so "selected" means the select operator allowed the container's mount namespace.
 */
export class ContainerTargets {
  private readonly allowed = new Set<number>();

  constructor(
    private readonly source: ContainerSource,
    private readonly selection: MountNsSelection,
  ) {}

  allow(ids: readonly number[]): void {
    for (const id of ids) this.allowed.add(id);
  }

  deny(ids: readonly number[]): void {
    for (const id of ids) this.allowed.delete(id);
  }

  /** Running containers with a known first process that the run covers. */
  current(): (ContainerInfo & { pid: number; mntns: number })[] {
    const all = this.source.list().filter((c): c is ContainerInfo & { pid: number; mntns: number } => c.pid !== undefined && c.mntns !== undefined && c.exitedAt === undefined);
    return this.selection.enabled ? all.filter((c) => this.allowed.has(c.mntns)) : all;
  }
}
