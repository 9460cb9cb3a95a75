import type { GadgetMeta } from '@podscope/protocol';
import type { GadgetStartOptions, RunningGadget } from '../pipeline/gadgetHost.ts';
import type { CgroupResolver } from './cgroupDirs.ts';
import type { ContainerSource } from './containerTargets.ts';
import { ContainerTargets } from './containerTargets.ts';

/** What agent-side gadgets read instead of the kernel: the node's containers, /proc and the cgroup filesystems. */
export interface AgentGadgetEnv {
  containers: ContainerSource;
  procRoot: string;
  cgroups: CgroupResolver;
}

/** A gadget implemented in the agent (no eBPF), served behind the same GadgetHost interface as the kernel ones. */
export interface AgentGadget {
  readonly meta: GadgetMeta;
  start(opts: GadgetStartOptions, env: AgentGadgetEnv): RunningGadget;
}

/**
 * The RunningGadget side every agent gadget shares: mount-namespace verdicts become the set of containers to read,
 * and nothing is dropped below the agent (no ring buffer), so kernel drops are always 0.
 */
export abstract class AgentRunningGadget implements RunningGadget {
  readonly attachMs = 0;
  protected readonly targets: ContainerTargets;
  protected closed = false;

  constructor(
    protected readonly opts: GadgetStartOptions,
    protected readonly env: AgentGadgetEnv,
  ) {
    this.targets = new ContainerTargets(env.containers, opts.selection);
  }

  allowMountNs(ids: readonly number[]): void {
    this.targets.allow(ids);
    this.onAllowed(ids);
  }

  denyMountNs(ids: readonly number[]): void {
    this.targets.deny(ids);
  }

  forgetMountNs(ids: readonly number[]): void {
    this.targets.deny(ids);
  }

  kernelDrops(): number {
    return 0;
  }

  close(): void {
    this.closed = true;
  }

  /** Hook for gadgets that prepare per-container state (a baseline sample) as soon as a container is selected. */
  protected onAllowed(_ids: readonly number[]): void {}

  /** Delivers rows unless closed; a throwing consumer is reported, never thrown from a timer. */
  protected deliver(rows: Parameters<GadgetStartOptions['onEvents']>[0]): void {
    if (this.closed) return;
    try {
      this.opts.onEvents(rows);
    } catch (err) {
      this.opts.onError?.(err);
    }
  }
}
