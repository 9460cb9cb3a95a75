/**
 * An AF_PACKET capture socket opened inside another process's network namespace, with a classic BPF filter attached
 * before it is bound (so no unfiltered packet is ever queued) and a TPACKET_V3 ring read from JavaScript in blocks.
 * Timestamps are the kernel's (tpacket3_hdr tp_sec/tp_nsec, CLOCK_REALTIME at receive), never JavaScript's.
 */
import koffi from 'koffi';
import { PodscopeError } from '@podscope/protocol';
import { mmap, munmap, pageSize, PROT_READ, PROT_WRITE, type Mapping } from './libc.ts';
import { bindFd, closeQuietly, CLONE_NEWNET, getsockoptBuf, ioctlBuf, openReadOnly, setns, setsockoptBuf, socketFd, SyscallError } from './libcNet.ts';
import { SOCK_FILTER_SIZE } from './libPcap.ts';

const AF_PACKET = 17;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const ETH_P_ALL = 0x0003;
const SOL_SOCKET = 1;
const SO_ATTACH_FILTER = 26;
const SOL_PACKET = 263;
const PACKET_RX_RING = 5;
const PACKET_STATISTICS = 6;
const PACKET_VERSION = 10;
const TPACKET_V3 = 2;
const TP_STATUS_USER = 1;
const TP_STATUS_KERNEL = 0;
const SIOCGIFNAME = 0x8910;
const SIOCGIFINDEX = 0x8933;
const TPACKET3_HDRLEN = 48; // TPACKET_ALIGN(sizeof(struct tpacket3_hdr)): where struct sockaddr_ll starts
const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;

/** sll_pkttype values (linux/if_packet.h). */
export const packetDirections = ['host', 'broadcast', 'multicast', 'otherhost', 'outgoing'] as const;
export type PacketDirection = (typeof packetDirections)[number] | 'unknown';

/** One captured packet. `data` is a view into the ring, valid only during the callback: copy what you keep. */
export interface CapturedPacket {
  ifindex: number;
  /** Kernel receive time, wall clock: whole seconds and nanoseconds. */
  tsSec: number;
  tsNsec: number;
  caplen: number;
  len: number;
  data: Uint8Array;
  direction: PacketDirection;
}

export interface PacketSocketStats {
  /** Packets the filter accepted (delivered + dropped), cumulative. */
  packets: number;
  /** Packets the kernel dropped because the ring was full, cumulative. */
  drops: number;
  /** Times the ring was frozen (all blocks owned by user space), cumulative. */
  freezes: number;
}

export interface PacketSocketOptions {
  /** A process whose network namespace to capture in (`/proc/<pid>/ns/net`); omit for the agent's own. */
  pid?: number;
  /** Compiled cBPF (`struct sock_filter[]`, from compilePacketFilter); it also truncates to the snaplen. */
  filter: Buffer;
  /** Capture on this interface only; default: every interface of the namespace. */
  interface?: string;
  /** Ring geometry: block size (a power-of-two multiple of the page size) and count. Default 1 MiB × 8. */
  blockSize?: number;
  blockCount?: number;
  /** How long the kernel keeps a partly filled block before handing it over, in ms. */
  blockTimeoutMs?: number;
}

const procRoot = '/proc';

