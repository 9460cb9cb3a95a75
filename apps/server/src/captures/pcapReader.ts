import { PodscopeError } from '@podscope/protocol';

/** One packet from a pcap or pcapng file. */
export interface PcapPacket {
  /** ns since the Unix epoch. */
  tsNs: number;
  ifindex: number;
  interfaceName: string;
  linkType: number;
  /** Length on the wire. */
  len: number;
  data: Buffer;
}

export type PacketFormat = 'pcap' | 'pcapng';

const MAX_PACKET = 16 * 1024 * 1024;
const MAX_BLOCK = 64 * 1024 * 1024;

const bad = (why: string): PodscopeError => new PodscopeError('bad_request', `corrupt packet capture: ${why}`);

/** The format a file's first 4 bytes announce, if any. */
export function sniffPacketFormat(head: Buffer): PacketFormat | undefined {
  if (head.length < 4) return undefined;
  const m = head.readUInt32BE(0);
  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return 'pcap';
  if (m === 0x0a0d0d0a) return 'pcapng';
  return undefined;
}

interface Iface {
  linkType: number;
  name: string;
  /** ns per timestamp unit, as a ratio num/den to stay exact. */
  tsNum: bigint;
  tsDen: bigint;
}

/**
 * A streaming reader for classic pcap (µs and ns, either byte order) and pcapng (SHB/IDB/EPB/SPB, several
 * sections, if_tsresol, if_name). Feed chunks with `push`; every length is checked against what is there.
 */
export class PcapReader {
  private buf: Buffer = Buffer.alloc(0);
  private format: PacketFormat | undefined;
  private le = true;
  // pcap
  private nsResolution = false;
  private pcapLinkType = 0;
  // pcapng
  private ifaces: Iface[] = [];
  private sawHeader = false;
  packets = 0;

  push(chunk: Buffer): PcapPacket[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: PcapPacket[] = [];
    for (;;) {
      const p = this.format === 'pcapng' ? this.nextBlock(out) : this.nextPcap(out);
      if (!p) break;
    }
    return out;
  }

  /** Call at the end of the input: leftover bytes mean a truncated file. */
  end(): void {
    if (!this.sawHeader) throw bad('the file ends inside its header');
    if (this.buf.length > 0) throw bad(`the file ends inside a ${this.format === 'pcapng' ? 'block' : 'packet record'} (${this.buf.length} bytes left over)`);
  }

  private take(n: number): Buffer {
    const b = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return b;
  }

  private u32(b: Buffer, off: number): number {
    return this.le ? b.readUInt32LE(off) : b.readUInt32BE(off);
  }

  private nextPcap(out: PcapPacket[]): boolean {
    if (!this.sawHeader) {
      if (this.buf.length < 4) return false;
      const fmt = sniffPacketFormat(this.buf);
      if (fmt === undefined) throw bad('not a pcap or pcapng file');
      this.format = fmt;
      if (fmt === 'pcapng') return true;
      if (this.buf.length < 24) return false;
      const m = this.buf.readUInt32BE(0);
      this.le = m === 0xd4c3b2a1 || m === 0x4d3cb2a1;
      this.nsResolution = m === 0xa1b23c4d || m === 0x4d3cb2a1;
      const h = this.take(24);
      this.pcapLinkType = this.u32(h, 20) & 0x0fffffff;
      this.sawHeader = true;
    }
    if (this.buf.length < 16) return false;
    const caplen = this.u32(this.buf, 8);
    const len = this.u32(this.buf, 12);
    if (caplen > MAX_PACKET) throw bad(`packet ${this.packets + 1} claims ${caplen} captured bytes`);
    if (this.buf.length < 16 + caplen) return false;
    const rec = this.take(16 + caplen);
    const sec = BigInt(this.u32(rec, 0));
    const frac = BigInt(this.u32(rec, 4));
    if (!this.nsResolution && frac >= 1_000_000n) throw bad(`packet ${this.packets + 1} has ${frac} microseconds`);
    const tsNs = Number(sec * 1_000_000_000n + (this.nsResolution ? frac : frac * 1000n));
    this.packets++;
    out.push({ tsNs, ifindex: 0, interfaceName: '', linkType: this.pcapLinkType, len: Math.max(len, caplen), data: Buffer.from(rec.subarray(16)) });
    return true;
  }

