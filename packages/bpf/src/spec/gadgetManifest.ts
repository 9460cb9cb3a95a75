/** What a gadget folder declares beside its C program; layout always comes from BTF, never from here. */
import type { EventRecord, FieldType, GadgetCategory, GadgetParam } from '@podscope/protocol';
import type { KernelFeature } from './kernelFeatures.ts';

export interface FieldAnnotation {
  /** Dotted event field name; defaults to the C member path joined by dots (proc.pid). */
  readonly name?: string;
  readonly type?: FieldType;
  readonly unit?: string;
  readonly description?: string;
  readonly defaultVisible?: boolean;
  /** Decoded for the decoder's own use (e.g. a length) and never emitted. */
  readonly hidden?: boolean;
  /**
   * 'argv': a NUL-separated list, emitted joined by spaces.
   * 'ip': a __u8[16] address, printed as IPv4 or IPv6 according to `versionField` (4, 6; else "").
   * 'base64': a __u8[] payload, emitted as base64 of its first `lengthField` bytes (a variable-size record's tail).
   */
  readonly decode?: 'argv' | 'ip' | 'base64';
  /** C path of the member holding how many bytes of this array are used. */
  readonly lengthField?: string;
  /** For decode 'ip': C path of the member holding the IP version. */
  readonly versionField?: string;
  /** For enums: prefix stripped from C enumerator names (C needs unique names, users want short ones). */
  readonly enumPrefix?: string;
}

/**
 * How a derived field is computed from its source member:
 * 'errno': negative return value → errno name, success → "";
 * 'openFlags': open(2) flags → "O_WRONLY|O_CREAT"; 'octalMode': permission bits → "0644";
 * 'signal': signal number → "SIGKILL"; 'endpoint': decoded address + `port` member → "addr:port".
 */
export type DerivedKind = 'errno' | 'openFlags' | 'octalMode' | 'signal' | 'endpoint';

/** A field computed from another decoded field. */
export interface DerivedField {
  readonly name: string;
  /** C path of the source member. */
  readonly from: string;
  readonly kind: DerivedKind;
  /** For 'endpoint': C path of the port member. */
  readonly port?: string;
  readonly description: string;
  readonly defaultVisible: boolean;
}

/** A log2 histogram kept in the map value: slot i counts values v with bucket.lo <= v < bucket.hi (see log2Bucket). */
export interface HistogramManifest {
  /** C member of the value struct holding the slots (an array of __u32 or __u64). */
  readonly slots: string;
  /** Unit of the histogrammed value, e.g. "us"; given to bucket.lo / bucket.hi. */
  readonly unit: string;
  /** What is histogrammed, for the bucket fields' descriptions (e.g. "block I/O latency"). */
  readonly what: string;
}

/** profile/top gadgets: the BPF hash map the loader reads every map-fetch-interval. */
export interface PolledMapManifest {
  /** Map name in `.maps`; its BTF key and value structs give the row fields. */
  readonly name: string;
  /** profile gadgets: the value is a histogram; each non-empty slot becomes one row. */
  readonly histogram?: HistogramManifest;
}

export interface GadgetManifest {
  readonly name: string;
  readonly category: GadgetCategory;
  /** Its events carry payload bytes (I/O buffers, packets): running it needs the stronger permission. */
  readonly payload?: boolean;
  readonly description: string;
  readonly params: readonly GadgetParam[];
  /** Name of the C struct written to the ring; `event` by convention. */
  readonly eventStruct?: string;
  /** Keyed by C member path (e.g. "proc.pid"). Members not listed get defaults derived from BTF. */
  readonly fields: Readonly<Record<string, FieldAnnotation>>;
  readonly derived?: readonly DerivedField[];
  /** Programs (C function names) left out when their tracepoint is missing, e.g. open(2) on arm64. */
  readonly optionalPrograms?: readonly string[];
  /** Boolean/integer params written into `const volatile` globals before load: param name → C variable. */
  readonly rodataParams?: Readonly<Record<string, string>>;
  /** profile/top: the map read every map-fetch-interval (cleared after each read for top, cumulative for profile). */
  readonly map?: PolledMapManifest;
  /**
   * Runs on every decoded record, after the generated decoder, to fill fields that combine several
   * members (e.g. a socket's "laddr->raddr" name). It may only rewrite fields the struct declares.
   */
  readonly finish?: (ev: EventRecord) => void;
  /** Kernel features the gadget cannot run without; probeFeatures() marks it unavailable otherwise. */
  readonly needs?: readonly KernelFeature[];
}
