/**
 * Decodes one captured frame into flat fields and a tcpdump-like summary line: Ethernet (with VLAN tags) or Linux
 * cooked, ARP, IPv4/IPv6, TCP, UDP, ICMP/ICMPv6, DNS and the first line of HTTP/1.x. Every read is bounds-checked
 * against the captured bytes: a truncated or hostile packet yields fewer fields, never an exception.
 */
import { dnsSummary, parseDns } from './dnsMessage.ts';
import { formatIpv4, formatIpv6, formatMac } from './ipText.ts';

export const LINKTYPE_EN10MB = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;

/** A type, not an interface: it is assignable to EventRecord, so an event is completed in place. */
export type DecodedPacket = {
  src: string | null;
  dst: string | null;
  'src.addr': string | null;
  'src.port': number | null;
  'dst.addr': string | null;
  'dst.port': number | null;
  /** Highest layer understood: ARP, IPv4, IPv6, TCP, UDP, ICMP, ICMPv6, DNS, HTTP, or the EtherType in hex. */
  proto: string;
  /** Length on the wire. */
  len: number;
  'tcp.flags': string | null;
  'tcp.seq': number | null;
  'tcp.ack': number | null;
  'dns.id': number | null;
  'dns.qr': string | null;
  'dns.name': string | null;
  'dns.qtype': string | null;
  'dns.rcode': string | null;
  'dns.answers': string | null;
  'http.request': string | null;
  'http.status': number | null;
  summary: string;
};

export const decodedPacketFieldNames = [
  'src', 'dst', 'src.addr', 'src.port', 'dst.addr', 'dst.port', 'proto', 'len', 'tcp.flags', 'tcp.seq', 'tcp.ack',
  'dns.id', 'dns.qr', 'dns.name', 'dns.qtype', 'dns.rcode', 'dns.answers', 'http.request', 'http.status', 'summary',
] as const satisfies readonly (keyof DecodedPacket)[];

function blank(len: number): DecodedPacket {
  return {
    src: null, dst: null, 'src.addr': null, 'src.port': null, 'dst.addr': null, 'dst.port': null, proto: '', len,
    'tcp.flags': null, 'tcp.seq': null, 'tcp.ack': null,
    'dns.id': null, 'dns.qr': null, 'dns.name': null, 'dns.qtype': null, 'dns.rcode': null, 'dns.answers': null,
    'http.request': null, 'http.status': null, summary: '',
  };
}

const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);

/** Decodes a frame of the given link type; `len` is its length on the wire (≥ data.length when truncated). */
export function decodePacket(data: Uint8Array, len = data.length, linktype = LINKTYPE_EN10MB): DecodedPacket {
  const out = blank(len);
  let o = 0;
  let ethertype: number;
  if (linktype === LINKTYPE_EN10MB) {
    if (data.length < 14) return truncated(out, 'ether');
    ethertype = u16(data, 12);
    o = 14;
    while ((ethertype === 0x8100 || ethertype === 0x88a8) && o + 4 <= data.length) {
      ethertype = u16(data, o + 2);
      o += 4;
    }
  } else if (linktype === LINKTYPE_LINUX_SLL) {
    if (data.length < 16) return truncated(out, 'sll');
    ethertype = u16(data, 14);
    o = 16;
  } else if (linktype === LINKTYPE_RAW) {
    ethertype = data.length > 0 && data[0]! >> 4 === 6 ? 0x86dd : 0x0800;
  } else {
    out.proto = `DLT${linktype}`;
    out.summary = `link type ${linktype}, length ${len}`;
    return out;
  }
  switch (ethertype) {
    case 0x0800:
      ipv4(data, o, out);
      break;
    case 0x86dd:
      ipv6(data, o, out);
      break;
    case 0x0806:
      arp(data, o, out);
      break;
    default:
      out.proto = `0x${ethertype.toString(16).padStart(4, '0')}`;
      out.summary = `ethertype ${out.proto}, length ${len}`;
  }
  return out;
}

function truncated(out: DecodedPacket, what: string): DecodedPacket {
  out.proto ||= 'unknown';
  out.summary = `[|${what}]`;
  return out;
}

function arp(b: Uint8Array, o: number, out: DecodedPacket): void {
  out.proto = 'ARP';
  if (o + 28 > b.length || u16(b, o) !== 1 || u16(b, o + 2) !== 0x0800) {
    out.summary = `ARP, length ${out.len}`;
    return;
  }
  const op = u16(b, o + 6);
  const sender = formatIpv4(b, o + 14);
  const target = formatIpv4(b, o + 24);
  out['src.addr'] = out.src = sender;
  out['dst.addr'] = out.dst = target;
  out.summary = op === 1 ? `ARP, Request who-has ${target} tell ${sender}, length ${out.len - 14}` : op === 2 ? `ARP, Reply ${sender} is-at ${formatMac(b, o + 8)}, length ${out.len - 14}` : `ARP, op ${op}, length ${out.len - 14}`;
}

