import type { EventRecord } from '@podscope/protocol';
// The pure pcap-ng writer (bpf/spec), not bpf/packets: terminal clients import this without libpcap or koffi.
import { PcapngWriter } from '@podscope/bpf/spec';
import type { BatchSink } from '../pipeline/batcher.ts';

/** How long a packet is held so packets from several pods come out in time order. */
export const REORDER_WINDOW_MS = 200;

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');

/** The interface a packet event came from: node, pod network namespace and interface name. */
function interfaceOf(e: EventRecord): { key: string; name: string; description: string } {
  const name = str(e['ifname']) || `if${str(e['ifindex'])}`;
  const ident = [
    ['node', e['k8s.node']],
    ['namespace', e['k8s.namespace']],
    ['pod', e['k8s.podName']],
    ['container', e['k8s.containerName'] ?? e['runtime.containerName']],
    ['netns', e['netns_id']],
  ]
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${str(k)}=${str(v)}`)
    .join(' ');
  return { key: `${str(e['k8s.node'])}|${str(e['netns_id'])}|${name}`, name, description: ident };
}

/**
 * Packet events (the tcpdump gadget's, with `data` in base64) as a live pcap-ng stream: one IDB per pod interface,
 * EPBs merged in timestamp order within a short reorder window, written as soon as the window has passed.
 */
export class PcapngSink implements BatchSink {
  private writer: PcapngWriter | undefined;
  private held: EventRecord[] = [];
  private readonly timer: NodeJS.Timeout;
  written = 0;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly snaplen: number,
    private readonly windowMs = REORDER_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => this.flushOlderThan(this.now() - this.windowMs), Math.max(10, windowMs / 4));
  }

  offer(events: EventRecord[]): boolean {
    for (const e of events) if (typeof e['data'] === 'string' && typeof e['timestamp'] === 'number') this.held.push(e);
    return true;
  }

  /** Writes every held packet stamped before `ms` (wall clock), oldest first. */
  flushOlderThan(ms: number): void {
    if (this.held.length === 0) return;
    const limit = ms * 1e6;
    this.held.sort((a, b) => (a['timestamp'] as number) - (b['timestamp'] as number));
    let n = 0;
    while (n < this.held.length && (this.held[n]!['timestamp'] as number) < limit) n++;
    if (n === 0) return;
    // One write for the whole flush, not one per packet.
    this.section().batch(() => {
      for (const e of this.held.slice(0, n)) this.write(e);
    });
    this.held = this.held.slice(n);
  }

  /** The section header goes out with the first packet (or at the end), so a run refused at start writes nothing. */
  private section(): PcapngWriter {
    this.writer ??= new PcapngWriter((chunk) => void this.out.write(chunk), this.snaplen);
    return this.writer;
  }

  private write(e: EventRecord): void {
    const iface = interfaceOf(e);
    const id = this.section().interfaceId(iface.key, { name: iface.name, description: iface.description });
    const data = Buffer.from(e['data'] as string, 'base64');
    const dir = e['direction'];
    this.section().packet({
      interfaceId: id,
      tsNs: BigInt(Math.round(e['timestamp'] as number)),
      len: typeof e['len'] === 'number' ? Math.max(e['len'], data.length) : data.length,
      data,
      direction: dir === 'OUTGOING' ? 'outbound' : dir === undefined || dir === null || dir === 'UNKNOWN' ? 'unknown' : 'inbound',
    });
    this.written++;
  }

  /** Writes everything still held and stops the timer (end of run). */
  close(): void {
    clearInterval(this.timer);
    this.flushOlderThan(Number.POSITIVE_INFINITY);
    this.section(); // an empty capture is still a valid file
  }
}
