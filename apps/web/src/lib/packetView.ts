import type { EventRecord, FieldMeta } from '@podscope/protocol';

/** A packet event: what the `tcpdump` gadget emits (the captured bytes and tcpdump's one-line summary). */
export function isPacketRow(row: EventRecord | undefined): row is EventRecord {
  return row !== undefined && typeof row['data'] === 'string' && typeof row['summary'] === 'string';
}

/** Gadgets whose events are packets. */
export const PACKET_GADGETS: ReadonlySet<string> = new Set(['tcpdump']);

export function isPacketGadget(name: string | undefined): boolean {
  return name !== undefined && PACKET_GADGETS.has(name);
}

/** Columns of a packet table, so it reads like tcpdump: time, pod, src → dst, proto, len, summary. */
export const PACKET_COLUMNS: readonly string[] = ['timestamp', 'k8s.podName', 'src', 'dst', 'proto', 'len', 'summary'];

/** The packet columns the fields know about (a capture without pod fields still gets the rest). */
export function packetColumns(fields: readonly FieldMeta[]): string[] {
  const known = new Set(fields.map((f) => f.name));
  return PACKET_COLUMNS.filter((c) => known.has(c));
}

/** Base64 → bytes, without Buffer (runs in the browser); invalid input gives no bytes. */
export function base64Bytes(b64: string): Uint8Array {
  try {
    const bin = atob(b64.replace(/\s+/g, ''));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return new Uint8Array(0);
  }
}

export interface HexRow {
  /** `0000`, `0010`, … (at least 4 hex digits). */
  offset: string;
  /** Up to 16 two-digit bytes, an extra space after the 8th. */
  hex: string;
  /** Printable ASCII (0x20–0x7e) as is, anything else as `.`. */
  ascii: string;
}

const BYTES_PER_ROW = 16;

/** A classic hex + ASCII dump (like `xxd`/`hexdump -C`): 16 bytes a row, offsets, non-printables as `.`. */
export function hexDump(bytes: Uint8Array): HexRow[] {
  const rows: HexRow[] = [];
  for (let off = 0; off < bytes.length; off += BYTES_PER_ROW) {
    const chunk = bytes.subarray(off, off + BYTES_PER_ROW);
    const hexParts: string[] = [];
    let ascii = '';
    chunk.forEach((b, i) => {
      hexParts.push((i === 8 ? ' ' : '') + b.toString(16).padStart(2, '0'));
      ascii += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.';
    });
    rows.push({ offset: off.toString(16).padStart(4, '0'), hex: hexParts.join(' '), ascii });
  }
  return rows;
}

/** A hex dump as text, one line per row (`0000  45 00 …  E.…`), with the hex column padded to line up. */
export function hexDumpText(bytes: Uint8Array): string {
  return hexDump(bytes)
    .map((r) => `${r.offset}  ${r.hex.padEnd(BYTES_PER_ROW * 3, ' ')}  ${r.ascii}`)
    .join('\n');
}

export interface PacketLayer {
  /** `Link`, `IP`, `TCP`, `UDP`, `DNS`, `HTTP`. */
  name: string;
  /** One line like tcpdump would print for this layer. */
  text: string;
  /** The fields it was built from (name → shown value). */
  fields: [string, string][];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? (v === '' ? undefined : v) : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : undefined);

function present(row: EventRecord, names: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const n of names) {
    const v = str(row[n]);
    if (v !== undefined) out.push([n, v]);
  }
  return out;
}