function ipv4(b: Uint8Array, o: number, out: DecodedPacket): void {
  out.proto = 'IPv4';
  if (o + 20 > b.length) return void truncated(out, 'ip');
  const ihl = (b[o]! & 0xf) * 4;
  const total = u16(b, o + 2);
  const proto = b[o + 9]!;
  const src = formatIpv4(b, o + 12);
  const dst = formatIpv4(b, o + 16);
  out['src.addr'] = out.src = src;
  out['dst.addr'] = out.dst = dst;
  if (ihl < 20 || o + ihl > b.length) return void (out.summary = `IP ${src} > ${dst}: [|ip]`);
  const fragOffset = u16(b, o + 6) & 0x1fff;
  // Only the first fragment carries the transport header.
  const payloadEnd = Math.min(b.length, o + Math.max(total, ihl));
  if (fragOffset !== 0) return void (out.summary = `IP ${src} > ${dst}: ip-proto-${proto} (fragment offset ${fragOffset * 8})`);
  transport('IP', proto, b, o + ihl, payloadEnd, total - ihl, src, dst, out);
}

function ipv6(b: Uint8Array, o: number, out: DecodedPacket): void {
  out.proto = 'IPv6';
  if (o + 40 > b.length) return void truncated(out, 'ip6');
  const src = formatIpv6(b, o + 8);
  const dst = formatIpv6(b, o + 24);
  out['src.addr'] = out.src = src;
  out['dst.addr'] = out.dst = dst;
  let next = b[o + 6]!;
  let p = o + 40;
  let payloadLen = u16(b, o + 4);
  const end = Math.min(b.length, o + 40 + payloadLen);
  // Skip hop-by-hop, routing and destination-options headers (a handful at most).
  for (let i = 0; i < 8 && (next === 0 || next === 43 || next === 60) && p + 8 <= end; i++) {
    const extLen = (b[p + 1]! + 1) * 8;
    next = b[p]!;
    p += extLen;
    payloadLen -= extLen;
  }
  if (next === 44) return void (out.summary = `IP6 ${src} > ${dst}: frag`);
  transport('IP6', next, b, p, end, payloadLen, src, dst, out);
}

function transport(family: 'IP' | 'IP6', proto: number, b: Uint8Array, o: number, end: number, wireLen: number, src: string, dst: string, out: DecodedPacket): void {
  if (proto === 6) {
    out.proto = 'TCP';
    if (o + 20 > end) return void (out.summary = `${family} ${src} > ${dst}: [|tcp]`);
    tcp(b, o, end, wireLen, src, dst, family, out);
  } else if (proto === 17) {
    out.proto = 'UDP';
    if (o + 8 > end) return void (out.summary = `${family} ${src} > ${dst}: [|udp]`);
    udp(b, o, end, src, dst, family, out);
  } else if (proto === 1 || proto === 58) {
    out.proto = proto === 1 ? 'ICMP' : 'ICMPv6';
    out.summary = `${family} ${src} > ${dst}: ${icmp(b, o, end, proto === 58, wireLen)}`;
  } else {
    out.summary = `${family} ${src} > ${dst}: ip-proto-${proto} ${wireLen}`;
  }
}

function endpoints(out: DecodedPacket, src: string, sport: number, dst: string, dport: number, family: string): string {
  out['src.port'] = sport;
  out['dst.port'] = dport;
  // Endpoints read like the rest of podscope (addr:port, [v6]:port); the summary keeps tcpdump's addr.port.
  out.src = family === 'IP6' ? `[${src}]:${sport}` : `${src}:${sport}`;
  out.dst = family === 'IP6' ? `[${dst}]:${dport}` : `${dst}:${dport}`;
  return `${family} ${src}.${sport} > ${dst}.${dport}`;
}

const tcpFlagLetters: [number, string][] = [[0x02, 'S'], [0x01, 'F'], [0x04, 'R'], [0x08, 'P'], [0x20, 'U'], [0x40, 'E'], [0x80, 'W']];

