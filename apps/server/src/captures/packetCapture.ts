import { commonFields, type CaptureGadget, type EventRecord } from '@podscope/protocol';
import type { PcapPacket } from './pcapReader.ts';

/** The packet gadget's fields as captures store them (IG's tcpdump: packet size, payload, ifindex, timestamp). */
export const tcpdumpGadget: CaptureGadget = {
  name: 'tcpdump',
  category: 'trace',
  description: 'Packets (imported from pcap/pcapng, or captured by the packet gadget)',
  params: [],
  fields: [
    ...commonFields,
    { name: 'ifindex', type: 'integer', description: 'Interface index (pcapng interface id for imports)', defaultVisible: true },
    { name: 'ifname', type: 'string', description: 'Interface name, when known', defaultVisible: true },
    { name: 'linktype', type: 'integer', description: 'Link-layer header type (LINKTYPE_*)', defaultVisible: false },
    { name: 'len', type: 'bytes', unit: 'B', description: 'Packet length on the wire', defaultVisible: true },
    { name: 'caplen', type: 'bytes', unit: 'B', description: 'Captured bytes', defaultVisible: true },
    { name: 'data', type: 'bytes', description: 'Captured bytes, base64 (as the tcpdump gadget sends them)', defaultVisible: false },
  ],
};

export function packetEvent(p: PcapPacket): EventRecord {
  return { timestamp: p.tsNs, ifindex: p.ifindex, ifname: p.interfaceName, linktype: p.linkType, len: p.len, caplen: p.data.length, data: p.data.toString('base64') };
}

const pad4 = (n: number): number => (4 - (n % 4)) % 4;

function block(type: number, body: Buffer): Buffer {
  const total = 12 + body.length + pad4(body.length);
  const b = Buffer.alloc(total);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(total, 4);
  body.copy(b, 8);
  b.writeUInt32LE(total, total - 4);
  return b;
}

/** pcapng section header (little-endian, unknown section length). */
export function sectionHeaderBlock(): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(1, 4);
  body.writeUInt16LE(0, 6);
  body.writeBigInt64LE(-1n, 8);
  return block(0x0a0d0d0a, body);
}

/** Interface description with nanosecond timestamps (if_tsresol = 9) and, when known, its name. */
export function interfaceBlock(linkType: number, name: string): Buffer {
  const opts: Buffer[] = [];
  const opt = (code: number, val: Buffer): void => {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(code, 0);
    h.writeUInt16LE(val.length, 2);
    opts.push(h, val, Buffer.alloc(pad4(val.length)));
  };
  if (name !== '') opt(2, Buffer.from(name, 'utf8'));
  opt(9, Buffer.from([9]));
  opts.push(Buffer.alloc(4)); // opt_endofopt
  const head = Buffer.alloc(8);
  head.writeUInt16LE(linkType, 0);
  head.writeUInt32LE(0, 4); // snaplen: unlimited
  return block(1, Buffer.concat([head, ...opts]));
}

export function enhancedPacketBlock(ifaceId: number, tsNs: number, len: number, data: Buffer): Buffer {
  const head = Buffer.alloc(20);
  const ts = BigInt(Math.max(0, Math.round(tsNs)));
  head.writeUInt32LE(ifaceId, 0);
  head.writeUInt32LE(Number(ts >> 32n), 4);
  head.writeUInt32LE(Number(ts & 0xffffffffn), 8);
  head.writeUInt32LE(data.length, 12);
  head.writeUInt32LE(Math.max(len, data.length), 16);
  return block(6, Buffer.concat([head, data]));
}