/** The decoded layers of a packet event, outermost first; layers with nothing decoded are left out. */
export function packetLayers(row: EventRecord): PacketLayer[] {
  const layers: PacketLayer[] = [];
  const proto = str(row['proto']) ?? '';

  const link = present(row, ['ifname', 'ifindex', 'direction', 'len', 'caplen']);
  if (link.length > 0) {
    const ifname = str(row['ifname']) ?? (str(row['ifindex']) !== undefined ? `if${str(row['ifindex'])}` : '?');
    const dir = str(row['direction']);
    const len = str(row['len']);
    const caplen = str(row['caplen']);
    const sizes = len === undefined ? '' : `, ${len} bytes${caplen !== undefined && caplen !== len ? ` (${caplen} captured)` : ''}`;
    layers.push({ name: 'Link', text: `${ifname}${dir !== undefined ? ` ${dir}` : ''}${sizes}`, fields: link });
  }

  const srcAddr = str(row['src.addr']);
  const dstAddr = str(row['dst.addr']);
  if (srcAddr !== undefined || dstAddr !== undefined) {
    const v6 = (srcAddr ?? dstAddr ?? '').includes(':');
    layers.push({ name: v6 ? 'IPv6' : 'IPv4', text: `${srcAddr ?? '?'} → ${dstAddr ?? '?'}`, fields: present(row, ['src.addr', 'dst.addr']) });
  } else if (proto === 'ARP' || (str(row['src']) !== undefined && str(row['src.port']) === undefined)) {
    const src = str(row['src']);
    const dst = str(row['dst']);
    if (src !== undefined || dst !== undefined) layers.push({ name: proto === 'ARP' ? 'ARP' : 'Network', text: `${src ?? '?'} → ${dst ?? '?'}`, fields: present(row, ['src', 'dst']) });
  }

  const srcPort = str(row['src.port']);
  const dstPort = str(row['dst.port']);
  const flags = str(row['tcp.flags']);
  const isTcp = flags !== undefined || str(row['tcp.seq']) !== undefined || proto === 'TCP' || proto === 'HTTP';
  if (isTcp) {
    const seq = str(row['tcp.seq']);
    const ack = str(row['tcp.ack']);
    const parts = [`${srcPort ?? '?'} → ${dstPort ?? '?'}`];
    if (flags !== undefined) parts.push(`Flags [${flags}]`);
    if (seq !== undefined) parts.push(`seq ${seq}`);
    if (ack !== undefined) parts.push(`ack ${ack}`);
    layers.push({ name: 'TCP', text: parts.join(', '), fields: present(row, ['src.port', 'dst.port', 'tcp.flags', 'tcp.seq', 'tcp.ack']) });
  } else if (srcPort !== undefined || dstPort !== undefined) {
    layers.push({ name: 'UDP', text: `${srcPort ?? '?'} → ${dstPort ?? '?'}`, fields: present(row, ['src.port', 'dst.port']) });
  }

  const dnsFields = present(row, ['dns.id', 'dns.qr', 'dns.name', 'dns.qtype', 'dns.rcode', 'dns.answers']);
  if (dnsFields.length > 0) {
    const qr = str(row['dns.qr']);
    const id = str(row['dns.id']);
    const question = `${str(row['dns.qtype']) ?? '?'}? ${str(row['dns.name']) ?? '?'}`;
    const head = `${qr === 'R' ? 'Response' : 'Query'}${id !== undefined ? ` ${id}` : ''}: ${question}`;
    const rcode = str(row['dns.rcode']);
    const answers = str(row['dns.answers']);
    const tail = qr === 'R' ? `${rcode !== undefined ? ` ${rcode}` : ''}${answers !== undefined ? ` → ${answers}` : ''}` : '';
    layers.push({ name: 'DNS', text: head + tail, fields: dnsFields });
  }

  const request = str(row['http.request']);
  const status = str(row['http.status']);
  if (request !== undefined || status !== undefined) {
    layers.push({ name: 'HTTP', text: request ?? `HTTP status ${status ?? '?'}`, fields: present(row, ['http.request', 'http.status']) });
  }
  return layers;
}

/** Packet gadgets' fields with the table defaults set to the packet columns (reset in the column chooser gives them too). */
export function withPacketDefaults(fields: readonly FieldMeta[]): FieldMeta[] {
  const wanted = new Set(PACKET_COLUMNS);
  return fields.map((f) => (wanted.has(f.name) === f.defaultVisible ? f : { ...f, defaultVisible: wanted.has(f.name) }));
}