function tcp(b: Uint8Array, o: number, end: number, wireLen: number, src: string, dst: string, family: string, out: DecodedPacket): void {
  const sport = u16(b, o);
  const dport = u16(b, o + 2);
  const head = endpoints(out, src, sport, dst, dport, family);
  const seq = u32(b, o + 4);
  const ack = u32(b, o + 8);
  const off = (b[o + 12]! >> 4) * 4;
  const fl = b[o + 13]!;
  const win = u16(b, o + 14);
  let flags = '';
  for (const [bit, letter] of tcpFlagLetters) if (fl & bit) flags += letter;
  if (fl & 0x10) flags += '.';
  if (flags === '') flags = 'none';
  out['tcp.flags'] = flags;
  out['tcp.seq'] = seq;
  out['tcp.ack'] = fl & 0x10 ? ack : null;
  const payloadLen = Math.max(0, wireLen - off);
  const payloadStart = Math.min(end, o + off);
  const payload = b.subarray(payloadStart, end);
  let text = `${head}: Flags [${flags}]`;
  text += payloadLen > 0 ? `, seq ${seq}:${(seq + payloadLen) % 4294967296}` : fl & 0x03 || !(fl & 0x10) ? `, seq ${seq}` : '';
  if (fl & 0x10) text += `, ack ${ack}`;
  text += `, win ${win}, length ${payloadLen}`;
  const app = appLayer(payload, sport, dport, true, payloadLen, out);
  out.summary = app === null ? text : `${text}: ${app}`;
}

function udp(b: Uint8Array, o: number, end: number, src: string, dst: string, family: string, out: DecodedPacket): void {
  const sport = u16(b, o);
  const dport = u16(b, o + 2);
  const head = endpoints(out, src, sport, dst, dport, family);
  const udpLen = u16(b, o + 4);
  const payloadLen = Math.max(0, udpLen - 8);
  const payload = b.subarray(o + 8, Math.min(end, o + Math.max(8, udpLen)));
  const app = appLayer(payload, sport, dport, false, payloadLen, out);
  out.summary = app === null ? `${head}: UDP, length ${payloadLen}` : `${head}: ${app}`;
}

function icmp(b: Uint8Array, o: number, end: number, v6: boolean, wireLen: number): string {
  if (o + 4 > end) return v6 ? 'ICMP6 [|icmp6]' : 'ICMP [|icmp]';
  const type = b[o]!;
  const echo = v6 ? (type === 128 ? 'request' : type === 129 ? 'reply' : null) : type === 8 ? 'request' : type === 0 ? 'reply' : null;
  if (echo !== null && o + 8 <= end) return `${v6 ? 'ICMP6' : 'ICMP'} echo ${echo}, id ${u16(b, o + 4)}, seq ${u16(b, o + 6)}, length ${wireLen}`;
  if (!v6 && type === 3) return `ICMP unreachable, code ${b[o + 1]}, length ${wireLen}`;
  return `${v6 ? 'ICMP6' : 'ICMP'} type ${type}, code ${b[o + 1]}, length ${wireLen}`;
}

const httpMethods = /^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE) \S+ HTTP\/\d\.\d$/;
const httpStatus = /^HTTP\/\d(?:\.\d)? (\d{3})(?: .*)?$/;

/** DNS on port 53 (TCP payload behind its length prefix) and an HTTP/1.x first line; null when neither. */
function appLayer(payload: Uint8Array, sport: number, dport: number, overTcp: boolean, wireLen: number, out: DecodedPacket): string | null {
  if (payload.length === 0) return null;
  if (sport === 53 || dport === 53 || sport === 5353 || dport === 5353) {
    const body = overTcp ? (payload.length > 2 ? payload.subarray(2) : new Uint8Array(0)) : payload;
    const m = parseDns(body);
    if (m === null) return null;
    out.proto = 'DNS';
    out['dns.id'] = m.id;
    out['dns.qr'] = m.qr;
    out['dns.name'] = m.name;
    out['dns.qtype'] = m.qtype;
    out['dns.rcode'] = m.qr === 'R' ? m.rcode : null;
    out['dns.answers'] = m.qr === 'R' ? m.answers.filter((a) => a.type === 'A' || a.type === 'AAAA').map((a) => a.value).join(',') : null;
    return dnsSummary(m, overTcp ? Math.max(0, wireLen - 2) : wireLen);
  }
  // The first line only: up to CRLF within the first 2 KiB.
  const lim = Math.min(payload.length, 2048);
  let eol = -1;
  for (let i = 0; i + 1 < lim; i++) {
    if (payload[i] === 0x0d && payload[i + 1] === 0x0a) {
      eol = i;
      break;
    }
  }
  if (eol < 10) return null;
  let line = '';
  for (let i = 0; i < eol; i++) {
    const c = payload[i]!;
    if (c < 0x20 || c > 0x7e) return null;
    line += String.fromCharCode(c);
  }
  if (httpMethods.test(line)) {
    out.proto = 'HTTP';
    out['http.request'] = line;
    return `HTTP: ${line}`;
  }
  const st = httpStatus.exec(line);
  if (st) {
    out.proto = 'HTTP';
    out['http.status'] = Number(st[1]);
    return `HTTP: ${line}`;
  }
  return null;
}
