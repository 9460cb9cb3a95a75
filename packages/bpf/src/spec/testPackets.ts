/** Hand-made frames for decoder and pcap-ng tests: Ethernet + IPv4/IPv6 + TCP/UDP with correct lengths. */

const mac = (last: number): number[] => [0x02, 0, 0, 0, 0, last];
const ip4 = (s: string): number[] => s.split('.').map(Number);

function ipv4Header(src: string, dst: string, proto: number, payloadLen: number): number[] {
  const total = 20 + payloadLen;
  return [0x45, 0, total >> 8, total & 0xff, 0, 1, 0x40, 0, 64, proto, 0, 0, ...ip4(src), ...ip4(dst)];
}

export function ethernet(ethertype: number, payload: number[]): Uint8Array {
  return Uint8Array.from([...mac(2), ...mac(1), ethertype >> 8, ethertype & 0xff, ...payload]);
}

export function udp4(src: string, sport: number, dst: string, dport: number, payload: number[]): Uint8Array {
  const len = 8 + payload.length;
  return ethernet(0x0800, [...ipv4Header(src, dst, 17, len), sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, len >> 8, len & 0xff, 0, 0, ...payload]);
}

export interface TcpSpec {
  flags: number;
  seq: number;
  ack?: number;
  payload?: number[];
}

export function tcp4(src: string, sport: number, dst: string, dport: number, t: TcpSpec): Uint8Array {
  const payload = t.payload ?? [];
  const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const tcpHeader = [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, ...u32(t.seq), ...u32(t.ack ?? 0), 0x50, t.flags, 0xfa, 0xf0, 0, 0, 0, 0];
  return ethernet(0x0800, [...ipv4Header(src, dst, 6, 20 + payload.length), ...tcpHeader, ...payload]);
}

export function dnsName(name: string): number[] {
  return [...name.split('.').flatMap((l) => [l.length, ...Buffer.from(l)]), 0];
}

/** A query (rd) or, with answers, an authoritative response that repeats the question and points back to it. */
export function dnsMessage(id: number, name: string, qtype: number, answers?: { type: number; rdata: number[] }[], rcode = 0): number[] {
  const response = answers !== undefined;
  const flags = response ? 0x8500 | rcode : 0x0100;
  const head = [id >> 8, id & 0xff, flags >> 8, flags & 0xff, 0, 1, 0, answers?.length ?? 0, 0, 0, 0, 0];
  const question = [...dnsName(name), 0, qtype, 0, 1];
  const rrs = (answers ?? []).flatMap((a) => [0xc0, 12, a.type >> 8, a.type & 0xff, 0, 1, 0, 0, 0, 60, a.rdata.length >> 8, a.rdata.length & 0xff, ...a.rdata]);
  return [...head, ...question, ...rrs];
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
