/** trace_signal manifest: description, params and field annotations. Offsets come from BTF. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { processFieldAnnotations, quietRingSizeParam } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'trace_signal',
  category: 'trace',
  description: 'Trace signals as they are generated: sender, target, signal and whether it was delivered',
  needs: ['btf', 'tracepoint', 'ringbuf'],
  params: [
    { name: 'failed-only', type: 'boolean', description: 'Only signals that were not delivered (ignored, already pending, queue overflow); applied in the kernel', default: false },
    { name: 'kill-only', type: 'boolean', description: 'Only SIGKILL (applied in the kernel)', default: false },
    quietRingSizeParam,
  ],
  rodataParams: { 'failed-only': 'failed_only', 'kill-only': 'kill_only' },
  fields: {
    ...processFieldAnnotations,
    'proc.pid': { description: 'Process id of the sender', defaultVisible: true },
    'proc.comm': { description: 'Command name of the sender', defaultVisible: true },
    group: { description: 'Sent to the whole thread group (kill) rather than one thread (tgkill)' },
    tpid: { description: 'Target thread id', defaultVisible: true },
    tcomm: { description: 'Command name of the target', defaultVisible: true },
    sig_raw: { description: 'Signal number' },
    code: { description: 'si_code: 0 SI_USER (kill), 128 SI_KERNEL, -6 SI_TKILL, >0 for faults and SIGCHLD reasons' },
    result: { type: 'enum', enumPrefix: 'SIGNAL_RESULT_', description: 'delivered, ignored, already_pending, overflow_fail or lose_info', defaultVisible: true },
  },
  derived: [{ name: 'sig', from: 'sig_raw', kind: 'signal', description: 'Signal name, e.g. SIGKILL', defaultVisible: true }],
};
