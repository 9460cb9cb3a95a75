import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupDirs } from '../cgroupDirs.ts';

/** Counters and levels of one container's cgroup at one moment; null where this host does not provide them. */
export interface CgroupSample {
  /** When it was read (ms, monotonic). */
  at: number;
  nrPeriods: number | null;
  nrThrottled: number | null;
  /** Cumulative throttled time in ns. */
  throttledNs: number | null;
  /** CPU limit in cores; null when unlimited. */
  cpuQuota: number | null;
  memUsage: number | null;
  /** Null when unlimited. */
  memLimit: number | null;
  /** OOM kills in this cgroup since it was created. */
  oomKills: number | null;
  psiCpuSomeAvg10: number | null;
  psiMemSomeAvg10: number | null;
}

/** `key value` lines (cpu.stat, memory.events, memory.oom_control) as numbers; lines that are not that are skipped. */
export function parseKeyValues(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\s+(\d+)$/.exec(line.trim());
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** PSI text (`some avg10=1.23 avg60=… total=…`): the `some` line's avg10, in percent. */
export function parsePsiSomeAvg10(text: string): number | null {
  const m = /^some\s+avg10=(\d+(?:\.\d+)?)\b/m.exec(text);
  return m ? Number(m[1]) : null;
}

// v1 reports "no limit" as the largest page-aligned signed 64-bit value; anything this large is unlimited.
const V1_UNLIMITED = 2 ** 62;

/** A single integer file (memory.current, memory.limit_in_bytes, cpu.cfs_quota_us); "max" and v1's huge value are unlimited (null). */
export function parseLimit(text: string): number | null {
  const t = text.trim();
  if (t === 'max' || !/^-?\d+$/.test(t)) return null;
  const n = Number(t);
  return n < 0 || n >= V1_UNLIMITED ? null : n;
}

/** v2 cpu.max (`20000 100000` or `max 100000`) in cores. */
export function parseCpuMax(text: string): number | null {
  const m = /^(max|\d+)\s+(\d+)\s*$/.exec(text.trim());
  if (!m || m[1] === 'max' || Number(m[2]) === 0) return null;
  return Number(m[1]) / Number(m[2]);
}

async function read(dir: string | undefined, file: string): Promise<string | null> {
  if (dir === undefined) return null;
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch {
    return null;
  }
}

const numOrNull = (m: Map<string, number> | null, key: string): number | null => m?.get(key) ?? null;

/** Reads one sample: v1 controller files where the controller is on v1, otherwise the v2 files; PSI from v2. */
export async function readCgroupSample(dirs: CgroupDirs, now: () => number = () => performance.now()): Promise<CgroupSample> {
  const cpuV1 = dirs.cpuV1 !== undefined;
  const memV1 = dirs.memoryV1 !== undefined;
  const [cpuStat, quotaUs, periodUs, cpuMax, memUsage, memLimit, oom, cpuPsi, memPsi] = await Promise.all([
    cpuV1 ? read(dirs.cpuV1, 'cpu.stat') : read(dirs.unified, 'cpu.stat'),
    cpuV1 ? read(dirs.cpuV1, 'cpu.cfs_quota_us') : null,
    cpuV1 ? read(dirs.cpuV1, 'cpu.cfs_period_us') : null,
    cpuV1 ? null : read(dirs.unified, 'cpu.max'),
    memV1 ? read(dirs.memoryV1, 'memory.usage_in_bytes') : read(dirs.unified, 'memory.current'),
    memV1 ? read(dirs.memoryV1, 'memory.limit_in_bytes') : read(dirs.unified, 'memory.max'),
    memV1 ? read(dirs.memoryV1, 'memory.oom_control') : read(dirs.unified, 'memory.events'),
    read(dirs.unified, 'cpu.pressure'),
    read(dirs.unified, 'memory.pressure'),
  ]);
  const stat = cpuStat === null ? null : parseKeyValues(cpuStat);
  let throttledNs = numOrNull(stat, 'throttled_time');
  if (!cpuV1) {
    const us = numOrNull(stat, 'throttled_usec');
    throttledNs = us === null ? null : us * 1000;
  }
  let cpuQuota: number | null = null;
  if (cpuV1 && quotaUs !== null && periodUs !== null) {
    const q = parseLimit(quotaUs);
    const p = parseLimit(periodUs);
    cpuQuota = q !== null && p !== null && p > 0 ? q / p : null;
  } else if (cpuMax !== null) cpuQuota = parseCpuMax(cpuMax);
  return {
    at: now(),
    nrPeriods: numOrNull(stat, 'nr_periods'),
    nrThrottled: numOrNull(stat, 'nr_throttled'),
    throttledNs,
    cpuQuota,
    memUsage: memUsage === null ? null : parseLimit(memUsage),
    memLimit: memLimit === null ? null : parseLimit(memLimit),
    oomKills: oom === null ? null : numOrNull(parseKeyValues(oom), 'oom_kill'),
    psiCpuSomeAvg10: cpuPsi === null ? null : parsePsiSomeAvg10(cpuPsi),
    psiMemSomeAvg10: memPsi === null ? null : parsePsiSomeAvg10(memPsi),
  };
}

/** The throttling gadget's row values for the interval between two samples of the same cgroup. */
export function throttleRow(prev: CgroupSample, cur: CgroupSample): Record<string, number | null> {
  const delta = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : Math.max(0, b - a));
  const periods = delta(prev.nrPeriods, cur.nrPeriods);
  const throttled = delta(prev.nrThrottled, cur.nrThrottled);
  const pct = periods === null || throttled === null ? null : periods === 0 ? 0 : Math.round((throttled / periods) * 1000) / 10;
  const memPct = cur.memUsage !== null && cur.memLimit !== null && cur.memLimit > 0 ? Math.round((cur.memUsage / cur.memLimit) * 1000) / 10 : null;
  return {
    throttled_pct: pct,
    nr_periods: periods,
    nr_throttled: throttled,
    throttled_time: delta(prev.throttledNs, cur.throttledNs),
    cpu_quota: cur.cpuQuota,
    mem_usage: cur.memUsage,
    mem_limit: cur.memLimit,
    mem_pct: memPct,
    oom_kills: cur.oomKills,
    psi_cpu_some_avg10: cur.psiCpuSomeAvg10,
    psi_mem_some_avg10: cur.psiMemSomeAvg10,
  };
}
