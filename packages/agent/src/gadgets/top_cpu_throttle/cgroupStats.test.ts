import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCpuMax, parseKeyValues, parseLimit, parsePsiSomeAvg10, readCgroupSample, throttleRow } from './cgroupStats.ts';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'podscope-cg-'));
  mkdirSync(d, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

describe('cgroup file parsers', () => {
  it('reads key/value, limit, cpu.max and PSI text', () => {
    expect(parseKeyValues('nr_periods 16\nnr_throttled 16\nthrottled_time 873460375\nbogus\n')).toEqual(new Map([['nr_periods', 16], ['nr_throttled', 16], ['throttled_time', 873460375]]));
    expect(parseLimit('9223372036854771712\n')).toBeNull();
    expect(parseLimit('max\n')).toBeNull();
    expect(parseLimit('-1\n')).toBeNull();
    expect(parseLimit('33554432\n')).toBe(33554432);
    expect(parseCpuMax('20000 100000\n')).toBe(0.2);
    expect(parseCpuMax('max 100000\n')).toBeNull();
    expect(parsePsiSomeAvg10('some avg10=12.50 avg60=3.00 avg300=0.00 total=123\nfull avg10=1.00 avg60=0.00 avg300=0.00 total=4\n')).toBe(12.5);
    expect(parsePsiSomeAvg10('')).toBeNull();
  });

  it('turns two v1 samples into an interval row: throttled share of periods, time, quota and memory', async () => {
    const cpu = dir({ 'cpu.stat': 'nr_periods 10\nnr_throttled 2\nthrottled_time 1000000\n', 'cpu.cfs_quota_us': '20000\n', 'cpu.cfs_period_us': '100000\n' });
    const mem = dir({ 'memory.usage_in_bytes': '8388608\n', 'memory.limit_in_bytes': '33554432\n', 'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n' });
    const uni = dir({ 'cpu.pressure': 'some avg10=40.00 avg60=1.00 avg300=0.00 total=1\n' });
    let t = 0;
    const a = await readCgroupSample({ cpuV1: cpu, memoryV1: mem, unified: uni }, () => t);
    writeFileSync(join(cpu, 'cpu.stat'), 'nr_periods 20\nnr_throttled 10\nthrottled_time 801000000\n');
    t = 1000;
    const b = await readCgroupSample({ cpuV1: cpu, memoryV1: mem, unified: uni }, () => t);
    expect(throttleRow(a, b)).toEqual({
      throttled_pct: 80,
      nr_periods: 10,
      nr_throttled: 8,
      throttled_time: 800_000_000,
      cpu_quota: 0.2,
      mem_usage: 8388608,
      mem_limit: 33554432,
      mem_pct: 25,
      oom_kills: 1,
      psi_cpu_some_avg10: 40,
      psi_mem_some_avg10: null,
    });
  });

  it('reads the v2 files (throttled_usec, cpu.max, memory.current/max, memory.events) and reports unlimited as null', async () => {
    const d = dir({ 'cpu.stat': 'usage_usec 5\nnr_periods 4\nnr_throttled 0\nthrottled_usec 0\n', 'cpu.max': 'max 100000\n', 'memory.current': '4096\n', 'memory.max': 'max\n', 'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n', 'memory.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' });
    const s = await readCgroupSample({ unified: d });
    expect(s).toMatchObject({ nrPeriods: 4, nrThrottled: 0, throttledNs: 0, cpuQuota: null, memUsage: 4096, memLimit: null, oomKills: 0, psiMemSomeAvg10: 0, psiCpuSomeAvg10: null });
    expect(throttleRow(s, s)).toMatchObject({ throttled_pct: 0, mem_pct: null });
  });
});
