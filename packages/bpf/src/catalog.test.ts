import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GadgetMeta } from '@podscope/protocol';
import { gadgetCatalog } from './index.ts';
import { gadgetSpecOf, objectPathOf } from './catalog.ts';
import { parseGadgetSpec } from './spec/gadgetSpec.ts';
import { manifest as traceTcp } from '../gadgets/trace_tcp/gadget.ts';

describe('gadget catalog', () => {
  it('lists every gadget with valid, available metadata and the IG field names', () => {
    const expected: Record<string, string[]> = {
      trace_exec: ['args', 'error'],
      trace_open: ['fd', 'fname', 'flags', 'flags_raw', 'mode', 'error'],
      trace_fsslower: ['op', 'file', 'size', 'offset', 'delta_us'],
      trace_tcp: ['type', 'src', 'dst', 'src.addr', 'src.port', 'dst.addr', 'dst.port', 'error'],
      trace_bind: ['addr', 'port', 'proto', 'error'],
      trace_signal: ['tpid', 'tcomm', 'sig', 'result'],
      trace_oomkill: ['fpid', 'fcomm', 'pages', 'anon_rss'],
      profile_blockio: ['interval', 'disk', 'bucket.lo', 'bucket.hi', 'count'],
      profile_runqlat: ['interval', 'bucket.lo', 'bucket.hi', 'count'],
      profile_tcprtt: ['interval', 'netns_id', 'raddr', 'laddr', 'bucket.lo', 'bucket.hi', 'count'],
      top_file: ['interval', 'file', 'type', 'reads', 'writes', 'rbytes', 'wbytes'],
      top_tcp: ['interval', 'src', 'dst', 'src.addr', 'dst.port', 'sent', 'received'],
      snapshot_process: ['state', 'start_time', 'proc.ppid', 'proc.uid', 'proc.tid'],
      trace_io: ['op', 'fd', 'bytes', 'error', 'delta_ns', 'data', 'data_len', 'data_truncated', 'fd.type', 'fd.name', 'laddr', 'raddr'],
    };
    expect([...gadgetCatalog.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, fields] of Object.entries(expected)) {
      const meta = GadgetMeta.parse(gadgetCatalog.get(name)?.meta);
      expect(meta.unavailable, name).toBeUndefined();
      const names = meta.fields.map((f) => f.name);
      expect(new Set(names).size, name).toBe(names.length);
      expect(names, name).toEqual(expect.arrayContaining([...fields, 'proc.pid', 'proc.comm', 'mntns_id']));
    }
  });

  it('types fields for the filter language: enums without C prefixes, ip, endpoint, errno', () => {
    const fields = new Map(gadgetCatalog.get('trace_tcp')?.meta.fields.map((f) => [f.name, f]));
    expect(fields.get('type')).toMatchObject({ type: 'enum', enumValues: ['connect', 'accept', 'close'] });
    expect(fields.get('src.addr')?.type).toBe('ip');
    expect(fields.get('dst')?.type).toBe('endpoint');
    expect(fields.get('error')?.type).toBe('errno');
    const fs = new Map(gadgetCatalog.get('trace_fsslower')?.meta.fields.map((f) => [f.name, f]));
    expect(fs.get('op')?.enumValues).toEqual(['F_READ', 'F_WRITE', 'F_OPEN', 'F_FSYNC']);
    expect(fs.get('delta_us')).toMatchObject({ type: 'duration', unit: 'us' });
  });

  it('decodes a trace_tcp record into addresses and endpoints', () => {
    const spec = gadgetSpecOf('trace_tcp');
    const at = (name: string): number => spec.event.fields.find((f) => f.name === name)?.offset ?? -1;
    const bytes = new Uint8Array(spec.event.size);
    const view = new DataView(bytes.buffer);
    view.setUint32(at('type'), 0, true);
    bytes.set([10, 0, 0, 7], at('src.addr'));
    view.setUint16(at('src.port'), 40000, true);
    view.setUint8(at('src.version'), 4);
    bytes[at('dst.addr') + 15] = 1;
    view.setUint16(at('dst.port'), 443, true);
    view.setUint8(at('dst.version'), 6);
    view.setInt32(at('retval'), -111, true);
    const ev = spec.decoder(0).decode(view, bytes, 0, bytes.length);
    expect(ev).toMatchObject({ type: 'connect', 'src.addr': '10.0.0.7', src: '10.0.0.7:40000', 'dst.addr': '::1', dst: '[::1]:443', error: 'ECONNREFUSED' });
    expect(ev).not.toHaveProperty('src.pad');
  });

  it('refuses an ip field without a version member', () => {
    const bad = { ...traceTcp, fields: { ...traceTcp.fields, 'src.addr': { decode: 'ip' as const } } };
    expect(() => parseGadgetSpec(readFileSync(objectPathOf('trace_tcp')), bad).decoder(0)).toThrow(/versionField/);
  });
});
