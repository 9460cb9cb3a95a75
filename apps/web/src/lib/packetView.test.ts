import { describe, expect, it } from 'vitest';
import { base64Bytes, hexDump, hexDumpText, isPacketRow, packetColumns, packetLayers, withPacketDefaults } from './packetView.ts';

describe('hexDump', () => {
  it('prints 16 bytes a row with offsets, an extra gap after 8, and dots for non-printables', () => {
    const bytes = new Uint8Array([...'GET / HTTP/1.1\r\nHost: x\r\n'].map((c) => c.charCodeAt(0)));
    const rows = hexDump(bytes);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({ offset: '0000', hex: '47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a', ascii: 'GET / HTTP/1.1..' });
    expect(rows[1]).toEqual({ offset: '0010', hex: '48 6f 73 74 3a 20 78 0d  0a', ascii: 'Host: x..' });
  });
  it('handles empty input and bytes at both ends of the range', () => {
    expect(hexDump(new Uint8Array(0))).toEqual([]);
    const [row] = hexDump(new Uint8Array([0x00, 0x1f, 0x20, 0x7e, 0x7f, 0xff]));
    expect(row?.ascii).toBe('.. ~..');
    expect(row?.hex).toBe('00 1f 20 7e 7f ff');
  });
  it('uses wider offsets past 64 KiB and lines up the ASCII column in text form', () => {
    const rows = hexDump(new Uint8Array(0x10010));
    expect(rows.at(-1)?.offset).toBe('10000');
    const text = hexDumpText(new Uint8Array([0x41, 0x42, 0x43])).split('\n');
    expect(text[0]).toBe(`0000  41 42 43${' '.repeat(48 - 8)}  ABC`);
  });
});

describe('base64Bytes', () => {
  it('decodes base64 and gives no bytes for garbage', () => {
    expect([...base64Bytes('RQAA')]).toEqual([0x45, 0, 0]);
    expect(base64Bytes('!!!').length).toBe(0);
  });
});

describe('packetLayers', () => {
  const tcp = {
    ifname: 'eth0', direction: 'OUTGOING', len: 74, src: '10.0.0.2:41000', dst: '10.0.0.3:80', 'src.addr': '10.0.0.2', 'src.port': 41000, 'dst.addr': '10.0.0.3', 'dst.port': 80,
    proto: 'TCP', 'tcp.flags': 'S', 'tcp.seq': 1234, summary: 'IP 10.0.0.2.41000 > 10.0.0.3.80: Flags [S], seq 1234', data: 'RQAA',
  };
  it('builds link, IP and TCP layers for a SYN', () => {
    const layers = packetLayers(tcp);
    expect(layers.map((l) => l.name)).toEqual(['Link', 'IPv4', 'TCP']);
    expect(layers[0]?.text).toBe('eth0 OUTGOING, 74 bytes');
    expect(layers[1]?.text).toBe('10.0.0.2 → 10.0.0.3');
    expect(layers[2]?.text).toBe('41000 → 80, Flags [S], seq 1234');
  });
  it('adds HTTP for a request or a status line', () => {
    expect(packetLayers({ ...tcp, proto: 'HTTP', 'tcp.flags': 'P.', 'tcp.ack': 9, 'http.request': 'GET / HTTP/1.1' }).at(-1)).toMatchObject({ name: 'HTTP', text: 'GET / HTTP/1.1' });
    expect(packetLayers({ ...tcp, proto: 'HTTP', 'http.status': 200 }).at(-1)).toMatchObject({ name: 'HTTP', text: 'HTTP status 200' });
  });
  it('builds UDP and DNS layers for a query and an answer', () => {
    const q = { len: 60, 'src.addr': 'fd00::2', 'src.port': 5353, 'dst.addr': 'fd00::1', 'dst.port': 53, proto: 'DNS', 'dns.id': 7, 'dns.qr': 'Q', 'dns.name': 'web.example', 'dns.qtype': 'A' };
    const ql = packetLayers(q);
    expect(ql.map((l) => l.name)).toEqual(['Link', 'IPv6', 'UDP', 'DNS']);
    expect(ql.at(-1)?.text).toBe('Query 7: A? web.example');
    const r = packetLayers({ ...q, 'dns.qr': 'R', 'dns.rcode': 'NoError', 'dns.answers': '10.0.0.3' });
    expect(r.at(-1)?.text).toBe('Response 7: A? web.example NoError → 10.0.0.3');
  });
  it('shows ARP by its endpoints', () => {
    expect(packetLayers({ proto: 'ARP', src: '10.0.0.2', dst: '10.0.0.3' }).map((l) => l.name)).toEqual(['ARP']);
  });
});

describe('packet rows and columns', () => {
  it('knows a packet row by data and summary', () => {
    expect(isPacketRow({ data: 'AA==', summary: 'x' })).toBe(true);
    expect(isPacketRow({ data: 'AA==' })).toBe(false);
    expect(isPacketRow(undefined)).toBe(false);
  });
  it('keeps only the packet columns the fields know', () => {
    const f = (name: string) => ({ name, type: 'string' as const, description: '', defaultVisible: true });
    expect(packetColumns(['timestamp', 'k8s.podName', 'src', 'dst', 'proto', 'len', 'summary', 'ifname'].map(f))).toEqual(['timestamp', 'k8s.podName', 'src', 'dst', 'proto', 'len', 'summary']);
    expect(packetColumns(['src', 'summary'].map(f))).toEqual(['src', 'summary']);
  });
});

describe('withPacketDefaults', () => {
  it('shows time, pod, src, dst, proto, len and summary by default', () => {
    const f = (name: string, defaultVisible: boolean) => ({ name, type: 'string' as const, description: '', defaultVisible });
    const out = withPacketDefaults([f('timestamp', true), f('k8s.node', true), f('k8s.podName', true), f('ifname', true), f('src', true), f('dst', true), f('proto', true), f('len', true), f('tcp.flags', false), f('summary', true)]);
    expect(out.filter((x) => x.defaultVisible).map((x) => x.name)).toEqual(['timestamp', 'k8s.podName', 'src', 'dst', 'proto', 'len', 'summary']);
  });
});