/** Runs fn with this thread in another process's network namespace, and always comes back. Synchronous on purpose. */
export function inNetns<T>(pid: number | undefined, fn: () => T): T {
  if (pid === undefined) return fn();
  const target = openReadOnly(`${procRoot}/${pid}/ns/net`);
  let home = -1;
  try {
    // The main thread's namespace (its tid is the pid): libuv's pool threads are never moved.
    home = openReadOnly(`${procRoot}/thread-self/ns/net`);
    setns(target, CLONE_NEWNET);
    try {
      return fn();
    } finally {
      try {
        setns(home, CLONE_NEWNET);
      } catch (err) {
        // Staying in a pod's namespace would silently misroute every later socket of the agent.
        process.stderr.write(`podscope: cannot return to the agent's network namespace: ${String(err)}\n`);
        process.abort();
      }
    }
  } finally {
    closeQuietly(home);
    closeQuietly(target);
  }
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

export class PacketSocket {
  readonly fd: number;
  private readonly ring: Mapping;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private readonly blockSize: number;
  private readonly blockCount: number;
  private block = 0;
  private readonly names = new Map<number, string>();
  private readonly total: PacketSocketStats = { packets: 0, drops: 0, freezes: 0 };
  private closed = false;
  /** Packets skipped because their link layer is not Ethernet (the filter was compiled for Ethernet). */
  skipped = 0;

  /** Opens, filters, maps and binds; throws PodscopeError (forbidden/not_found/internal) with the failing step. */
  static open(opts: PacketSocketOptions): PacketSocket {
    try {
      return new PacketSocket(opts);
    } catch (err) {
      if (err instanceof SyscallError) {
        const code = err.errno === 1 || err.errno === 13 ? 'forbidden' : err.errno === 2 || err.errno === 3 || err.errno === 19 ? 'not_found' : 'internal';
        throw new PodscopeError(code, `packet capture${opts.pid !== undefined ? ` in the network namespace of pid ${opts.pid}` : ''}: ${err.message}`, { pid: opts.pid });
      }
      throw err;
    }
  }

  private constructor(opts: PacketSocketOptions) {
    const page = pageSize();
    this.blockSize = opts.blockSize ?? 1 << 20;
    this.blockCount = opts.blockCount ?? 8;
    if (this.blockSize % page !== 0) throw new PodscopeError('bad_param', `ring block size ${this.blockSize} is not a multiple of the page size`);
    // Protocol 0: the socket receives nothing until bind, so the filter is in place before the first packet.
    this.fd = inNetns(opts.pid, () => socketFd(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
    try {
      const prog = Buffer.alloc(16);
      prog.writeUInt16LE(opts.filter.length / SOCK_FILTER_SIZE, 0);
      // sock_fprog { u16 len; struct sock_filter *filter; }: pass the filter's address.
      prog.writeBigUInt64LE(addressOf(opts.filter), 8);
      setsockoptBuf(this.fd, SOL_SOCKET, SO_ATTACH_FILTER, prog, 'SO_ATTACH_FILTER');
      setsockoptBuf(this.fd, SOL_PACKET, PACKET_VERSION, u32le(TPACKET_V3), 'PACKET_VERSION');
      const req = Buffer.alloc(28);
      const frameSize = 2048;
      req.writeUInt32LE(this.blockSize, 0);
      req.writeUInt32LE(this.blockCount, 4);
      req.writeUInt32LE(frameSize, 8);
      req.writeUInt32LE((this.blockSize / frameSize) * this.blockCount, 12);
      req.writeUInt32LE(opts.blockTimeoutMs ?? 4, 16);
      setsockoptBuf(this.fd, SOL_PACKET, PACKET_RX_RING, req, 'PACKET_RX_RING');
      this.ring = mmap(this.blockSize * this.blockCount, PROT_READ | PROT_WRITE, this.fd, 0);
      this.view = new DataView(this.ring.buffer);
      this.bytes = new Uint8Array(this.ring.buffer);
      const ifindex = opts.interface === undefined ? 0 : this.ifindexOf(opts.interface);
      const sll = Buffer.alloc(20);
      sll.writeUInt16LE(AF_PACKET, 0);
      sll.writeUInt16BE(ETH_P_ALL, 2);
      sll.writeInt32LE(ifindex, 4);
      bindFd(this.fd, sll);
    } catch (err) {
      closeQuietly(this.fd);
      throw err;
    }
  }

  private ifindexOf(name: string): number {
    const req = Buffer.alloc(40);
    if (Buffer.byteLength(name) > 15) throw new PodscopeError('bad_param', `interface name too long: ${name}`);
    req.write(name, 0, 'utf8');
    const rc = ioctlBuf(this.fd, SIOCGIFINDEX, req);
    if (rc < 0) throw new PodscopeError('not_found', `no interface ${name} in this network namespace`, { interface: name });
    return req.readInt32LE(16);
  }

  /** The interface's name in the socket's namespace (asked once per ifindex; "if<N>" once it is gone). */
  ifname(ifindex: number): string {
    let name = this.names.get(ifindex);
    if (name !== undefined) return name;
    const req = Buffer.alloc(40);
    req.writeInt32LE(ifindex, 16);
    name = ioctlBuf(this.fd, SIOCGIFNAME, req) < 0 ? `if${ifindex}` : req.toString('utf8', 0, Math.max(0, req.indexOf(0))).slice(0, 16);
    this.names.set(ifindex, name);
    return name;
  }

  /**
   * Hands every packet of every block the kernel has finished to onPacket, then returns the blocks. At most
   * maxBlocks blocks per call so one drain never holds the event loop for long. Returns the packets delivered.
   */
  drain(onPacket: (p: CapturedPacket) => void, maxBlocks = this.blockCount): number {
    if (this.closed) return 0;
    const v = this.view;
    let delivered = 0;
    for (let b = 0; b < maxBlocks; b++) {
      const base = this.block * this.blockSize;
      if ((v.getUint32(base + 8, true) & TP_STATUS_USER) === 0) break;
      try {
        const count = v.getUint32(base + 12, true);
        let p = base + v.getUint32(base + 16, true);
        for (let i = 0; i < count; i++) {
          const next = v.getUint32(p, true);
          const caplen = v.getUint32(p + 12, true);
          const sll = p + TPACKET3_HDRLEN;
          const hatype = v.getUint16(sll + 8, true);
          const pkttype = v.getUint8(sll + 10);
          if (hatype !== ARPHRD_ETHER && hatype !== ARPHRD_LOOPBACK) {
            this.skipped++;
          } else if (!(hatype === ARPHRD_LOOPBACK && pkttype === 4)) {
            // Loopback shows every packet twice (out and in); keep the incoming copy, as libpcap does.
            const mac = p + v.getUint16(p + 24, true);
            onPacket({
              ifindex: v.getInt32(sll + 4, true),
              tsSec: v.getUint32(p + 4, true),
              tsNsec: v.getUint32(p + 8, true),
              caplen,
              len: v.getUint32(p + 16, true),
              data: this.bytes.subarray(mac, mac + caplen),
              direction: packetDirections[pkttype] ?? 'unknown',
            });
            delivered++;
          }
          if (next === 0) break;
          p += next;
        }
      } finally {
        v.setUint32(base + 8, TP_STATUS_KERNEL, true);
        this.block = (this.block + 1) % this.blockCount;
      }
    }
    return delivered;
  }

  /** Cumulative kernel counters (PACKET_STATISTICS resets on read; this adds them up). */
  stats(): PacketSocketStats {
    if (!this.closed) {
      const s = getsockoptBuf(this.fd, SOL_PACKET, PACKET_STATISTICS, 12, 'PACKET_STATISTICS');
      this.total.packets += s.readUInt32LE(0);
      this.total.drops += s.readUInt32LE(4);
      this.total.freezes += s.readUInt32LE(8);
    }
    return { ...this.total };
  }

  close(): void {
    if (this.closed) return;
    this.stats();
    this.closed = true;
    munmap(this.ring);
    closeQuietly(this.fd);
  }
}

function addressOf(buf: Buffer): bigint {
  return BigInt(koffi.address(buf));
}
