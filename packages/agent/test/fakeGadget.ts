import { commonFields, type EventRecord, type GadgetMeta } from '@podscope/protocol';
import type { GadgetHost, GadgetStartOptions, RunningGadget } from '../src/pipeline/gadgetHost.ts';

export const traceExecMeta: GadgetMeta = {
  name: 'trace_exec',
  category: 'trace',
  description: 'fake trace_exec',
  params: [{ name: 'ignore-failed', type: 'boolean', description: 'ignore failed execs', default: true }],
  fields: [
    ...commonFields,
    { name: 'args', type: 'string', description: 'argv', defaultVisible: true },
    { name: 'error', type: 'errno', description: 'errno', defaultVisible: true },
  ],
};

/** A gadget that records verdicts and lets a test emit batches, like the kernel side would. */
export class FakeGadget implements RunningGadget {
  readonly attachMs = 1;
  readonly verdicts = new Map<number, 0 | 1>();
  readonly log: string[] = [];
  closed = false;
  constructor(readonly opts: GadgetStartOptions) {}
  allowMountNs(ids: readonly number[]): void {
    for (const id of ids) this.verdicts.set(id, 1);
    this.log.push(`allow:${ids.join(',')}`);
  }
  denyMountNs(ids: readonly number[]): void {
    for (const id of ids) this.verdicts.set(id, 0);
    this.log.push(`deny:${ids.join(',')}`);
  }
  forgetMountNs(ids: readonly number[]): void {
    for (const id of ids) this.verdicts.delete(id);
    this.log.push(`forget:${ids.join(',')}`);
  }
  kernelDrops(): number {
    return 3;
  }
  close(): void {
    this.closed = true;
  }
  /** Emits events as the kernel would: dropped on verdict 0, flagged pending when there is no verdict. */
  emit(events: EventRecord[]): void {
    const out: EventRecord[] = [];
    for (const e of events) {
      const v = this.opts.selection.enabled ? this.verdicts.get(Number(e.mntns_id)) : 1;
      if (v === 0) continue;
      out.push({ ...e, mntns_pending: v === undefined });
    }
    this.opts.onEvents(out);
  }
}

/** A top gadget's metadata: per-interval rows with a counter, sorted and cut by the agent. */
export const topFakeMeta: GadgetMeta = {
  name: 'top_fake',
  category: 'top',
  description: 'fake top gadget',
  params: [
    { name: 'sort', type: 'string', description: 'sort', default: '-n' },
    { name: 'max-entries', type: 'integer', description: 'rows per interval', default: 2 },
  ],
  fields: [...commonFields, { name: 'interval', type: 'integer', description: 'fetch', defaultVisible: false }, { name: 'n', type: 'integer', description: 'count', defaultVisible: true }],
};

export const snapshotFakeMeta: GadgetMeta = {
  name: 'snapshot_fake',
  category: 'snapshot',
  description: 'fake snapshot gadget',
  params: [],
  fields: [...commonFields, { name: 'what', type: 'string', description: 'row', defaultVisible: true }],
};

export function fakeHost(extra: readonly GadgetMeta[] = []): { host: GadgetHost; gadgets: FakeGadget[] } {
  const gadgets: FakeGadget[] = [];
  const catalog = new Map([traceExecMeta, ...extra].map((meta) => [meta.name, { meta }]));
  const host: GadgetHost = {
    catalog,
    kernelFilterableFields: ['proc.comm', 'proc.pid', 'proc.uid'],
    features: { tracepoint: true, kprobe: false },
    startGadget: async (name, opts) => {
      if (!catalog.has(name)) throw new Error(`no gadget ${name}`);
      const g = new FakeGadget(opts);
      gadgets.push(g);
      return g;
    },
  };
  return { host, gadgets };
}

export const execEvent = (mntns: number, pid: number, args: string, ppid = 1): EventRecord => ({
  timestamp: Date.now() * 1e6,
  mntns_id: mntns,
  'proc.pid': pid,
  'proc.tid': pid,
  'proc.ppid': ppid,
  'proc.comm': args.split(' ')[0] ?? '',
  args,
  error: '',
});
