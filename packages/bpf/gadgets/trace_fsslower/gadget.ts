/** trace_fsslower manifest: description, params and field annotations. Offsets come from BTF. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { processFieldAnnotations, ringSizeParam } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'trace_fsslower',
  category: 'trace',
  description: 'Trace regular-file reads, writes, fsyncs and opens slower than a threshold, timed from syscall entry to exit',
  needs: ['btf', 'tracepoint', 'ringbuf'],
  params: [
    { name: 'min', type: 'integer', description: 'Report operations slower than this many milliseconds (0 = all); applied in the kernel', default: 10, min: 0, max: 3_600_000 },
    ringSizeParam,
  ],
  rodataParams: { min: 'min_ms' },
  fields: {
    ...processFieldAnnotations,
    timestamp: { type: 'timestamp', unit: 'ns', description: 'When the operation started (wall clock)', defaultVisible: true },
    op: { type: 'enum', enumPrefix: 'FSSLOWER_', description: 'Operation: F_READ, F_WRITE, F_OPEN or F_FSYNC', defaultVisible: true },
    delta_us: { type: 'duration', unit: 'us', description: 'Time from syscall entry to exit', defaultVisible: true },
    size: { type: 'bytes', unit: 'B', description: 'Bytes requested (read/write)', defaultVisible: true },
    offset: { type: 'bytes', unit: 'B', description: 'File offset at the start of the operation', defaultVisible: true },
    file: { description: 'File name (the last path component, as the dentry holds it)', defaultVisible: true },
  },
};