  private nextBlock(out: PcapPacket[]): boolean {
    if (this.buf.length < 12) return false;
    const type = this.buf.readUInt32BE(0) === 0x0a0d0d0a ? 0x0a0d0d0a : this.u32(this.buf, 0);
    if (type === 0x0a0d0d0a) {
      const bom = this.buf.readUInt32LE(8);
      if (bom === 0x1a2b3c4d) this.le = true;
      else if (bom === 0x4d3c2b1a) this.le = false;
      else throw bad('section header has an unknown byte-order magic');
    } else if (!this.sawHeader) throw bad('pcapng file does not start with a section header');
    const total = this.u32(this.buf, 4);
    if (total < 12 || total % 4 !== 0 || total > MAX_BLOCK) throw bad(`block of type 0x${type.toString(16)} has an invalid length ${total}`);
    if (this.buf.length < total) return false;
    const block = this.take(total);
    if (this.u32(block, total - 4) !== total) throw bad(`block of type 0x${type.toString(16)} has mismatched lengths`);
    const body = block.subarray(8, total - 4);
    switch (type) {
      case 0x0a0d0d0a:
        this.sawHeader = true;
        this.ifaces = [];
        break;
      case 1:
        this.interfaceBlock(body);
        break;
      case 6:
        this.enhancedPacket(body, out);
        break;
      case 3:
        this.simplePacket(body, out);
        break;
      default:
        break; // name resolution, statistics, custom blocks: not needed
    }
    return true;
  }

  private interfaceBlock(body: Buffer): void {
    if (body.length < 8) throw bad('interface block too short');
    const linkType = this.le ? body.readUInt16LE(0) : body.readUInt16BE(0);
    const iface: Iface = { linkType, name: '', tsNum: 1000n, tsDen: 1n };
    let off = 8;
    while (off + 4 <= body.length) {
      const code = this.le ? body.readUInt16LE(off) : body.readUInt16BE(off);
      const olen = this.le ? body.readUInt16LE(off + 2) : body.readUInt16BE(off + 2);
      if (code === 0) break;
      if (off + 4 + olen > body.length) throw bad('interface option runs past its block');
      const val = body.subarray(off + 4, off + 4 + olen);
      if (code === 2) iface.name = val.toString('utf8');
      if (code === 9 && olen >= 1) {
        const r = val[0] ?? 6;
        const exp = BigInt(r & 0x7f);
        const base = r & 0x80 ? 2n : 10n;
        // unit = base^-exp s → ns per unit = 1e9 / base^exp
        if (exp > 60n) throw bad('interface timestamp resolution out of range');
        iface.tsNum = 1_000_000_000n;
        iface.tsDen = base ** exp;
      }
      off += 4 + olen + ((4 - (olen % 4)) % 4);
    }
    this.ifaces.push(iface);
  }

  private enhancedPacket(body: Buffer, out: PcapPacket[]): void {
    if (body.length < 20) throw bad('enhanced packet block too short');
    const ifindex = this.u32(body, 0);
    const iface = this.ifaces[ifindex];
    if (iface === undefined) throw bad(`packet refers to interface ${ifindex}, which was not described`);
    const ts = (BigInt(this.u32(body, 4)) << 32n) | BigInt(this.u32(body, 8));
    const caplen = this.u32(body, 12);
    const len = this.u32(body, 16);
    if (20 + caplen > body.length) throw bad(`packet ${this.packets + 1} claims ${caplen} bytes but its block holds ${body.length - 20}`);
    this.packets++;
    out.push({
      tsNs: Number((ts * iface.tsNum) / iface.tsDen),
      ifindex,
      interfaceName: iface.name,
      linkType: iface.linkType,
      len: Math.max(len, caplen),
      data: Buffer.from(body.subarray(20, 20 + caplen)),
    });
  }

  private simplePacket(body: Buffer, out: PcapPacket[]): void {
    const iface = this.ifaces[0];
    if (iface === undefined || body.length < 4) throw bad('simple packet block without an interface');
    const len = this.u32(body, 0);
    const caplen = Math.min(len, body.length - 4);
    this.packets++;
    out.push({ tsNs: 0, ifindex: 0, interfaceName: iface.name, linkType: iface.linkType, len, data: Buffer.from(body.subarray(4, 4 + caplen)) });
  }
}
