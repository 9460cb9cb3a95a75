import type { ContainerInfo } from '@podscope/protocol';
import type { CapturedPacket, PacketSocketStats } from '@podscope/bpf/packets';
import { PacketSocket } from '@podscope/bpf/packets';

/** One network namespace being captured, named by the first selected container seen in it. */
export interface CaptureTarget {
  netns: number;
  /** The container whose mount namespace names the packets (a pod's containers share one network namespace). */
  container: ContainerInfo & { pid: number; mntns: number };
  sockets: PacketSocket[];
}

export interface NetnsCapturesOptions {
  /** Compiled cBPF (compilePacketFilter), attached to every socket before bind. */
  filter: Buffer;
  /** Interfaces to capture on; empty = every interface of the namespace. */
  interfaces: readonly string[];
  /** Called for each packet while its ring block is held: `data` is valid only during the call. */
  onPacket: (target: CaptureTarget, socket: PacketSocket, packet: CapturedPacket) => void;
  /** Called after each drain that delivered packets, to hand a batch on. */
  onDrained: () => void;
  onError: (err: unknown) => void;
  drainIntervalMs?: number;
}

/**
 * Packet sockets for a changing set of containers, one capture per network namespace (never two for the same pod),
 * drained together on one short timer, like the ring reader: no wakeup per packet.
 */
export class NetnsCaptures {
  private readonly targets = new Map<number, CaptureTarget>();
  /** Counters of sockets already closed, so kernel drops never go backwards. */
  private readonly retired: PacketSocketStats = { packets: 0, drops: 0, freezes: 0 };
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: NetnsCapturesOptions) {
    this.timer = setInterval(() => this.drain(), opts.drainIntervalMs ?? 5);
  }

  /** Opens sockets for namespaces newly covered and closes those no container covers any more. */
  sync(containers: readonly (ContainerInfo & { pid: number; mntns: number })[]): void {
    if (this.closed) return;
    const wanted = new Map<number, ContainerInfo & { pid: number; mntns: number }>();
    for (const c of containers) {
      const netns = c.netns;
      if (netns === undefined || wanted.has(netns)) continue;
      wanted.set(netns, c);
    }
    for (const [netns, t] of this.targets) {
      if (!wanted.has(netns)) this.retire(netns, t);
    }
    for (const [netns, c] of wanted) {
      if (this.targets.has(netns)) continue;
      const sockets: PacketSocket[] = [];
      try {
        const names = this.opts.interfaces.length === 0 ? [undefined] : this.opts.interfaces;
        for (const name of names) sockets.push(PacketSocket.open({ pid: c.pid, filter: this.opts.filter, ...(name !== undefined ? { interface: name } : {}) }));
        this.targets.set(netns, { netns, container: c, sockets });
      } catch (err) {
        for (const s of sockets) s.close();
        // A container that exited between listing and setns is not an error worth failing the run for.
        if (!(err instanceof Error && /No such file|No such process/.test(err.message))) this.opts.onError(err);
      }
    }
  }

  /** The namespaces being captured now. */
  list(): CaptureTarget[] {
    return [...this.targets.values()];
  }

  private retire(netns: number, t: CaptureTarget): void {
    if (this.drainTarget(t) > 0) this.opts.onDrained();
    for (const s of t.sockets) {
      s.close();
      const st = s.stats();
      this.retired.packets += st.packets;
      this.retired.drops += st.drops;
      this.retired.freezes += st.freezes;
    }
    this.targets.delete(netns);
  }

  private drainTarget(t: CaptureTarget): number {
    let n = 0;
    for (const s of t.sockets) n += s.drain((p) => this.opts.onPacket(t, s, p));
    return n;
  }

  drain(): void {
    try {
      let n = 0;
      for (const t of this.targets.values()) n += this.drainTarget(t);
      if (n > 0) this.opts.onDrained();
    } catch (err) {
      this.opts.onError(err);
    }
  }

  /** Kernel counters summed over every socket this run opened. */
  stats(): PacketSocketStats {
    const sum = { ...this.retired };
    for (const t of this.targets.values()) {
      for (const s of t.sockets) {
        const st = s.stats();
        sum.packets += st.packets;
        sum.drops += st.drops;
        sum.freezes += st.freezes;
      }
    }
    return sum;
  }

  close(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    for (const [netns, t] of this.targets) this.retire(netns, t);
    this.closed = true;
  }
}
