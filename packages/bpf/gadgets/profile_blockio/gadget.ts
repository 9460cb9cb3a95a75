/** profile_blockio manifest: a biolatency-style histogram, read from the kernel map every interval. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { mapFetchIntervalParam } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'profile_blockio',
  category: 'profile',
  description:
    'Block device I/O latency (request issued to the driver → completed) as a log2 histogram in µs, per disk and per pod of the task that started the I/O (like BCC biolatency). Counts are cumulative since the run started.',
  params: [mapFetchIntervalParam],
  needs: ['btf', 'tp_btf'],
  optionalPrograms: ['on_io_start'],
  map: { name: 'hists', histogram: { slots: 'slots', unit: 'us', what: 'block I/O latency' } },
  fields: {
    mntns_id: { description: 'Mount namespace inode of the task that started the I/O (a kernel worker for writeback)' },
    disk: { description: 'Disk name as the kernel knows it (vda, nvme0n1, sda)', defaultVisible: true },
  },
};
