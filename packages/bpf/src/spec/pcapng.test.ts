import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PcapngFormatError, PcapngWriter, readPcapng } from './pcapng.ts';
import { dnsMessage, TCP_SYN, tcp4, udp4 } from './testPackets.ts';

const T0 = 1_795_330_358_508_850_695n;

function sample(): Buffer {
  const chunks: Buffer[] = [];
  const w = new PcapngWriter((c) => chunks.push(c), 262144);
  const a = w.interfaceId('node1/ns/pod-a/eth0', { name: 'eth0', description: 'node=node1 namespace=network-debug pod=mypod container=main' });
  const b = w.interfaceId('node1/ns/pod-b/eth0', { name: 'eth0', description: 'pod=other' });
  expect(w.interfaceId('node1/ns/pod-a/eth0', { name: 'other' })).toBe(a);
  w.packet({ interfaceId: a, tsNs: T0, len: 71, data: udp4('10.200.0.5', 48989, '10.200.0.3', 53, dnsMessage(34962, 'example.com', 1)), direction: 'outbound' });
  const syn = tcp4('10.200.0.5', 50390, '10.200.0.2', 80, { flags: TCP_SYN, seq: 3324538669 });
  w.packet({ interfaceId: b, tsNs: T0 + 1234n, len: syn.length + 10, data: syn.subarray(0, 51), direction: 'inbound', comment: 'pod-b' });
  return Buffer.concat(chunks);
}

describe('pcap-ng writer and reader', () => {
  it('round-trips interfaces, ns timestamps, lengths, direction and comments', () => {
    const f = readPcapng(sample());
    expect(f.interfaces).toEqual([
      { linktype: 1, snaplen: 262144, name: 'eth0', description: 'node=node1 namespace=network-debug pod=mypod container=main', unitsPerSecond: 1_000_000_000n },
      { linktype: 1, snaplen: 262144, name: 'eth0', description: 'pod=other', unitsPerSecond: 1_000_000_000n },
    ]);
    expect(f.packets.map((p) => [p.interfaceId, p.tsNs, p.len, p.data.length, p.direction, p.comment])).toEqual([
      [0, T0, 71, 71, 'outbound', undefined],
      [1, T0 + 1234n, 64, 51, 'inbound', 'pod-b'],
    ]);
  });

  it('coalesces a batch of packets into one chunk with the same bytes as writing them one by one', () => {
    const write = (batched: boolean): Buffer[] => {
      const chunks: Buffer[] = [];
      const w = new PcapngWriter((c) => chunks.push(c), 262144);
      const id = w.interfaceId('i', { name: 'eth0' });
      const all = (): void => {
        for (let i = 0; i < 300; i++) {
          const data = udp4('10.200.0.5', 40000 + i, '10.200.0.3', 53, dnsMessage(i, `host-${i}.example`, 1));
          w.packet({ interfaceId: id, tsNs: T0 + BigInt(i), len: data.length, data: data.subarray(0, data.length - (i % 4)), ...(i % 3 === 0 ? {} : { direction: i % 3 === 1 ? 'inbound' : 'outbound' }) });
        }
      };
      if (batched) w.batch(all);
      else all();
      return chunks;
    };
    const one = write(false);
    const batched = write(true);
    expect(one.length).toBe(302); // SHB, IDB, one chunk per packet
    expect(batched.length).toBeLessThan(5); // SHB + IDB, then the batch in 64 KiB chunks
    expect(Buffer.concat(batched)).toEqual(Buffer.concat(one));
    const f = readPcapng(Buffer.concat(batched));
    expect(f.packets).toHaveLength(300);
    expect(f.packets[4]).toMatchObject({ tsNs: T0 + 4n, direction: 'inbound' });
  });

  it('is read by the real tcpdump with nanosecond timestamps', () => {
    const out = execFileSync('tcpdump', ['-nr', '-', '--nano', '-tt'], { input: sample(), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('1795330358.508850695 IP 10.200.0.5.48989 > 10.200.0.3.53: 34962+ A? example.com. (29)');
    // Captured 51 of 64 bytes: tcpdump sees the truncation too.
    expect(lines[1]).toBe('1795330358.508851929 IP 10.200.0.5.50390 > 10.200.0.2.80:  [|tcp]');
  });

  it('refuses files that are not pcap-ng or do not add up', () => {
    const good = sample();
    const bad = (b: Buffer, msg: RegExp): void => void expect(() => readPcapng(b)).toThrow(msg);
    bad(Buffer.from('not a capture at all, definitely not'), /section header/);
    bad(good.subarray(0, good.length - 3), /runs past the end|truncated/);
    const wrongTail = Buffer.from(good);
    wrongTail.writeUInt32LE(999, wrongTail.length - 4);
    bad(wrongTail, /trailing block length/);
    // The first EPB names interface 7, never declared.
    const shbLen = good.readUInt32LE(4);
    let o = shbLen;
    o += good.readUInt32LE(o + 4);
    o += good.readUInt32LE(o + 4);
    const undeclared = Buffer.from(good);
    undeclared.writeUInt32LE(7, o + 8);
    bad(undeclared, /undeclared interface 7/);
    const hugeCaplen = Buffer.from(good);
    hugeCaplen.writeUInt32LE(100000, o + 20);
    bad(hugeCaplen, /exceeds the block/);
  });

  it('fuzz: every mutation either parses within bounds or raises PcapngFormatError', () => {
    const good = sample();
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    let rejected = 0;
    for (let i = 0; i < 5000; i++) {
      const b = Buffer.from(good.subarray(0, i % 3 === 0 ? rnd(good.length + 1) : good.length));
      for (let k = 0; k < 1 + rnd(4); k++) if (b.length > 0) b[rnd(b.length)] = rnd(256);
      try {
        const f = readPcapng(b);
        for (const p of f.packets) {
          expect(p.data.byteOffset + p.data.length).toBeLessThanOrEqual(b.byteOffset + b.length);
          expect(f.interfaces[p.interfaceId]).toBeDefined();
        }
      } catch (err) {
        expect(err).toBeInstanceOf(PcapngFormatError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(100);
  });
});
