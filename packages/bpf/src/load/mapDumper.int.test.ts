// Needs root (map creation): fails, never skips.
import { closeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { libbpf } from './libBpf.ts';
import { MapDumper } from './mapDumper.ts';
import { BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_PERCPU_HASH } from '../spec/mapDefinition.ts';

const fds: number[] = [];
afterEach(() => {
  for (const fd of fds.splice(0)) closeSync(fd);
});

function filledMap(type: number, n: number, valueSize: number): number {
  const fd = libbpf.mapCreate(type, 'dump_test', 4, valueSize, 4096);
  fds.push(fd);
  const cpus = type === BPF_MAP_TYPE_PERCPU_HASH ? libbpf.possibleCpus() : 1;
  const stride = type === BPF_MAP_TYPE_PERCPU_HASH ? Math.ceil(valueSize / 8) * 8 : valueSize;
  for (let i = 0; i < n; i++) {
    const key = Buffer.alloc(4);
    key.writeUInt32LE(i);
    const value = Buffer.alloc(stride * cpus);
    for (let cpu = 0; cpu < cpus; cpu++) value.writeUInt32LE(i * 10 + cpu, cpu * stride);
    libbpf.update(fd, key, value);
  }
  return fd;
}

function entries(d: MapDumper, andDelete: boolean): Map<number, number[]> {
  const dump = d.dump(andDelete);
  const out = new Map<number, number[]>();
  for (let i = 0; i < dump.count; i++) {
    const key = Buffer.from(dump.keys.buffer, dump.keys.byteOffset + i * 4, 4).readUInt32LE(0);
    const vals: number[] = [];
    for (let cpu = 0; cpu < d.cpus; cpu++) vals.push(Buffer.from(dump.values.buffer, dump.values.byteOffset + i * d.entrySize + cpu * d.stride, 4).readUInt32LE(0));
    out.set(key, vals);
  }
  return out;
}

describe('MapDumper on real maps', () => {
  for (const noBatch of [false, true]) {
    it(`${noBatch ? 'get_next_key' : 'batch'}: reads all 3000 entries of a hash map, and empties it with andDelete`, () => {
      const fd = filledMap(BPF_MAP_TYPE_HASH, 3000, 12);
      const d = new MapDumper({ fd, keySize: 4, valueSize: 12, maxEntries: 4096, perCpu: false, noBatch });
      const all = entries(d, false);
      expect(d.usesBatch).toBe(!noBatch);
      expect(all.size).toBe(3000);
      expect(all.get(1234)).toEqual([12340]);
      expect(entries(d, true).size).toBe(3000);
      expect(entries(d, false).size).toBe(0);
    });
  }

  it('returns one value image per possible CPU for per-CPU maps', () => {
    const fd = filledMap(BPF_MAP_TYPE_PERCPU_HASH, 50, 12);
    const d = new MapDumper({ fd, keySize: 4, valueSize: 12, maxEntries: 4096, perCpu: true });
    const all = entries(d, false);
    expect(d.cpus).toBe(libbpf.possibleCpus());
    expect(d.stride).toBe(16);
    expect(all.get(7)).toEqual(Array.from({ length: d.cpus }, (_, cpu) => 70 + cpu));
  });
});
