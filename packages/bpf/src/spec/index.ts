export { ElfFile, ElfError, type ElfSection, type ElfSymbol } from './elfFile.ts';
export { BtfTypes, BtfError, type BtfType, type BtfKind, type BtfMember } from './btfTypes.ts';
export { structLayout, type StructLayout, type LayoutField, type LeafKind } from './structLayout.ts';
export { generateDecoder, type EventDecoder, type GeneratedDecoder, type DecoderOptions } from './decoderGenerator.ts';
export { parseGadgetSpec, readGadgetSpec, gadgetMeta, type GadgetSpec, type RodataVariable } from './gadgetSpec.ts';
export type { GadgetManifest, FieldAnnotation, DerivedField, PolledMapManifest, HistogramManifest } from './gadgetManifest.ts';
export { errnoName } from './errnoNames.ts';
export { parsePolledMapSpec, intervalField, type PolledMapSpec, type PolledRowDecoder, type HistogramLayout } from './polledMapSpec.ts';
export { mapDefinition, type MapDefinition } from './mapDefinition.ts';
export { log2Bucket, log2Slot, type Log2Bucket } from './log2Histogram.ts';
export { kernelFeatureNames, unavailableReason, type KernelFeature, type KernelFeatures } from './kernelFeatures.ts';
export { PcapngWriter, PcapngFormatError, readPcapng, LINKTYPE_ETHERNET, type PcapngFile, type PcapngInterface, type PcapngPacket, type PacketDirectionFlag } from './pcapng.ts';
export { decodePacket, decodedPacketFieldNames, LINKTYPE_EN10MB, LINKTYPE_LINUX_SLL, LINKTYPE_RAW, type DecodedPacket } from './packetDecode.ts';
export { parseDns, dnsSummary, dnsTypeNames, dnsRcodeNames, type DnsMessage, type DnsAnswer } from './dnsMessage.ts';
export { formatIpv4, formatIpv6, formatMac } from './ipText.ts';
// HTTP head parsing and payload redaction live in @podscope/protocol (shared by the hub, the web UI and the agent).
export { parseHttpHead, looksLikeHttp, redactPayload, redactPayloadDetailed, REDACTED_HEADERS, type HttpHead, type HttpHeader, type HttpProblem, type HttpProblemKind, type Redaction } from '@podscope/protocol';
