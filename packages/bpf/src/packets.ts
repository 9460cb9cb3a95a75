/**
 * Packet capture without libbpf: the libpcap filter compiler, AF_PACKET sockets inside network namespaces, pcap-ng and
 * the packet decoders. A separate entry point so the agent can load it without the eBPF loader.
 */
export { compilePacketFilter, filterInsns, DEFAULT_SNAPLEN, DLT_EN10MB, type FilterInsn } from './load/libPcap.ts';
export { PacketSocket, inNetns, packetDirections, type CapturedPacket, type PacketDirection, type PacketSocketOptions, type PacketSocketStats } from './load/packetSocket.ts';
export { PcapngWriter, PcapngFormatError, readPcapng, LINKTYPE_ETHERNET, type PcapngFile, type PcapngInterface, type PcapngPacket, type PacketDirectionFlag } from './spec/pcapng.ts';
export { decodePacket, decodedPacketFieldNames, LINKTYPE_EN10MB, LINKTYPE_LINUX_SLL, LINKTYPE_RAW, type DecodedPacket } from './spec/packetDecode.ts';
export { parseDns, dnsSummary, type DnsMessage, type DnsAnswer } from './spec/dnsMessage.ts';
