/** top_tcp manifest: per-interval TCP traffic per connection and process, like IG top_tcp. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { mapFetchIntervalParam, topParams } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'top_tcp',
  category: 'top',
  description:
    'TCP bytes sent and received per connection and process for each interval (every send/recv/read/write/sendfile on a TCP socket), like IG top_tcp. Needs the sock:sock_send_length/sock_recv_length tracepoints (Linux 6.4+).',
  params: [mapFetchIntervalParam, ...topParams('-sent,-received')],
  needs: ['btf', 'tp_btf'],
  map: { name: 'conns' },
  fields: {
    mntns_id: { description: 'Mount namespace inode of the process' },
    pid: { name: 'proc.pid', description: 'Process id (thread group id)', defaultVisible: true },
    pad: { hidden: true },
    comm: { name: 'proc.comm', description: 'Command name of the process', defaultVisible: true },
    'src.addr': { decode: 'ip', versionField: 'src.version', type: 'ip', description: 'Local address' },
    'src.port': { description: 'Local port' },
    'src.version': { description: 'IP version of the connection (4 or 6)' },
    'src.pad': { hidden: true },
    'dst.addr': { decode: 'ip', versionField: 'dst.version', type: 'ip', description: 'Remote address' },
    'dst.port': { description: 'Remote port' },
    'dst.version': { hidden: true },
    'dst.pad': { hidden: true },
    sent: { type: 'bytes', unit: 'B', description: 'Bytes sent in this interval', defaultVisible: true },
    received: { type: 'bytes', unit: 'B', description: 'Bytes received in this interval', defaultVisible: true },
  },
  derived: [
    { name: 'src', from: 'src.addr', port: 'src.port', kind: 'endpoint', description: 'Local endpoint addr:port', defaultVisible: true },
    { name: 'dst', from: 'dst.addr', port: 'dst.port', kind: 'endpoint', description: 'Remote endpoint addr:port', defaultVisible: true },
  ],
};
