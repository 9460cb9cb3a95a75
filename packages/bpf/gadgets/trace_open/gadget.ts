/** trace_open manifest: description, params and field annotations. Offsets come from BTF. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { processFieldAnnotations, ringSizeParam } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'trace_open',
  category: 'trace',
  description: 'Trace file opens: every open/openat/openat2 with the file name, flags, mode and result',
  needs: ['btf', 'tracepoint', 'ringbuf'],
  params: [{ name: 'failed', type: 'boolean', description: 'Only failed opens (applied in the kernel)', default: false }, ringSizeParam],
  rodataParams: { failed: 'failed_only' },
  // open(2) does not exist on arm64; openat2 is 5.6+.
  optionalPrograms: ['exit_open_', 'exit_openat2'],
  fields: {
    ...processFieldAnnotations,
    fd: { description: 'File descriptor returned, -1 when the open failed', defaultVisible: true },
    retval: { description: 'Return value of the syscall (fd or -errno)' },
    flags_raw: { description: 'open(2) flags as an integer' },
    mode_raw: { description: 'Mode argument as an integer (used with O_CREAT/O_TMPFILE)' },
    fname_len: { hidden: true },
    fname: { description: 'File name as passed to the syscall (relative names are relative to the cwd or dirfd)', defaultVisible: true, lengthField: 'fname_len' },
  },
  derived: [
    { name: 'error', from: 'retval', kind: 'errno', description: 'errno name of a failed open, "" on success', defaultVisible: true },
    { name: 'flags', from: 'flags_raw', kind: 'openFlags', description: 'open(2) flags, e.g. O_WRONLY|O_CREAT|O_TRUNC', defaultVisible: true },
    { name: 'mode', from: 'mode_raw', kind: 'octalMode', description: 'Permission bits for a created file, e.g. 0644', defaultVisible: false },
  ],
};
