import type { EventRecord, FieldMeta, GadgetMeta } from '@podscope/protocol';
import { commonFields, PodscopeError } from '@podscope/protocol';
import type { CapturedPacket, PacketSocket } from '@podscope/bpf/packets';
import { compilePacketFilter, decodePacket } from '@podscope/bpf/packets';
import type { GadgetStartOptions } from '../../pipeline/gadgetHost.ts';
import type { AgentGadget, AgentGadgetEnv } from '../agentGadget.ts';
import type { CaptureTarget } from '../packetCapture.ts';
import { packetTimestamp, PacketRunningGadget, pktTypeName } from '../packetGadget.ts';
import { DnsPairing } from './dnsPairing.ts';

const own: FieldMeta[] = [
  { name: 'src', type: 'endpoint', description: 'Source addr:port', defaultVisible: true },
  { name: 'dst', type: 'endpoint', description: 'Destination addr:port', defaultVisible: true },
  { name: 'nameserver', type: 'endpoint', description: 'The DNS server side of the exchange', defaultVisible: false },
  { name: 'id', type: 'integer', description: 'DNS message id', defaultVisible: true },
  { name: 'qr', type: 'enum', enumValues: ['Q', 'R'], description: 'Query or response', defaultVisible: true },
  { name: 'qtype', type: 'string', description: 'Question type (A, AAAA, …)', defaultVisible: true },
  { name: 'name', type: 'string', description: 'Question name', defaultVisible: true },
  { name: 'rcode', type: 'string', description: 'Response code (NoError, NXDomain, …); empty on queries', defaultVisible: true },
  { name: 'addresses', type: 'string', description: 'Answer addresses (A/AAAA), comma-separated', defaultVisible: true },
  { name: 'num_answers', type: 'integer', description: 'Answer records in the response', defaultVisible: false },
  { name: 'latency_ns', type: 'duration', unit: 'ns', description: 'Response time after the matching query (same netns, id and client endpoint)', defaultVisible: true },
  { name: 'pkt_type', type: 'enum', enumValues: ['HOST', 'BROADCAST', 'MULTICAST', 'OTHERHOST', 'OUTGOING', 'UNKNOWN'], description: 'OUTGOING = sent by the pod, HOST = received', defaultVisible: false },
  { name: 'proto', type: 'enum', enumValues: ['UDP', 'TCP'], description: 'Transport', defaultVisible: false },
  { name: 'ifname', type: 'string', description: 'Interface inside the pod network namespace', defaultVisible: false },
  { name: 'netns_id', type: 'integer', description: 'Network namespace inode', defaultVisible: false },
];

export const traceDnsMeta: GadgetMeta = {
  name: 'trace_dns',
  category: 'trace',
  description: "DNS queries and responses in each selected pod's network namespace (socket filter), paired for latency",
  params: [{ name: 'ports', type: 'string', description: 'Comma-separated DNS server ports', default: '53' }],
  fields: [...commonFields, ...own],
};

/** `udp port 53 or tcp port 53` for the given ports (validated: numbers only, so nothing else reaches libpcap). */
export function dnsFilterExpression(ports: string): string {
  const list = ports.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (list.length === 0 || list.some((p) => !/^\d{1,5}$/.test(p) || Number(p) > 65535)) {
    throw new PodscopeError('bad_param', `parameter --ports: expected comma-separated port numbers, got "${ports}"`, { param: 'ports', value: ports });
  }
  return list.map((p) => `udp port ${p} or tcp port ${p}`).join(' or ');
}

class TraceDnsRun extends PacketRunningGadget {
  private readonly pairing = new DnsPairing();

  protected toEvent(t: CaptureTarget, s: PacketSocket, p: CapturedPacket): EventRecord | null {
    const d = decodePacket(p.data, p.len);
    if (d.proto !== 'DNS' || d['dns.id'] === null || d.src === null || d.dst === null) return null;
    const ts = packetTimestamp(p);
    const query = d['dns.qr'] === 'Q';
    const client = query ? d.src : d.dst;
    const key = DnsPairing.key(t.netns, d['dns.id'], client);
    let latency: number | null = null;
    if (query) this.pairing.query(key, ts);
    else latency = this.pairing.response(key, ts);
    const answers = d['dns.answers'] ?? '';
    return {
      timestamp: ts,
      mntns_id: t.container.mntns,
      netns_id: t.netns,
      ifname: s.ifname(p.ifindex),
      src: d.src,
      dst: d.dst,
      nameserver: query ? d.dst : d.src,
      id: d['dns.id'],
      qr: d['dns.qr'],
      qtype: d['dns.qtype'],
      name: d['dns.name'],
      rcode: d['dns.rcode'] ?? '',
      addresses: answers,
      num_answers: answers === '' ? 0 : answers.split(',').length,
      latency_ns: latency,
      pkt_type: pktTypeName(p),
      proto: d['tcp.flags'] !== null ? 'TCP' : 'UDP',
    };
  }
}

export const traceDns: AgentGadget = {
  meta: traceDnsMeta,
  start: (opts: GadgetStartOptions, env: AgentGadgetEnv) => {
    const filter = compilePacketFilter(dnsFilterExpression(typeof opts.params['ports'] === 'string' ? opts.params['ports'] : '53'), 65535);
    return new TraceDnsRun(opts, env, filter, []);
  },
};
