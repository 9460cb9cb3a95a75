import type { EventRecord, FieldMeta, GadgetMeta } from '@podscope/protocol';
import { commonFields } from '@podscope/protocol';
import type { GadgetStartOptions } from '../../pipeline/gadgetHost.ts';
import type { AgentGadget, AgentGadgetEnv } from '../agentGadget.ts';
import { AgentRunningGadget } from '../agentGadget.ts';
import type { CgroupDirs } from '../cgroupDirs.ts';
import { readComm } from '../procComm.ts';
import type { CgroupSample } from './cgroupStats.ts';
import { readCgroupSample, throttleRow } from './cgroupStats.ts';

const own: FieldMeta[] = [
  { name: 'interval', type: 'integer', description: 'Fetch number (1-based) this row belongs to', defaultVisible: false },
  { name: 'throttled_pct', type: 'integer', unit: '%', description: 'Share of CFS periods in the interval in which the container was throttled', defaultVisible: true },
  { name: 'throttled_time', type: 'duration', unit: 'ns', description: 'Time the container was throttled in the interval', defaultVisible: true },
  { name: 'nr_periods', type: 'integer', description: 'CFS periods that elapsed in the interval', defaultVisible: false },
  { name: 'nr_throttled', type: 'integer', description: 'CFS periods in the interval in which the container was throttled', defaultVisible: false },
  { name: 'cpu_quota', type: 'integer', unit: 'cores', description: 'CPU limit in cores (quota / period); null when unlimited', defaultVisible: true },
  { name: 'mem_usage', type: 'bytes', unit: 'B', description: 'Memory charged to the container now', defaultVisible: true },
  { name: 'mem_limit', type: 'bytes', unit: 'B', description: 'Memory limit; null when unlimited', defaultVisible: true },
  { name: 'mem_pct', type: 'integer', unit: '%', description: 'Memory usage as a share of the limit; null when unlimited', defaultVisible: true },
  { name: 'oom_kills', type: 'integer', description: 'OOM kills in the container cgroup since it was created (cumulative, so one kill stays visible)', defaultVisible: true },
  { name: 'psi_cpu_some_avg10', type: 'integer', unit: '%', description: 'CPU pressure (PSI some avg10); null when the host has no cgroup v2 PSI for the container', defaultVisible: true },
  { name: 'psi_mem_some_avg10', type: 'integer', unit: '%', description: 'Memory pressure (PSI some avg10); null when unavailable', defaultVisible: false },
];

export const topCpuThrottleMeta: GadgetMeta = {
  name: 'top_cpu_throttle',
  category: 'top',
  description: 'CPU throttling, memory use and pressure per container, from cgroup files (v1 or v2) every interval; no eBPF',
  params: [
    { name: 'map-fetch-interval', type: 'duration', description: 'How often to read the cgroup files', default: 1000, min: 100, max: 3_600_000 },
    { name: 'sort', type: 'string', description: 'Sort rows of each interval, e.g. -throttled_pct,k8s.podName', default: '-throttled_pct,-mem_pct' },
    { name: 'max-entries', type: 'integer', description: 'Rows kept per interval after sorting (0 = all)', default: 20, min: 0, max: 100_000 },
  ],
  fields: [...commonFields, ...own],
};

interface Tracked {
  pid: number;
  dirs: CgroupDirs;
  last: CgroupSample;
}

class CpuThrottleSampler extends AgentRunningGadget {
  private readonly timer: NodeJS.Timeout;
  private readonly tracked = new Map<number, Tracked>();
  private interval = 0;
  private busy = false;

  constructor(opts: GadgetStartOptions, env: AgentGadgetEnv) {
    super(opts, env);
    const every = typeof opts.params['map-fetch-interval'] === 'number' ? opts.params['map-fetch-interval'] : 1000;
    this.timer = setInterval(() => void this.tick(), every);
    // Without selection (everything), containers are never "allowed": take baselines now.
    if (!opts.selection.enabled) void this.baseline(this.targets.current().map((c) => c.mntns));
  }

  override close(): void {
    super.close();
    clearInterval(this.timer);
  }

  protected override onAllowed(ids: readonly number[]): void {
    void this.baseline(ids);
  }

  /** A first sample as soon as a container is selected, so its first row covers a whole interval. */
  private async baseline(ids: readonly number[]): Promise<void> {
    for (const c of this.targets.current()) {
      if (!ids.includes(c.mntns) || this.tracked.get(c.mntns)?.pid === c.pid) continue;
      const dirs = await this.env.cgroups.dirsOf(c.pid);
      if (dirs) this.tracked.set(c.mntns, { pid: c.pid, dirs, last: await readCgroupSample(dirs) });
    }
  }

  private async tick(): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      const rows: EventRecord[] = [];
      const timestamp = Date.now() * 1e6;
      const live = new Set<number>();
      const interval = this.interval + 1;
      for (const c of this.targets.current()) {
        live.add(c.mntns);
        const t = this.tracked.get(c.mntns);
        if (!t || t.pid !== c.pid) {
          await this.baseline([c.mntns]);
          continue;
        }
        const cur = await readCgroupSample(t.dirs);
        const prev = t.last;
        t.last = cur;
        const comm = await readComm(this.env.procRoot, c.pid);
        if (comm === null) continue;
        rows.push({ timestamp, interval, mntns_id: c.mntns, 'proc.pid': c.pid, 'proc.comm': comm, ...throttleRow(prev, cur) });
      }
      for (const mntns of this.tracked.keys()) if (!live.has(mntns)) this.tracked.delete(mntns);
      if (rows.length > 0) {
        this.interval = interval;
        this.deliver(rows);
      }
    } catch (err) {
      this.opts.onError?.(err);
    } finally {
      this.busy = false;
    }
  }
}

export const topCpuThrottle: AgentGadget = {
  meta: topCpuThrottleMeta,
  start: (opts, env) => new CpuThrottleSampler(opts, env),
};
