import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readPcapng } from '@podscope/bpf/packets';
import { PcapngSink } from './pcapngSink.ts';

const frame = (n: number): string => Buffer.from(new Uint8Array(60).fill(n)).toString('base64');
const pkt = (tsMs: number, pod: string, n: number): Record<string, string | number> => ({
  timestamp: tsMs * 1e6, data: frame(n), len: 60, ifname: 'eth0', netns_id: pod === 'a' ? 1 : 2, 'k8s.node': 'n1', 'k8s.namespace': 'ns', 'k8s.podName': pod, 'k8s.containerName': 'c', direction: 'OUTGOING',
});

describe('PcapngSink', () => {
  it('merges packets from several pods in time order within the window, one IDB per pod interface', () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    let now = 1000;
    const sink = new PcapngSink(out, 262144, 200, () => now);
    sink.offer([pkt(900, 'a', 1), pkt(950, 'a', 3)]);
    sink.offer([pkt(920, 'b', 2)]);
    now = 1130; // 930 and older may go; 950 waits
    sink.flushOlderThan(now - 200);
    expect(sink.written).toBe(2);
    sink.offer([pkt(940, 'b', 4)]);
    sink.close();
    const f = readPcapng(Buffer.concat(chunks));
    expect(f.packets.map((p) => p.data[0])).toEqual([1, 2, 4, 3]);
    expect(f.interfaces.map((i) => i.description)).toEqual(['node=n1 namespace=ns pod=a container=c netns=1', 'node=n1 namespace=ns pod=b container=c netns=2']);
    expect(f.packets.every((p) => p.direction === 'outbound')).toBe(true);
  });

  it('an empty run is still a readable file', () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    new PcapngSink(out, 96).close();
    expect(readPcapng(Buffer.concat(chunks)).packets).toEqual([]);
  });
});
