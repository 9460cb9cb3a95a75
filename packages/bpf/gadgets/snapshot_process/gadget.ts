/** snapshot_process manifest: the node's processes at one instant, like IG snapshot_process. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { processFieldAnnotations } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'snapshot_process',
  category: 'snapshot',
  description: 'List the processes (or threads) running in the selected pods at one instant, with their state, owner and start time, like IG snapshot_process (ps for pods).',
  params: [{ name: 'threads', type: 'boolean', description: 'One row per thread instead of per process', default: false }],
  rodataParams: { threads: 'threads' },
  needs: ['btf', 'iter_task'],
  fields: {
    ...processFieldAnnotations,
    timestamp: { type: 'timestamp', unit: 'ns', description: 'When the snapshot was taken (wall clock)', defaultVisible: false },
    'proc.tid': { description: 'Thread id (equals the pid unless --threads)' },
    'proc.ppid': { description: 'Parent process id', defaultVisible: true },
    'proc.uid': { description: 'User id', defaultVisible: true },
    state: { type: 'enum', enumPrefix: 'PROCSTATE_', description: 'ps state: R running, S sleeping, D disk sleep, T stopped, t traced, Z zombie, X dead, I idle', defaultVisible: true },
    start_time: { type: 'timestamp', unit: 'ns', description: 'When the process (thread) started (wall clock)', defaultVisible: false },
  },
};
