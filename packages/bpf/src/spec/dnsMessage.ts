/** DNS message parsing (RFC 1035), bounded: compression loops and lengths past the end end the parse, never throw. */
import { formatIpv4, formatIpv6 } from './ipText.ts';

export const dnsTypeNames: Readonly<Record<number, string>> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 41: 'OPT', 64: 'SVCB', 65: 'HTTPS', 255: 'ANY',
};
export const dnsRcodeNames = ['NoError', 'FormErr', 'ServFail', 'NXDomain', 'NotImp', 'Refused', 'YXDomain', 'YXRRSet', 'NXRRSet', 'NotAuth', 'NotZone'] as const;

export interface DnsAnswer {
  type: string;
  /** Address for A/AAAA, target name for CNAME/PTR/NS, else "". */
  value: string;
}

export interface DnsMessage {
  id: number;
  qr: 'Q' | 'R';
  opcode: number;
  aa: boolean;
  rd: boolean;
  rcode: string;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
  /** First question ("" when none). */
  name: string;
  qtype: string;
  answers: DnsAnswer[];
}

const typeName = (t: number): string => dnsTypeNames[t] ?? `TYPE${t}`;

/** Reads a possibly compressed name at o; returns the name and the offset after it in the message (not the jump). */
function readName(b: Uint8Array, start: number): { name: string; next: number } | null {
  const labels: string[] = [];
  let o = start;
  let next = -1;
  for (let jumps = 0; jumps < 64; ) {
    if (o >= b.length) return null;
    const len = b[o]!;
    if (len === 0) {
      if (next < 0) next = o + 1;
      return { name: labels.join('.'), next };
    }
    if ((len & 0xc0) === 0xc0) {
      if (o + 1 >= b.length) return null;
      if (next < 0) next = o + 2;
      o = ((len & 0x3f) << 8) | b[o + 1]!;
      jumps++;
      continue;
    }
    if ((len & 0xc0) !== 0 || o + 1 + len > b.length) return null;
    let label = '';
    for (let i = o + 1; i <= o + len; i++) {
      const c = b[i]!;
      label += c > 0x20 && c < 0x7f && c !== 0x2e ? String.fromCharCode(c) : `\\${c.toString().padStart(3, '0')}`;
    }
    labels.push(label);
    if (labels.length > 127) return null;
    o += 1 + len;
  }
  return null;
}

/** Parses a DNS message (UDP payload, or a TCP one after its 2-byte length); null when it is not one. */
export function parseDns(b: Uint8Array): DnsMessage | null {
  if (b.length < 12) return null;
  const u16 = (o: number): number => (b[o]! << 8) | b[o + 1]!;
  const flags = u16(2);
  const rcode = flags & 0xf;
  const msg: DnsMessage = {
    id: u16(0),
    qr: flags & 0x8000 ? 'R' : 'Q',
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    rd: (flags & 0x0100) !== 0,
    rcode: dnsRcodeNames[rcode] ?? `RCODE${rcode}`,
    qdcount: u16(4),
    ancount: u16(6),
    nscount: u16(8),
    arcount: u16(10),
    name: '',
    qtype: '',
    answers: [],
  };
  let o = 12;
  for (let q = 0; q < msg.qdcount; q++) {
    const n = readName(b, o);
    if (n === null || n.next + 4 > b.length) return q === 0 && msg.qdcount > 0 ? null : msg;
    if (q === 0) {
      msg.name = n.name;
      msg.qtype = typeName(u16(n.next));
    }
    o = n.next + 4;
  }
  for (let a = 0; a < msg.ancount && a < 256; a++) {
    const n = readName(b, o);
    if (n === null || n.next + 10 > b.length) break;
    const type = u16(n.next);
    const rdlen = u16(n.next + 8);
    const rdata = n.next + 10;
    if (rdata + rdlen > b.length) break;
    let value = '';
    if (type === 1 && rdlen === 4) value = formatIpv4(b, rdata);
    else if (type === 28 && rdlen === 16) value = formatIpv6(b, rdata);
    else if (type === 5 || type === 12 || type === 2) value = readName(b, rdata)?.name ?? '';
    msg.answers.push({ type: typeName(type), value });
    o = rdata + rdlen;
  }
  return msg;
}

/** tcpdump's one-line rendering: `34962+ A? example.com. (29)` / `34962* 1/0/0 A 10.200.0.2 (45)`. */
export function dnsSummary(m: DnsMessage, payloadLen: number): string {
  if (m.qr === 'Q') return `${m.id}${m.rd ? '+' : ''} ${m.qtype}? ${m.name}. (${payloadLen})`;
  const rc = m.rcode === 'NoError' ? '' : ` ${m.rcode}`;
  const ans = m.answers.map((a) => `${a.type}${a.value === '' ? '' : ` ${a.value}${a.type === 'CNAME' ? '.' : ''}`}`).join(', ');
  return `${m.id}${m.aa ? '*' : ''}${rc} ${m.ancount}/${m.nscount}/${m.arcount}${ans === '' ? '' : ` ${ans}`} (${payloadLen})`;
}
