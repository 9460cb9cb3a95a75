/** trace_bind manifest: description, params and field annotations. Offsets come from BTF. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { processFieldAnnotations, quietRingSizeParam } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'trace_bind',
  category: 'trace',
  description: 'Trace bind(2) on IPv4/IPv6 sockets: address, port, protocol and result',
  needs: ['btf', 'tracepoint', 'ringbuf'],
  params: [quietRingSizeParam],
  fields: {
    ...processFieldAnnotations,
    version: { description: 'IP version (4 or 6)' },
    port: { description: 'Bound port (the kernel-chosen one for port 0) on success, the requested one on failure', defaultVisible: true },
    addr: { decode: 'ip', versionField: 'version', type: 'ip', description: 'Address to bind', defaultVisible: true },
    proto: { type: 'enum', enumPrefix: 'BIND_PROTO_', description: 'Socket protocol: TCP, UDP, RAW, SCTP, MPTCP, UDPLITE or OTHER', defaultVisible: true },
    fd: { description: 'Socket file descriptor' },
    retval: { description: 'Return value of bind (0 or -errno)' },
    ifindex: { description: 'Interface the socket is bound to (SO_BINDTODEVICE), 0 when none' },
  },
  derived: [{ name: 'error', from: 'retval', kind: 'errno', description: 'errno name of a failed bind (e.g. EADDRINUSE), "" on success', defaultVisible: true }],
};
