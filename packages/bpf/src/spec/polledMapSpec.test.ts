import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GadgetMeta } from '@podscope/protocol';
import { gadgetMeta, parseGadgetSpec } from './gadgetSpec.ts';
import { log2Bucket, log2Slot } from './log2Histogram.ts';
import { BPF_MAP_TYPE_HASH } from './mapDefinition.ts';
import type { GadgetManifest } from './gadgetManifest.ts';
import { objectPathOf } from '../catalog.ts';
import { manifest as blockio } from '../../gadgets/profile_blockio/gadget.ts';

describe('log2 buckets', () => {
  it('puts every value in exactly one half-open power-of-two bucket', () => {
    for (const v of [0, 1, 2, 3, 4, 7, 8, 1000, 65535, 65536]) {
      const b = log2Bucket(log2Slot(v));
      expect(v >= b.lo && v < b.hi, `${v} in [${b.lo}, ${b.hi})`).toBe(true);
    }
    expect([0, 1, 2, 3].map(log2Bucket)).toEqual([
      { lo: 0, hi: 1 },
      { lo: 1, hi: 2 },
      { lo: 2, hi: 4 },
      { lo: 4, hi: 8 },
    ]);
  });
});

describe('polled map spec (profile_blockio)', () => {
  const object = readFileSync(objectPathOf('profile_blockio'));
  const spec = parseGadgetSpec(object, blockio);
  const polled = spec.polled;

  it('reads the map definition and key/value layouts from BTF', () => {
    expect(polled?.map).toMatchObject({ name: 'hists', type: BPF_MAP_TYPE_HASH, perCpu: false, maxEntries: 4096 });
    expect(polled?.key.fields.map((f) => f.name)).toEqual(['mntns_id', 'disk']);
    expect(polled?.histogram).toEqual({ offset: 0, elemSize: 8, slots: 32, unit: 'us' });
    expect(polled?.clearEachFetch).toBe(false);
  });

  it('gives protocol metadata with interval, key fields and typed bucket bounds', () => {
    const meta = GadgetMeta.parse(gadgetMeta(blockio, spec.fields));
    const fields = new Map(meta.fields.map((f) => [f.name, f]));
    expect([...fields.keys()]).toEqual(expect.arrayContaining(['timestamp', 'interval', 'mntns_id', 'disk', 'bucket.lo', 'bucket.hi', 'count']));
    expect(fields.get('bucket.lo')).toMatchObject({ type: 'duration', unit: 'us' });
    expect(meta.category).toBe('profile');
  });

  it('expands one entry into a row per non-empty slot, summing per-CPU images', () => {
    const decode = polled?.rowDecoder(0);
    const key = new Uint8Array(polled?.key.size ?? 0);
    const kv = new DataView(key.buffer);
    kv.setUint32(0, 4026531840, true);
    key.set(Buffer.from('vda'), 8);
    const stride = 256;
    const values = new Uint8Array(stride * 2);
    const vv = new DataView(values.buffer);
    vv.setUint32(3 * 8, 5, true); // CPU 0, slot 3
    vv.setUint32(stride + 3 * 8, 2, true); // CPU 1, slot 3
    vv.setUint32(stride + 10 * 8, 1, true); // CPU 1, slot 10
    const rows = decode?.(kv, key, 0, vv, values, 0, 2, stride);
    expect(rows).toEqual([
      { mntns_id: 4026531840, disk: 'vda', 'bucket.lo': 4, 'bucket.hi': 8, count: 7 },
      { mntns_id: 4026531840, disk: 'vda', 'bucket.lo': 512, 'bucket.hi': 1024, count: 1 },
    ]);
  });

  it('refuses annotations of members neither the key nor the value has', () => {
    const bad: GadgetManifest = { ...blockio, fields: { ...blockio.fields, latency: { description: 'x' } } };
    expect(() => parseGadgetSpec(object, bad)).toThrow(/latency/);
  });

  it('refuses a histogram member that is not an integer array', () => {
    const bad: GadgetManifest = { ...blockio, map: { name: 'hists', histogram: { slots: 'nope', unit: 'us', what: 'x' } } };
    expect(() => parseGadgetSpec(object, bad)).toThrow(/nope/);
  });
});
