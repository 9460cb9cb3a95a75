import type { EventRecord } from '@podscope/protocol';
import type { CapturedPacket, PacketSocket } from '@podscope/bpf/packets';
import type { GadgetStartOptions } from '../pipeline/gadgetHost.ts';
import type { AgentGadgetEnv } from './agentGadget.ts';
import { AgentRunningGadget } from './agentGadget.ts';
import type { CaptureTarget } from './packetCapture.ts';
import { NetnsCaptures } from './packetCapture.ts';

const RESYNC_MS = 1000;

/**
 * The RunningGadget side of the packet gadgets: one capture per selected network namespace, opened as soon as a
 * container is selected (and re-checked every second for containers that came or went), events batched per drain.
 */
export abstract class PacketRunningGadget extends AgentRunningGadget {
  protected readonly captures: NetnsCaptures;
  private pending: EventRecord[] = [];
  private readonly resync: NodeJS.Timeout;

  constructor(opts: GadgetStartOptions, env: AgentGadgetEnv, filter: Buffer, interfaces: readonly string[]) {
    super(opts, env);
    this.captures = new NetnsCaptures({
      filter,
      interfaces,
      onPacket: (t, s, p) => {
        const e = this.toEvent(t, s, p);
        if (e !== null) this.pending.push(e);
      },
      onDrained: () => this.flush(),
      onError: (err) => this.opts.onError?.(err),
    });
    // With selection disabled no verdicts arrive: capture everything known now, then follow the index.
    setImmediate(() => this.sync());
    this.resync = setInterval(() => this.sync(), RESYNC_MS);
  }

  /** One packet (its data valid only now) as an event, or null to leave it out. */
  protected abstract toEvent(target: CaptureTarget, socket: PacketSocket, packet: CapturedPacket): EventRecord | null;

  protected override onAllowed(): void {
    this.sync();
  }

  private sync(): void {
    if (this.closed) return;
    try {
      this.captures.sync(this.targets.current());
    } catch (err) {
      this.opts.onError?.(err);
    }
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.deliver(batch);
  }

  override kernelDrops(): number {
    return this.captures.stats().drops;
  }

  override close(): void {
    if (this.closed) return;
    clearInterval(this.resync);
    this.captures.close(); // drains what the kernel still holds
    this.flush();
    super.close();
  }
}

/** Wall-clock ns of a packet's kernel timestamp. */
export function packetTimestamp(p: CapturedPacket): number {
  return p.tsSec * 1e9 + p.tsNsec;
}

/** IG's pkt_type names for sll_pkttype. */
export function pktTypeName(p: CapturedPacket): string {
  return p.direction.toUpperCase();
}
