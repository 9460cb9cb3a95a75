/** trace_oomkill manifest: description, params and field annotations. Offsets come from BTF. */
import type { GadgetManifest } from '../../src/spec/gadgetManifest.ts';
import { processFieldAnnotations, quietRingSizeParam } from '../common/manifestFields.ts';

export const manifest: GadgetManifest = {
  name: 'trace_oomkill',
  category: 'trace',
  description: 'Trace OOM kills: the victim (whose pod the event names), the task that triggered the OOM killer, and memory sizes',
  needs: ['btf', 'tp_btf', 'ringbuf'],
  params: [quietRingSizeParam],
  fields: {
    ...processFieldAnnotations,
    mntns_id: { description: 'Mount namespace inode of the victim' },
    'proc.pid': { description: 'Victim process id', defaultVisible: true },
    'proc.comm': { description: 'Victim command name', defaultVisible: true },
    'proc.uid': { description: 'Victim user id' },
    oom_score_adj: { description: "Victim's oom_score_adj" },
    fpid: { description: 'Process id of the task that triggered the OOM killer', defaultVisible: true },
    fuid: { description: 'User id of the triggering task' },
    fcomm: { description: 'Command name of the triggering task', defaultVisible: true },
    pages: { unit: 'pages', description: "Victim's total virtual memory (total_vm), in pages", defaultVisible: true },
    anon_rss: { unit: 'pages', description: 'Anonymous resident pages of the victim', defaultVisible: true },
    file_rss: { unit: 'pages', description: 'File-backed resident pages of the victim' },
    shmem_rss: { unit: 'pages', description: 'Shared-memory resident pages of the victim' },
  },
};
