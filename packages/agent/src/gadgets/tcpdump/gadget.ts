import type { EventRecord, FieldMeta, GadgetMeta } from '@podscope/protocol';
import { commonFields } from '@podscope/protocol';
import type { CapturedPacket, PacketSocket } from '@podscope/bpf/packets';
import { compilePacketFilter, decodePacket, DEFAULT_SNAPLEN } from '@podscope/bpf/packets';
import type { GadgetStartOptions } from '../../pipeline/gadgetHost.ts';
import type { AgentGadget, AgentGadgetEnv } from '../agentGadget.ts';
import type { CaptureTarget } from '../packetCapture.ts';
import { packetTimestamp, PacketRunningGadget, pktTypeName } from '../packetGadget.ts';

export const MIN_SNAPLEN = 64;

/** Fields of one decoded packet (shared with the web packet view and captures). */
export const packetFields: FieldMeta[] = [
  { name: 'ifname', type: 'string', description: 'Interface inside the pod network namespace', defaultVisible: true },
  { name: 'ifindex', type: 'integer', description: 'Interface index inside the pod network namespace', defaultVisible: false },
  { name: 'direction', type: 'enum', enumValues: ['HOST', 'BROADCAST', 'MULTICAST', 'OTHERHOST', 'OUTGOING', 'UNKNOWN'], description: 'Packet type (sll_pkttype): OUTGOING = sent by the pod', defaultVisible: true },
  { name: 'netns_id', type: 'integer', description: 'Network namespace inode', defaultVisible: false },
  { name: 'src', type: 'endpoint', description: 'Source addr:port (or address)', defaultVisible: true },
  { name: 'dst', type: 'endpoint', description: 'Destination addr:port (or address)', defaultVisible: true },
  { name: 'src.addr', type: 'ip', description: 'Source address', defaultVisible: false },
  { name: 'src.port', type: 'integer', description: 'Source port', defaultVisible: false },
  { name: 'dst.addr', type: 'ip', description: 'Destination address', defaultVisible: false },
  { name: 'dst.port', type: 'integer', description: 'Destination port', defaultVisible: false },
  { name: 'proto', type: 'string', description: 'Highest protocol decoded: ARP, IPv4, IPv6, TCP, UDP, ICMP, ICMPv6, DNS, HTTP', defaultVisible: true },
  { name: 'len', type: 'bytes', unit: 'B', description: 'Packet length on the wire', defaultVisible: true },
  { name: 'caplen', type: 'bytes', unit: 'B', description: 'Bytes captured (≤ snaplen)', defaultVisible: false },
  { name: 'tcp.flags', type: 'string', description: 'TCP flags as tcpdump prints them (S, S., P., F., R)', defaultVisible: false },
  { name: 'tcp.seq', type: 'integer', description: 'TCP sequence number', defaultVisible: false },
  { name: 'tcp.ack', type: 'integer', description: 'TCP acknowledgment number (when ACK is set)', defaultVisible: false },
  { name: 'dns.id', type: 'integer', description: 'DNS message id', defaultVisible: false },
  { name: 'dns.qr', type: 'enum', enumValues: ['Q', 'R'], description: 'DNS query or response', defaultVisible: false },
  { name: 'dns.name', type: 'string', description: 'DNS question name', defaultVisible: false },
  { name: 'dns.qtype', type: 'string', description: 'DNS question type (A, AAAA, …)', defaultVisible: false },
  { name: 'dns.rcode', type: 'string', description: 'DNS response code (NoError, NXDomain, …)', defaultVisible: false },
  { name: 'dns.answers', type: 'string', description: 'DNS answer addresses, comma-separated', defaultVisible: false },
  { name: 'http.request', type: 'string', description: 'HTTP request line', defaultVisible: false },
  { name: 'http.status', type: 'integer', description: 'HTTP response status', defaultVisible: false },
  { name: 'summary', type: 'string', description: 'One line like tcpdump prints', defaultVisible: true },
  { name: 'data', type: 'string', description: 'Captured bytes (up to snaplen), base64', defaultVisible: false },
];

export const tcpdumpMeta: GadgetMeta = {
  name: 'tcpdump',
  category: 'trace',
  payload: true,
  description: "Packets of each selected pod's network namespace (AF_PACKET, kernel timestamps), filtered in the kernel with a tcpdump expression; -o pcap-ng for tcpdump/Wireshark",
  params: [
    { name: 'pf', type: 'string', description: 'tcpdump filter expression, compiled with libpcap and applied in the kernel (e.g. "port 80")', default: '' },
    { name: 'snaplen', type: 'integer', description: 'Bytes kept of each packet', default: DEFAULT_SNAPLEN, min: MIN_SNAPLEN, max: DEFAULT_SNAPLEN },
    { name: 'interfaces', type: 'string', description: 'Comma-separated interfaces inside the pod (default: all)', default: '' },
  ],
  fields: [...commonFields, ...packetFields],
};

export function interfacesParam(raw: unknown): string[] {
  return typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
}

/** Event fields of one captured packet; `data` is copied out (base64) because the ring block is handed back. */
export function packetEvent(t: CaptureTarget, s: PacketSocket, p: CapturedPacket): EventRecord {
  // Completed in place: the decoder's record is fresh per packet, and a spread copy cost more than the decode.
  const e: EventRecord = decodePacket(p.data, p.len);
  e['timestamp'] = packetTimestamp(p);
  e['mntns_id'] = t.container.mntns;
  e['netns_id'] = t.netns;
  e['ifindex'] = p.ifindex;
  e['ifname'] = s.ifname(p.ifindex);
  e['direction'] = pktTypeName(p);
  e['caplen'] = p.caplen;
  e['data'] = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength).toString('base64');
  return e;
}

class TcpdumpRun extends PacketRunningGadget {
  protected toEvent(t: CaptureTarget, s: PacketSocket, p: CapturedPacket): EventRecord {
    return packetEvent(t, s, p);
  }
}

export const tcpdump: AgentGadget = {
  meta: tcpdumpMeta,
  start: (opts: GadgetStartOptions, env: AgentGadgetEnv) => {
    const snaplen = typeof opts.params['snaplen'] === 'number' ? opts.params['snaplen'] : DEFAULT_SNAPLEN;
    // Compiled before any socket exists: a bad expression is refused with libpcap's message and nothing starts.
    const filter = compilePacketFilter(typeof opts.params['pf'] === 'string' ? opts.params['pf'] : '', snaplen);
    return new TcpdumpRun(opts, env, filter, interfacesParam(opts.params['interfaces']));
  },
};
