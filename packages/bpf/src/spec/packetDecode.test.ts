import { describe, expect, it } from 'vitest';
import { decodePacket } from './packetDecode.ts';
import { dnsMessage, ethernet, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, tcp4, udp4 } from './testPackets.ts';

const C = '10.200.0.5';
const S = '10.200.0.2';
const NS = '10.200.0.3';

describe('decodePacket', () => {
  it('a DNS A query: endpoints, id, name, qtype and a tcpdump-like summary', () => {
    const p = decodePacket(udp4(C, 48989, NS, 53, dnsMessage(34962, 'example.com', 1)));
    expect(p).toMatchObject({ src: `${C}:48989`, dst: `${NS}:53`, 'src.addr': C, 'src.port': 48989, 'dst.addr': NS, 'dst.port': 53, proto: 'DNS', 'dns.id': 34962, 'dns.qr': 'Q', 'dns.name': 'example.com', 'dns.qtype': 'A', 'dns.rcode': null, 'dns.answers': null });
    expect(p.summary).toBe(`IP ${C}.48989 > ${NS}.53: 34962+ A? example.com. (29)`);
  });

  it('a DNS response with A and AAAA answers (compressed names) and an NXDOMAIN', () => {
    const a = { type: 1, rdata: [10, 200, 0, 2] };
    const aaaa = { type: 28, rdata: [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2] };
    const p = decodePacket(udp4(NS, 53, C, 48989, dnsMessage(34962, 'example.com', 1, [a, aaaa])));
    expect(p).toMatchObject({ proto: 'DNS', 'dns.qr': 'R', 'dns.rcode': 'NoError', 'dns.answers': '10.200.0.2,fd00::2', 'dns.name': 'example.com' });
    expect(p.summary).toBe(`IP ${NS}.53 > ${C}.48989: 34962* 2/0/0 A 10.200.0.2, AAAA fd00::2 (73)`);
    const nx = decodePacket(udp4(NS, 53, C, 1000, dnsMessage(7, 'nope.example', 1, [], 3)));
    expect(nx).toMatchObject({ 'dns.rcode': 'NXDomain', 'dns.answers': '' });
    expect(nx.summary).toContain('7* NXDomain 0/0/0');
  });

  it('a DNS compression loop ends the parse instead of hanging', () => {
    const msg = dnsMessage(1, 'a.b', 1, [{ type: 5, rdata: [0xc0, 0x30] }]);
    msg[12] = 0xc0;
    msg[13] = 12; // the question name points at itself
    const p = decodePacket(udp4(NS, 53, C, 1000, msg));
    expect(p.proto).toBe('UDP');
  });

  it('TCP handshake, GET, 200 and FIN: flags, seq, ack, length and the HTTP first line', () => {
    const syn = decodePacket(tcp4(C, 50390, S, 80, { flags: TCP_SYN, seq: 3324538669 }));
    expect(syn).toMatchObject({ proto: 'TCP', 'tcp.flags': 'S', 'tcp.seq': 3324538669, 'tcp.ack': null, 'dst.port': 80 });
    expect(syn.summary).toBe(`IP ${C}.50390 > ${S}.80: Flags [S], seq 3324538669, win 64240, length 0`);
    const synack = decodePacket(tcp4(S, 80, C, 50390, { flags: TCP_SYN | TCP_ACK, seq: 1917210305, ack: 3324538670 }));
    expect(synack).toMatchObject({ 'tcp.flags': 'S.', 'tcp.ack': 3324538670 });
    const get = decodePacket(tcp4(C, 50390, S, 80, { flags: TCP_PSH | TCP_ACK, seq: 3324538670, ack: 1917210306, payload: [...Buffer.from('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n')] }));
    expect(get).toMatchObject({ proto: 'HTTP', 'tcp.flags': 'P.', 'http.request': 'GET / HTTP/1.1', 'http.status': null });
    expect(get.summary).toBe(`IP ${C}.50390 > ${S}.80: Flags [P.], seq 3324538670:3324538707, ack 1917210306, win 64240, length 37: HTTP: GET / HTTP/1.1`);
    const ok = decodePacket(tcp4(S, 80, C, 50390, { flags: TCP_PSH | TCP_ACK, seq: 1, ack: 2, payload: [...Buffer.from('HTTP/1.1 200 OK\r\n\r\n')] }));
    expect(ok).toMatchObject({ proto: 'HTTP', 'http.status': 200 });
    expect(ok.summary.endsWith('HTTP: HTTP/1.1 200 OK')).toBe(true);
    const fin = decodePacket(tcp4(C, 50390, S, 80, { flags: TCP_FIN | TCP_ACK, seq: 5, ack: 6 }));
    expect(fin['tcp.flags']).toBe('F.');
  });

  it('truncated frames decode what is there and say where they stop', () => {
    const full = tcp4(C, 50390, S, 80, { flags: TCP_SYN, seq: 1 });
    expect(decodePacket(full.subarray(0, 10)).summary).toBe('[|ether]');
    expect(decodePacket(full.subarray(0, 30), full.length).summary).toBe('[|ip]');
    const cut = decodePacket(full.subarray(0, 40), full.length);
    expect(cut).toMatchObject({ proto: 'TCP', 'src.addr': C, len: full.length });
    expect(cut.summary).toContain('[|tcp]');
  });

  it('ARP and unknown EtherTypes', () => {
    const arp = decodePacket(ethernet(0x0806, [0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 200, 0, 5, 0, 0, 0, 0, 0, 0, 10, 200, 0, 2]));
    expect(arp.summary).toBe('ARP, Request who-has 10.200.0.2 tell 10.200.0.5, length 28');
    expect(decodePacket(ethernet(0x88cc, [1, 2, 3])).proto).toBe('0x88cc');
  });

  it('never throws on random bytes', () => {
    let seed = 42;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const base = udp4(C, 1000, NS, 53, dnsMessage(1, 'example.com', 28, [{ type: 28, rdata: new Array<number>(16).fill(1) }]));
    for (let i = 0; i < 3000; i++) {
      const b = Uint8Array.from(base.subarray(0, Math.floor(rnd() * base.length)));
      for (let k = 0; k < 4; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      expect(() => decodePacket(b)).not.toThrow();
    }
  });
});
