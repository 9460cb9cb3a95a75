/** top_file manifest: per-interval read/write counters per process and file, like IG top_file. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { mapFetchIntervalParam, topParams } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'top_file',
  category: 'top',
  description:
    'Reads and writes per process and file for each interval (read, write, pread, pwrite, readv, writev and their p-variants), with bytes moved, like IG top_file. Regular files only unless --all-files.',
  params: [
    mapFetchIntervalParam,
    ...topParams('-wbytes,-rbytes'),
    { name: 'all-files', type: 'boolean', description: 'Also count sockets, pipes and devices (type S or O)', default: false },
  ],
  rodataParams: { 'all-files': 'all_files' },
  needs: ['btf', 'tracepoint'],
  map: { name: 'stats' },
  fields: {
    mntns_id: { description: 'Mount namespace inode of the process' },
    pid: { name: 'proc.pid', description: 'Process id (thread group id)', defaultVisible: true },
    dev: { hidden: true },
    ino: { description: 'Inode number of the file' },
    tid: { name: 'proc.tid', description: 'Thread that first touched the file in this interval' },
    comm: { name: 'proc.comm', description: 'Command name of the process', defaultVisible: true },
    file: { description: 'File name (the last path component, as the dentry holds it)', defaultVisible: true },
    type: { type: 'enum', enumPrefix: 'TOPFILE_', description: 'R regular file, S socket, O other (pipe, device, ...)', defaultVisible: true },
    reads: { description: 'Read calls that returned data in this interval', defaultVisible: true },
    writes: { description: 'Write calls that wrote data in this interval', defaultVisible: true },
    rbytes: { type: 'bytes', unit: 'B', description: 'Bytes read in this interval', defaultVisible: true },
    wbytes: { type: 'bytes', unit: 'B', description: 'Bytes written in this interval', defaultVisible: true },
  },
};
