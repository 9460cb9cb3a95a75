/** profile_tcprtt manifest: TCP round-trip-time histograms, like IG profile_tcprtt / BCC tcprtt. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { mapFetchIntervalParam } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'profile_tcprtt',
  category: 'profile',
  description:
    'TCP smoothed round-trip time (srtt), sampled on every segment received by an established connection, as a log2 histogram in µs per network namespace and remote address (like IG profile_tcprtt). Not per pod: the sample is taken in softirq, where the owning process is unknown. Counts are cumulative since the run started.',
  params: [
    mapFetchIntervalParam,
    { name: 'by-raddr', type: 'boolean', description: 'One histogram per remote address', default: true },
    { name: 'by-laddr', type: 'boolean', description: 'One histogram per local address', default: false },
  ],
  rodataParams: { 'by-raddr': 'by_raddr', 'by-laddr': 'by_laddr' },
  needs: ['btf', 'tp_btf'],
  map: { name: 'hists', histogram: { slots: 'slots', unit: 'us', what: 'TCP round-trip time' } },
  fields: {
    netns_id: { description: 'Network namespace inode of the socket (a pod has its own)', defaultVisible: true },
    raddr: { type: 'ip', decode: 'ip', versionField: 'rversion', description: 'Remote address ("" unless --by-raddr)', defaultVisible: true },
    laddr: { type: 'ip', decode: 'ip', versionField: 'lversion', description: 'Local address ("" unless --by-laddr)', defaultVisible: false },
    rversion: { hidden: true },
    lversion: { hidden: true },
    pad: { hidden: true },
  },
};
