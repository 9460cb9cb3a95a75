/** trace_tcp manifest: description, params and field annotations. Offsets come from BTF. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { processFieldAnnotations, quietRingSizeParam } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'trace_tcp',
  category: 'trace',
  description: 'Trace TCP connect, accept and close (IPv4 and IPv6), with failed connects and their errno',
  needs: ['btf', 'tracepoint', 'ringbuf'],
  params: [
    { name: 'connect-only', type: 'boolean', description: 'Only connect events (applied in the kernel)', default: false },
    { name: 'accept-only', type: 'boolean', description: 'Only accept events (applied in the kernel)', default: false },
    { name: 'failure-only', type: 'boolean', description: 'Only failed connects (applied in the kernel)', default: false },
    quietRingSizeParam,
  ],
  rodataParams: { 'connect-only': 'connect_only', 'accept-only': 'accept_only', 'failure-only': 'failure_only' },
  // accept(2) does not exist on arm64 (accept4 does).
  optionalPrograms: ['exit_accept_'],
  fields: {
    ...processFieldAnnotations,
    timestamp: { type: 'timestamp', unit: 'ns', description: 'When the connect started (SYN), the accept returned or the close began', defaultVisible: true },
    'proc.comm': { description: 'Command name of the socket owner (the process that connected or accepted)', defaultVisible: true },
    type: { type: 'enum', enumPrefix: 'TCP_EVENT_', description: 'connect, accept or close', defaultVisible: true },
    'src.addr': { decode: 'ip', versionField: 'src.version', type: 'ip', description: 'Local address', defaultVisible: false },
    'src.port': { description: 'Local port', defaultVisible: false },
    'src.version': { description: 'IP version of the connection (4 or 6)' },
    'src.pad': { hidden: true },
    'dst.addr': { decode: 'ip', versionField: 'dst.version', type: 'ip', description: 'Remote address', defaultVisible: false },
    'dst.port': { description: 'Remote port', defaultVisible: false },
    'dst.version': { hidden: true },
    'dst.pad': { hidden: true },
    retval: { description: 'Negative errno of a failed connect (from the socket error), 0 otherwise' },
    fd: { description: 'File descriptor of an accepted socket; -1 for connect and close' },
  },
  derived: [
    { name: 'src', from: 'src.addr', port: 'src.port', kind: 'endpoint', description: 'Local endpoint addr:port', defaultVisible: true },
    { name: 'dst', from: 'dst.addr', port: 'dst.port', kind: 'endpoint', description: 'Remote endpoint addr:port', defaultVisible: true },
    { name: 'error', from: 'retval', kind: 'errno', description: 'errno name of a failed connect (e.g. ECONNREFUSED), "" on success', defaultVisible: true },
  ],
};
