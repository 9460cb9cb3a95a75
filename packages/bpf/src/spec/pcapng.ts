/**
 * pcap-ng (draft-ietf-opsawg-pcapng): a streaming writer (SHB, one IDB per capture interface, EPBs with nanosecond
 * timestamps) and a strict reader that refuses anything malformed instead of guessing. Pure: no I/O.
 */
import { PodscopeError } from '@podscope/protocol';

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const SPB = 0x00000003;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_END = 0;
const OPT_COMMENT = 1;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const EPB_FLAGS = 2;
const SHB_USERAPPL = 4;

export const LINKTYPE_ETHERNET = 1;

export type PacketDirectionFlag = 'inbound' | 'outbound' | 'unknown';

export interface PcapngInterface {
  linktype: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** Timestamp units per second (1e9 for if_tsresol=9, 1e6 when absent). */
  unitsPerSecond?: bigint;
}

export interface PcapngPacket {
  interfaceId: number;
  /** Nanoseconds since the Unix epoch. */
  tsNs: bigint;
  /** Length on the wire; data.length is the captured length. */
  len: number;
  data: Uint8Array;
  direction?: PacketDirectionFlag;
  comment?: string;
}

class BlockBuilder {
  private readonly parts: Buffer[] = [];
  private size = 0;

  raw(b: Buffer): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  u32s(...values: number[]): this {
    const b = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
    return this.raw(b);
  }

  padded(data: Uint8Array): this {
    this.raw(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    const pad = (4 - (data.byteLength % 4)) % 4;
    return pad > 0 ? this.raw(Buffer.alloc(pad)) : this;
  }

  option(code: number, value: Buffer): this {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(code, 0);
    h.writeUInt16LE(value.length, 2);
    return this.raw(h).padded(value);
  }

  /** Frames the body: type, total length, body, total length. */
  block(type: number): Buffer {
    const total = 12 + this.size;
    const head = Buffer.alloc(8);
    head.writeUInt32LE(type, 0);
    head.writeUInt32LE(total, 4);
    const tail = Buffer.alloc(4);
    tail.writeUInt32LE(total, 0);
    return Buffer.concat([head, ...this.parts, tail], total);
  }
}

function textOption(text: string): Buffer {
  const b = Buffer.from(text, 'utf8');
  // Option lengths are 16-bit; cut long text on a byte boundary rather than refuse the packet.
  return b.length > 0xfff0 ? b.subarray(0, 0xfff0) : b;
}

/**
 * Writes one pcap-ng section as a stream of chunks; interfaces are declared on first use. Every interface gets the
 * writer's snaplen and link type: libpcap (tcpdump -r) refuses a file whose interfaces differ in either.
 */
export class PcapngWriter {
  private readonly ids = new Map<string, number>();
  /** Blocks are assembled here and handed to the sink as one chunk per packet, or per batch(). */
  private buf = Buffer.allocUnsafe(64 * 1024);
  private pos = 0;
  private batching = 0;

  constructor(
    private readonly sink: (chunk: Buffer) => void,
    private readonly snaplen = 262144,
    private readonly linktype = LINKTYPE_ETHERNET,
    application = 'podscope',
  ) {
    const b = new BlockBuilder().u32s(BYTE_ORDER_MAGIC);
    const version = Buffer.alloc(12);
    version.writeUInt16LE(1, 0);
    version.writeUInt16LE(0, 2);
    version.writeBigInt64LE(-1n, 4); // section length unknown: we stream
    b.raw(version).option(SHB_USERAPPL, textOption(application)).option(OPT_END, Buffer.alloc(0));
    this.write(b.block(SHB));
  }

  /** The interface id for key, writing its IDB (ns timestamps) the first time. */
  interfaceId(key: string, iface: { name?: string; description?: string }): number {
    let id = this.ids.get(key);
    if (id !== undefined) return id;
    id = this.ids.size;
    this.ids.set(key, id);
    const head = Buffer.alloc(8);
    head.writeUInt16LE(this.linktype, 0);
    head.writeUInt32LE(this.snaplen, 4);
    const b = new BlockBuilder().raw(head);
    if (iface.name !== undefined) b.option(IF_NAME, textOption(iface.name));
    if (iface.description !== undefined) b.option(IF_DESCRIPTION, textOption(iface.description));
    b.option(IF_TSRESOL, Buffer.from([9])).option(OPT_END, Buffer.alloc(0));
    this.write(b.block(IDB));
    return id;
  }

  /**
   * Runs fn with every block it writes coalesced into as few sink chunks as possible (one per 64 KiB):
   * a capture drain writes its packets with one write instead of one per packet.
   */
  batch(fn: () => void): void {
    this.batching++;
    try {
      fn();
    } finally {
      if (--this.batching === 0) this.flush();
    }
  }

