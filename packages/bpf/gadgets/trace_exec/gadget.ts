/** trace_exec manifest: description, params and field annotations. Offsets come from BTF. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { processFieldAnnotations, quietRingSizeParam } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'trace_exec',
  category: 'trace',
  description: 'Trace new processes: every execve/execveat with its arguments, parent and result',
  needs: ['btf', 'tracepoint', 'ringbuf'],
  params: [
    { name: 'ignore-failed', type: 'boolean', description: 'Drop failed execs in the kernel', default: true },
    quietRingSizeParam,
  ],
  rodataParams: { 'ignore-failed': 'ignore_failed' },
  fields: {
    ...processFieldAnnotations,
    timestamp: { type: 'timestamp', unit: 'ns', description: 'When the exec started (wall clock)', defaultVisible: true },
    'proc.comm': { description: 'Command name after the exec', defaultVisible: true },
    retval: { description: 'Return value of execve (0 on success)' },
    args_truncated: { description: 'argv was longer than 4 KiB or 64 arguments' },
    args_size: { hidden: true },
    args: { decode: 'argv', lengthField: 'args_size', description: 'Arguments, joined by spaces', defaultVisible: true },
  },
  derived: [{ name: 'error', from: 'retval', kind: 'errno', description: 'errno name of a failed exec, "" on success', defaultVisible: true }],
};
