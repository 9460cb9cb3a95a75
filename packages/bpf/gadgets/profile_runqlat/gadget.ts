/** profile_runqlat manifest: the noisy-neighbour histogram (how long runnable tasks of a pod wait for a CPU). */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { mapFetchIntervalParam } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'profile_runqlat',
  category: 'profile',
  description:
    'CPU run-queue latency: how long runnable tasks waited for a CPU (after a wakeup or a preemption) before running, as a log2 histogram in µs per pod (like BCC runqlat). High buckets mean CPU contention, e.g. a noisy neighbour on the node. Counts are cumulative since the run started.',
  params: [mapFetchIntervalParam],
  needs: ['btf', 'tp_btf'],
  map: { name: 'hists', histogram: { slots: 'slots', unit: 'us', what: 'run-queue latency' } },
  fields: {
    mntns_id: { description: 'Mount namespace inode of the waiting tasks (the agent names their pod)' },
  },
};