  packet(p: PcapngPacket): void {
    const dir = p.direction === 'inbound' ? 1 : p.direction === 'outbound' ? 2 : 0;
    if (p.comment !== undefined) {
      // Rare (imports with comments): the general block builder.
      const head = Buffer.alloc(20);
      this.epbHead(head, 0, p);
      const b = new BlockBuilder().raw(head).padded(p.data);
      if (dir !== 0) b.option(EPB_FLAGS, Buffer.from([dir, 0, 0, 0]));
      b.option(OPT_COMMENT, textOption(p.comment)).option(OPT_END, Buffer.alloc(0));
      this.write(b.block(EPB));
      return;
    }
    // The common case, written in place: header, data, padding, flags option, trailer.
    const caplen = p.data.byteLength;
    const padded = (caplen + 3) & ~3;
    const total = 12 + 20 + padded + (dir !== 0 ? 12 : 0);
    this.reserve(total);
    const b = this.buf;
    let o = this.pos;
    b.writeUInt32LE(EPB, o);
    b.writeUInt32LE(total, o + 4);
    this.epbHead(b, o + 8, p);
    o += 28;
    b.set(p.data, o);
    b.fill(0, o + caplen, o + padded);
    o += padded;
    if (dir !== 0) {
      b.writeUInt16LE(EPB_FLAGS, o);
      b.writeUInt16LE(4, o + 2);
      b.writeUInt32LE(dir, o + 4);
      b.writeUInt32LE(OPT_END, o + 8); // opt_endofopt: code 0, length 0
      o += 12;
    }
    b.writeUInt32LE(total, o);
    this.pos = o + 4;
    if (this.batching === 0) this.flush();
  }

  /** Hands what is buffered to the sink. */
  flush(): void {
    if (this.pos === 0) return;
    const chunk = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    this.sink(chunk);
  }

  private epbHead(b: Buffer, at: number, p: PcapngPacket): void {
    b.writeUInt32LE(p.interfaceId, at);
    b.writeUInt32LE(Number(p.tsNs >> 32n), at + 4);
    b.writeUInt32LE(Number(p.tsNs & 0xffffffffn), at + 8);
    b.writeUInt32LE(p.data.byteLength, at + 12);
    b.writeUInt32LE(p.len, at + 16);
  }

