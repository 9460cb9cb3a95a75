/** koffi bindings to libpcap.so.0.8 (Debian's libpcap0.8): only the filter compiler, no capture. */
import koffi from 'koffi';
import { PodscopeError } from '@podscope/protocol';
import type { NativePointer } from './libc.ts';
import { UnsupportedError } from './errors.ts';

/** Link types a filter can be compiled for (pcap/dlt.h). */
export const DLT_EN10MB = 1;
/** Default snapshot length of tcpdump and Inspektor Gadget. */
export const DEFAULT_SNAPLEN = 262144;
/** sizeof(struct sock_filter) == sizeof(struct bpf_insn). */
export const SOCK_FILTER_SIZE = 8;
const PCAP_NETMASK_UNKNOWN = 0xffffffff;
const BPF_PROGRAM_SIZE = 16; // { u_int bf_len; struct bpf_insn *bf_insns; } on LP64

interface PcapFns {
  openDead: (linktype: number, snaplen: number) => NativePointer | null;
  close: (p: NativePointer) => void;
  compile: (p: NativePointer, prog: Buffer, expr: string, optimize: number, netmask: number) => number;
  freecode: (prog: Buffer) => void;
  geterr: (p: NativePointer) => string;
}

let fns: PcapFns | undefined;

function pcap(): PcapFns {
  if (fns) return fns;
  let lib: koffi.IKoffiLib;
  try {
    lib = koffi.load('libpcap.so.0.8');
  } catch (err) {
    throw new UnsupportedError(`cannot load libpcap.so.0.8 (apt-get install libpcap0.8): ${(err as Error).message}`);
  }
  fns = {
    openDead: lib.func('void *pcap_open_dead(int linktype, int snaplen)') as PcapFns['openDead'],
    close: lib.func('void pcap_close(void *p)') as PcapFns['close'],
    compile: lib.func('int pcap_compile(void *p, void *fp, const char *str, int optimize, uint32_t netmask)') as PcapFns['compile'],
    freecode: lib.func('void pcap_freecode(void *fp)') as PcapFns['freecode'],
    geterr: lib.func('const char *pcap_geterr(void *p)') as PcapFns['geterr'],
  };
  return fns;
}

/**
 * Compiles a tcpdump filter expression into classic BPF, as `tcpdump -dd` would (optimised, netmask unknown): a
 * Buffer of `struct sock_filter` ready for SO_ATTACH_FILTER. An empty expression accepts every packet (with the
 * snaplen as return value). A bad expression throws PodscopeError('bad_param') with libpcap's own message.
 */
export function compilePacketFilter(expression: string, snaplen = DEFAULT_SNAPLEN, linktype = DLT_EN10MB): Buffer {
  const lib = pcap();
  const handle = lib.openDead(linktype, snaplen);
  if (handle === null) throw new PodscopeError('internal', 'pcap_open_dead failed');
  try {
    const prog = Buffer.alloc(BPF_PROGRAM_SIZE);
    if (lib.compile(handle, prog, expression, 1, PCAP_NETMASK_UNKNOWN) !== 0) {
      throw new PodscopeError('bad_param', `--pf "${expression}": ${lib.geterr(handle)}`, { param: 'pf', value: expression });
    }
    try {
      const count = prog.readUInt32LE(0);
      const insns = koffi.decode(prog, 8, 'void *') as NativePointer;
      return Buffer.from(koffi.view(insns, count * SOCK_FILTER_SIZE).slice(0));
    } finally {
      lib.freecode(prog);
    }
  } finally {
    lib.close(handle);
  }
}

/** One instruction as `tcpdump -dd` prints it. */
export interface FilterInsn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

export function filterInsns(code: Buffer): FilterInsn[] {
  const out: FilterInsn[] = [];
  for (let o = 0; o + SOCK_FILTER_SIZE <= code.length; o += SOCK_FILTER_SIZE) {
    out.push({ code: code.readUInt16LE(o), jt: code.readUInt8(o + 2), jf: code.readUInt8(o + 3), k: code.readUInt32LE(o + 4) });
  }
  return out;
}
