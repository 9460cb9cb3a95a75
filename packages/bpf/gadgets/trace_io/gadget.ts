/** trace_io manifest: syscall I/O with captured bytes (sysdig-style snaplen). Offsets come from BTF. */
import type { EventRecord } from '@podscope/protocol';
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { processFieldAnnotations, ringSizeParamOf } from '../common/manifestFields.ts';

/** Largest snaplen: DATA_MAX in program.bpf.c. */
export const TRACE_IO_MAX_SNAPLEN = 8192;
export const TRACE_IO_DEFAULT_SNAPLEN = 80;

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const protoNames: Readonly<Record<number, string>> = { 6: 'TCP', 17: 'UDP', 1: 'ICMP', 58: 'ICMPv6', 132: 'SCTP', 262: 'MPTCP' };

/**
 * fd.name for what the kernel cannot name cheaply: inet sockets as "laddr->raddr" (just laddr
 * while unconnected), pipes and unix sockets by inode like /proc/<pid>/fd shows them.
 */
export function finishIoEvent(ev: EventRecord): void {
  const family = ev['fd.family'];
  const proto = ev['fd.proto'];
  ev['fd.proto'] = typeof proto === 'number' && proto !== 0 ? (protoNames[proto] ?? String(proto)) : '';
  const type = ev['fd.type'];
  const ino = ev['fd.ino'];
  if (type === 'socket') {
    if (family === AF_INET || family === AF_INET6) {
      const l = ev['laddr'];
      const r = ev['raddr'];
      const rport = ev['raddr.port'];
      ev['fd.name'] = rport === 0 || r === '' ? String(l) : `${String(l)}->${String(r)}`;
    } else {
      if (family !== AF_UNIX) ev['laddr'] = ev['raddr'] = '';
      ev['fd.name'] = `${family === AF_UNIX ? 'unix' : 'socket'}:[${String(ino)}]`;
    }
  } else {
    ev['laddr'] = ev['raddr'] = '';
    if (type === 'pipe') ev['fd.name'] = `pipe:[${String(ino)}]`;
  }
  if (family !== AF_INET && family !== AF_INET6) ev['laddr'] = ev['raddr'] = '';
}

export const manifest: GadgetManifest = {
  name: 'trace_io',
  category: 'trace',
  payload: true,
  description:
    'Trace syscall I/O (read/write/readv/writev/pread/pwrite/sendto/recvfrom/sendmsg/recvmsg/sendfile, plus connect/accept/open/close) with the first --snaplen bytes of each buffer and each fd resolved to a file or socket endpoints',
  needs: ['btf', 'tracepoint', 'ringbuf'],
  params: [
    { name: 'snaplen', type: 'integer', description: 'Bytes captured of each buffer (0 = none); records only carry the bytes captured', default: TRACE_IO_DEFAULT_SNAPLEN, min: 0, max: TRACE_IO_MAX_SNAPLEN },
    ringSizeParamOf(16 * 1024 * 1024),
  ],
  rodataParams: { snaplen: 'snaplen' },
  // accept(2) and open(2) do not exist on arm64 (accept4 and openat do); openat2 is 5.6+.
  optionalPrograms: ['enter_accept_', 'exit_accept_', 'enter_open_', 'exit_open_', 'enter_openat2', 'exit_openat2'],
  fields: {
    ...processFieldAnnotations,
    timestamp: { type: 'timestamp', unit: 'ns', description: 'When the syscall was entered (wall clock)', defaultVisible: true },
    op: { type: 'enum', enumPrefix: 'IO_OP_', description: 'Syscall: READ, WRITE, READV, WRITEV, PREAD, PWRITE, SENDTO, RECVFROM, SENDMSG, RECVMSG, SENDFILE, CONNECT, ACCEPT, OPEN, CLOSE', defaultVisible: true },
    fd: { description: 'File descriptor (for ACCEPT and OPEN the new one; -1 when they failed)', defaultVisible: true },
    data_len: { type: 'bytes', unit: 'B', description: 'Bytes captured in data (min(bytes, snaplen, first iovec))', defaultVisible: false },
    data_truncated: { description: 'More bytes were transferred than captured', defaultVisible: false },
    retval: { description: 'Return value of the syscall (bytes, new fd, 0, or -errno)' },
    bytes: { type: 'bytes', unit: 'B', description: 'Bytes transferred by a data syscall (0 for the others and on error)', defaultVisible: true },
    delta_ns: { type: 'duration', unit: 'ns', description: 'Syscall latency, entry to exit', defaultVisible: true },
    'fdi.type': { name: 'fd.type', type: 'enum', enumPrefix: 'IO_FD_', description: 'What the fd is: file, socket, pipe or other (eventfd, epoll, …)', defaultVisible: true },
    'fdi.proto': { name: 'fd.proto', type: 'string', description: 'Protocol of an inet socket (TCP, UDP), "" otherwise', defaultVisible: false },
    'fdi.family': { name: 'fd.family', description: 'Socket address family (2 = AF_INET, 10 = AF_INET6, 1 = AF_UNIX), 0 for non-sockets' },
    'fdi.pad': { hidden: true },
    'fdi.ino': { name: 'fd.ino', description: 'Inode number of the fd (names pipes and unix sockets)' },
    'fdi.laddr.addr': { name: 'laddr.addr', decode: 'ip', versionField: 'fdi.laddr.version', type: 'ip', description: 'Local address of an inet socket' },
    'fdi.laddr.port': { name: 'laddr.port', description: 'Local port of an inet socket' },
    'fdi.laddr.version': { hidden: true },
    'fdi.laddr.pad': { hidden: true },
    'fdi.raddr.addr': { name: 'raddr.addr', decode: 'ip', versionField: 'fdi.raddr.version', type: 'ip', description: 'Remote address of an inet socket' },
    'fdi.raddr.port': { name: 'raddr.port', description: 'Remote port of an inet socket' },
    'fdi.raddr.version': { hidden: true },
    'fdi.raddr.pad': { hidden: true },
    'fdi.name': { name: 'fd.name', description: 'File path (as opened) or name, "laddr->raddr" for inet sockets, pipe:[ino] / unix:[ino]', defaultVisible: true },
    data: { decode: 'base64', lengthField: 'data_len', type: 'string', description: 'The first snaplen bytes transferred, base64 (reads: what was received)', defaultVisible: false },
  },
  derived: [
    { name: 'laddr', from: 'fdi.laddr.addr', port: 'fdi.laddr.port', kind: 'endpoint', description: 'Local endpoint addr:port of an inet socket', defaultVisible: false },
    { name: 'raddr', from: 'fdi.raddr.addr', port: 'fdi.raddr.port', kind: 'endpoint', description: 'Remote endpoint addr:port of an inet socket', defaultVisible: false },
    { name: 'error', from: 'retval', kind: 'errno', description: 'errno name of a failed syscall, "" on success', defaultVisible: true },
  ],
  finish: finishIoEvent,
};
