/** trace_exec manifest: description, params and field annotations. Offsets come from BTF. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';

export const manifest: GadgetManifest = {
  name: 'trace_exec',
  category: 'trace',
  description: 'Trace new processes: every execve/execveat with its arguments, parent and result',
  needs: ['btf', 'tracepoint', 'ringbuf'],
  params: [
    { name: 'ignore-failed', type: 'boolean', description: 'Drop failed execs in the kernel', default: true },
    {
      name: 'ring-size',
      type: 'integer',
      description: 'Ring buffer size in bytes (rounded up to a power of two)',
      default: 16 * 1024 * 1024,
      min: 4096,
      max: 1024 * 1024 * 1024,
    },
  ],
  rodataParams: { 'ignore-failed': 'ignore_failed' },
  fields: {
    timestamp: { type: 'timestamp', unit: 'ns', description: 'When the exec started (wall clock)', defaultVisible: true },
    mntns_id: { description: 'Mount namespace inode of the process' },
    'proc.pid': { description: 'Process id (thread group id)', defaultVisible: true },
    'proc.tid': { description: 'Thread id' },
    'proc.ppid': { description: 'Parent process id' },
    'proc.uid': { description: 'User id' },
    'proc.gid': { description: 'Group id' },
    'proc.comm': { description: 'Command name after the exec', defaultVisible: true },
    'proc.pcomm': { description: 'Command name of the parent process' },
    retval: { description: 'Return value of execve (0 on success)' },
    mntns_pending: { description: 'The mount namespace was not yet judged by the agent when the event was emitted' },
    args_truncated: { description: 'argv was longer than 4 KiB or 64 arguments' },
    args_size: { hidden: true },
    args: { decode: 'argv', lengthField: 'args_size', description: 'Arguments, joined by spaces', defaultVisible: true },
  },
  derived: [{ name: 'error', from: 'retval', kind: 'errno', description: 'errno name of a failed exec, "" on success', defaultVisible: true }],
};