  /** Room for n more bytes: flushes a full buffer, grows for a block larger than it. */
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  private write(block: Buffer): void {
    this.reserve(block.length);
    block.copy(this.buf, this.pos);
    this.pos += block.length;
    if (this.batching === 0) this.flush();
  }
}

export class PcapngFormatError extends PodscopeError {
  constructor(message: string, offset: number) {
    super('bad_request', `pcap-ng: ${message} (at byte ${offset})`, { offset });
    this.name = 'PcapngFormatError';
  }
}

export interface PcapngFile {
  interfaces: PcapngInterface[];
  packets: PcapngPacket[];
}

interface Options {
  values: Map<number, Uint8Array[]>;
}

/** Reads options from [start, end); every length is checked against the block. */
function readOptions(v: DataView, start: number, end: number, le: boolean, blockAt: number): Options {
  const values = new Map<number, Uint8Array[]>();
  let o = start;
  while (o + 4 <= end) {
    const code = v.getUint16(o, le);
    const len = v.getUint16(o + 2, le);
    if (code === OPT_END) break;
    const padded = len + ((4 - (len % 4)) % 4);
    if (o + 4 + padded > end) throw new PcapngFormatError(`option ${code} runs past its block`, blockAt);
    const list = values.get(code) ?? [];
    list.push(new Uint8Array(v.buffer, v.byteOffset + o + 4, len));
    values.set(code, list);
    o += 4 + padded;
  }
  return { values };
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function optionText(opts: Options, code: number): string | undefined {
  const v = opts.values.get(code)?.[0];
  return v === undefined ? undefined : utf8.decode(v);
}

/** Parses a whole pcap-ng file strictly: a length, order or reference that does not add up is an error. */
export function readPcapng(input: Uint8Array): PcapngFile {
  const v = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const interfaces: PcapngInterface[] = [];
  const packets: PcapngPacket[] = [];
  let sectionFirst = 0; // index in interfaces where the current section's ids start
  let le = true;
  let o = 0;
  if (input.byteLength < 28) throw new PcapngFormatError('too short for a section header', 0);
  while (o < input.byteLength) {
    if (o + 12 > input.byteLength) throw new PcapngFormatError('truncated block header', o);
    const type = v.getUint32(o, true);
    if (type === SHB) {
      if (o + 28 > input.byteLength) throw new PcapngFormatError('truncated section header', o);
      const magic = v.getUint32(o + 8, true);
      if (magic === BYTE_ORDER_MAGIC) le = true;
      else if (magic === 0x4d3c2b1a) le = false;
      else throw new PcapngFormatError('bad byte-order magic', o);
      if (v.getUint16(o + 12, le) !== 1) throw new PcapngFormatError(`unsupported major version ${v.getUint16(o + 12, le)}`, o);
      sectionFirst = interfaces.length;
    } else if (o === 0) {
      throw new PcapngFormatError('does not start with a section header block', 0);
    }
    const total = v.getUint32(o + 4, le);
    if (total < 12 || total % 4 !== 0) throw new PcapngFormatError(`bad block length ${total}`, o);
    if (o + total > input.byteLength) throw new PcapngFormatError(`block of ${total} bytes runs past the end`, o);
    if (v.getUint32(o + total - 4, le) !== total) throw new PcapngFormatError('trailing block length does not match', o);
    const bodyEnd = o + total - 4;
    const kind = v.getUint32(o, le);
    if (kind === SHB) {
      if (total < 28) throw new PcapngFormatError('section header too short', o);
    } else if (kind === IDB) {
      if (total < 20) throw new PcapngFormatError('interface description too short', o);
      const opts = readOptions(v, o + 16, bodyEnd, le, o);
      const iface: PcapngInterface = { linktype: v.getUint16(o + 8, le), snaplen: v.getUint32(o + 12, le), unitsPerSecond: tsUnits(opts, o) };
      const name = optionText(opts, IF_NAME);
      const description = optionText(opts, IF_DESCRIPTION);
      if (name !== undefined) iface.name = name;
      if (description !== undefined) iface.description = description;
      interfaces.push(iface);
    } else if (kind === EPB) {
      if (total < 32) throw new PcapngFormatError('enhanced packet block too short', o);
      const local = v.getUint32(o + 8, le);
      const iface = interfaces[sectionFirst + local];
      if (iface === undefined || sectionFirst + local >= interfaces.length) throw new PcapngFormatError(`packet on undeclared interface ${local}`, o);
      const caplen = v.getUint32(o + 20, le);
      const len = v.getUint32(o + 24, le);
      const dataEnd = o + 28 + caplen;
      if (dataEnd > bodyEnd) throw new PcapngFormatError(`captured length ${caplen} exceeds the block`, o);
      const units = (BigInt(v.getUint32(o + 12, le)) << 32n) | BigInt(v.getUint32(o + 16, le));
      const per = iface.unitsPerSecond ?? 1_000_000n;
      const tsNs = per === 1_000_000_000n ? units : (units / per) * 1_000_000_000n + ((units % per) * 1_000_000_000n) / per;
      const opts = readOptions(v, dataEnd + ((4 - (caplen % 4)) % 4), bodyEnd, le, o);
      const p: PcapngPacket = { interfaceId: sectionFirst + local, tsNs, len, data: input.subarray(o + 28, dataEnd) };
      const flags = opts.values.get(EPB_FLAGS)?.[0];
      if (flags !== undefined && flags.length === 4) {
        const d = new DataView(flags.buffer, flags.byteOffset, 4).getUint32(0, le) & 3;
        p.direction = d === 1 ? 'inbound' : d === 2 ? 'outbound' : 'unknown';
      }
      const comment = optionText(opts, OPT_COMMENT);
      if (comment !== undefined) p.comment = comment;
      packets.push(p);
    } else if (kind === SPB) {
      const iface = interfaces[sectionFirst];
      if (iface === undefined) throw new PcapngFormatError('simple packet before any interface', o);
      const len = v.getUint32(o + 8, le);
      const caplen = Math.min(len, iface.snaplen === 0 ? len : iface.snaplen, total - 16);
      packets.push({ interfaceId: sectionFirst, tsNs: 0n, len, data: input.subarray(o + 12, o + 12 + caplen) });
    }
    // Other block types (name resolution, statistics, custom) carry nothing we show: skipped, as the spec allows.
    o += total;
  }
  return { interfaces, packets };
}

function tsUnits(opts: Options, at: number): bigint {
  const r = opts.values.get(IF_TSRESOL)?.[0];
  if (r === undefined) return 1_000_000n;
  if (r.length !== 1) throw new PcapngFormatError('if_tsresol must be one byte', at);
  const b = r[0]!;
  const exp = BigInt(b & 0x7f);
  if ((b & 0x80) === 0 ? exp > 18n : exp > 62n) throw new PcapngFormatError(`if_tsresol ${b} out of range`, at);
  return (b & 0x80) === 0 ? 10n ** exp : 1n << exp;
}
