import { describe, expect, it } from 'vitest';
import { enhancedPacketBlock, interfaceBlock, sectionHeaderBlock } from './packetCapture.ts';
import { PcapReader } from './pcapReader.ts';
import { pcapFile } from './captureTestKit.ts';

const read = (bytes: Buffer, chunk = bytes.length): ReturnType<PcapReader['push']> => {
  const r = new PcapReader();
  const out = [];
  for (let i = 0; i < bytes.length; i += chunk) out.push(...r.push(bytes.subarray(i, i + chunk)));
  r.end();
  return out;
};

/** A big-endian pcapng block, to check the reader follows the section's byte order. */
function beBlock(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  const b = Buffer.alloc(total);
  b.writeUInt32BE(type, 0);
  b.writeUInt32BE(total, 4);
  body.copy(b, 8);
  b.writeUInt32BE(total, total - 4);
  return b;
}

// Nanosecond timestamps beyond 2^53 round to the nearest double on both sides.
const TS_A = Number(1_700_000_000_000_000_128n);

describe('PcapReader', () => {
  it('reads pcapng written by the exporter, in any chunking', () => {
    const file = Buffer.concat([
      sectionHeaderBlock(),
      interfaceBlock(1, 'eth0'),
      enhancedPacketBlock(0, TS_A, 100, Buffer.from('abcdef', 'hex')),
      interfaceBlock(113, ''),
      enhancedPacketBlock(1, TS_A + 1_000, 2, Buffer.from('0102', 'hex')),
    ]);
    for (const chunk of [1, 3, 7, 1000]) {
      const pkts = read(file, chunk);
      expect(pkts.map((p) => [p.ifindex, p.interfaceName, p.linkType, p.len, p.data.toString('hex')])).toEqual([
        [0, 'eth0', 1, 100, 'abcdef'],
        [1, '', 113, 2, '0102'],
      ]);
      expect(pkts[0]?.tsNs).toBe(TS_A);
    }
  });

  it('reads big-endian pcapng with the default microsecond resolution', () => {
    const shb = Buffer.alloc(16);
    shb.writeUInt32BE(0x1a2b3c4d, 0);
    shb.writeUInt16BE(1, 4);
    shb.writeBigInt64BE(-1n, 8);
    const idb = Buffer.alloc(8);
    idb.writeUInt16BE(1, 0);
    const epb = Buffer.alloc(24);
    epb.writeUInt32BE(0, 0);
    const us = 1_700_000_000_000_001n;
    epb.writeUInt32BE(Number(us >> 32n), 4);
    epb.writeUInt32BE(Number(us & 0xffffffffn), 8);
    epb.writeUInt32BE(4, 12);
    epb.writeUInt32BE(4, 16);
    epb.write('beef', 20, 'latin1');
    const pkts = read(Buffer.concat([beBlock(0x0a0d0d0a, shb), beBlock(1, idb), beBlock(6, epb)]));
    expect(pkts).toHaveLength(1);
    expect(pkts[0]?.tsNs).toBe(Number(us * 1000n));
    expect(pkts[0]?.data.toString('latin1')).toBe('beef');
  });

  it('refuses truncated files, lying lengths and packets of undeclared interfaces', () => {
    const good = pcapFile([{ tsNs: 1e18, data: Buffer.alloc(40, 7) }]);
    expect(() => read(good.subarray(0, good.length - 1))).toThrow(/ends inside a packet record/);
    expect(() => read(good.subarray(0, 10))).toThrow(/ends inside its header/);
    const lying = Buffer.from(good);
    lying.writeUInt32LE(0x7fffffff, 24 + 8);
    expect(() => read(lying)).toThrow(/claims/);

    const ng = Buffer.concat([sectionHeaderBlock(), enhancedPacketBlock(0, 1, 1, Buffer.from('00', 'hex'))]);
    expect(() => read(ng)).toThrow(/interface 0, which was not described/);
    const badLen = Buffer.concat([sectionHeaderBlock(), interfaceBlock(1, 'lo')]);
    badLen.writeUInt32LE(13, 28 + 4);
    expect(() => read(badLen)).toThrow(/invalid length/);
    const mismatched = Buffer.concat([sectionHeaderBlock(), interfaceBlock(1, 'lo')]);
    mismatched.writeUInt32LE(999, mismatched.length - 4);
    expect(() => read(mismatched)).toThrow(/mismatched lengths/);
    expect(() => read(Buffer.from('not a capture at all'))).toThrow(/not a pcap or pcapng/);
  });
});
