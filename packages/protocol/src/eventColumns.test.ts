import { describe, expect, it } from 'vitest';
import type { EventRecord } from './fields.ts';
import { EventColumnsError, checkEventColumns, decodeEventColumns, encodeEventColumns } from './eventColumns.ts';
import { decodeAgentToHub, decodeAgentToHubRelayed, encodeFrame } from './codec.ts';
import { Packr } from 'msgpackr';
import { PROTOCOL_VERSION } from './version.ts';

const openEvent = (i: number): EventRecord => ({
  timestamp: 1_763_800_000_000_000_000 + i * 1000,
  'proc.pid': 4000 + (i % 3),
  'proc.comm': i % 2 === 0 ? 'opener' : 'cat',
  mntns_pending: i % 5 === 0,
  fd: i % 7 === 0 ? -1 : 3,
  fname: `/etc/file-${i % 4}`,
  error: i % 7 === 0 ? 'ENOENT' : '',
});

describe('event columns', () => {
  it('round-trips a batch exactly, in order, with several shapes', () => {
    const events: EventRecord[] = [];
    for (let i = 0; i < 300; i++) {
      events.push(openEvent(i));
      // A second shape (extra key) and a third (other key order) interleaved.
      if (i % 10 === 0) events.push({ ...openEvent(i), 'k8s.podName': 'web-1' });
      if (i % 25 === 0) events.push({ fname: 'x', timestamp: i });
    }
    const out = decodeEventColumns(encodeEventColumns(events));
    expect(out).toEqual(events);
    expect(out.map((e) => Object.keys(e))).toEqual(events.map((e) => Object.keys(e)));
  });

  it('keeps every value type: floats, big and negative numbers, -0, booleans, null, unicode and mixed columns', () => {
    const events: EventRecord[] = [
      { a: 1.5, b: -2147483649, c: true, d: null, e: 'café ☕ 🐳', f: 1, g: -0 },
      { a: 2 ** 53 - 1, b: -1, c: false, d: null, e: '', f: 'one', g: 0 },
      { a: -1e-9, b: 0, c: true, d: null, e: 'x'.repeat(5000), f: null, g: 7 },
      { a: Number.NaN, b: 4294967296, c: false, d: null, e: '\u2028', f: true, g: 1 },
    ];
    const out = decodeEventColumns(encodeEventColumns(events));
    expect(out).toEqual(events);
    expect(Object.is(out[0]?.['g'], -0)).toBe(true);
  });

  it('uses wider dictionary indexes when a column has more than 256 or 65536 distinct strings', () => {
    for (const n of [257, 70_000]) {
      // Each value 4 times: repetitive enough to keep the dictionary.
      const events = Array.from({ length: 4 * n }, (_, i) => ({ name: `n${i >> 2}`, same: 'pod' }));
      expect(decodeEventColumns(encodeEventColumns(events))).toEqual(events);
    }
  });

  it('writes mostly distinct strings (payloads, argument lists) without a dictionary', () => {
    const events = Array.from({ length: 1000 }, (_, i) => ({ data: `payload-${i}-${'x'.repeat(i % 50)}`, comm: 'curl' }));
    const bytes = encodeEventColumns(events);
    expect(decodeEventColumns(bytes)).toEqual(events);
    // No dictionary index bytes (2 per row): the column is its strings with their lengths; the rest is one
    // shape id and one `comm` index byte per row.
    const strings = events.reduce((n, e) => n + 4 + e.data.length, 0);
    expect(bytes.length).toBeLessThan(strings + 2 * events.length + 200);
  });

  it('stores repeated strings once: a batch is much smaller than its JSON', () => {
    const events = Array.from({ length: 1000 }, (_, i) => openEvent(i));
    expect(encodeEventColumns(events).length).toBeLessThan(JSON.stringify(events).length / 3);
  });

  it('round-trips an empty batch', () => {
    expect(decodeEventColumns(encodeEventColumns([]))).toEqual([]);
  });

  it('refuses every truncation and trailing bytes with an EventColumnsError', () => {
    const bytes = encodeEventColumns([openEvent(1), openEvent(2), { other: 'shape', n: 1.25 }]);
    for (let cut = 0; cut < bytes.length; cut++) expect(() => decodeEventColumns(bytes.subarray(0, cut))).toThrow(EventColumnsError);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => decodeEventColumns(longer)).toThrow(/trailing/);
  });

  it('refuses corrupt content: unknown version, kind, shape or dictionary index, and __proto__ keys', () => {
    const bytes = encodeEventColumns([{ s: 'a' }, { s: 'b' }]);
    const corrupt = (at: number, v: number): Uint8Array => {
      const c = bytes.slice();
      c[at] = v;
      return c;
    };
    expect(() => decodeEventColumns(corrupt(0, 9))).toThrow(/version 9/);
    // Layout: version(1) count(4) shapes(2) shapeIds(2) keyCount(2) key(4+1) kind(1) dictSize(4) 'a' 'b'(5+5) idx(2)
    expect(() => decodeEventColumns(corrupt(7, 3))).toThrow(/shape 3 of 1/);
    expect(() => decodeEventColumns(corrupt(16, 42))).toThrow(/unknown column kind 42/);
    expect(() => decodeEventColumns(corrupt(bytes.length - 1, 7))).toThrow(/dictionary entry 7 of 2/);
    const proto = encodeEventColumns([{ ['__proto_x']: 1 }]);
    proto[proto.indexOf(0x78)] = 0x5f; // __proto_x → __proto__
    expect(() => decodeEventColumns(proto)).toThrow(/__proto__/);
  });

  it('never throws anything but EventColumnsError on mutated input', () => {
    const bytes = encodeEventColumns([openEvent(1), { mixed: 1 }, { mixed: 'x' }, openEvent(2), { b: true, n: null }]);
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const c = bytes.slice();
      for (let k = 0; k <= rand(3); k++) c[rand(c.length)] = rand(256);
      // checkEventColumns (the hub's check without building events) accepts and refuses exactly the same bytes.
      let decoded: EventRecord[] | Error;
      let checked: number | Error;
      try {
        decoded = decodeEventColumns(c);
      } catch (err) {
        expect(err).toBeInstanceOf(EventColumnsError);
        decoded = err as Error;
      }
      try {
        checked = checkEventColumns(c);
      } catch (err) {
        checked = err as Error;
      }
      if (decoded instanceof Error) expect(checked).toEqual(decoded);
      else expect(checked).toBe(decoded.length);
    }
  });

  it('is how event frames travel: encodeFrame → decodeAgentToHub gives the same events, and a bad batch is a bad_frame', () => {
    const events = Array.from({ length: 50 }, (_, i) => openEvent(i));
    const frame = encodeFrame({ v: PROTOCOL_VERSION, type: 'events', runId: 'r1', node: 'n1', seq: 1, events });
    const d = decodeAgentToHub(frame);
    expect(d.ok && d.message.type === 'events' ? d.message.events : null).toEqual(events);
    // Replace the batch with garbage of the same length (bin payload is the frame's tail).
    const bad = frame.slice();
    bad.fill(0xff, bad.length - 20);
    const r = decodeAgentToHub(bad);
    expect(r.ok ? null : r.error.code).toBe('bad_frame');
  });

  it('relays a batch for the hub: checked and counted, its bytes kept, the same bad_frame as a full decode', () => {
    const events = Array.from({ length: 50 }, (_, i) => openEvent(i));
    const frame = encodeFrame({ v: PROTOCOL_VERSION, type: 'events', runId: 'r1', node: 'n1', seq: 7, events });
    const d = decodeAgentToHubRelayed(frame);
    if (!d.ok || d.message.type !== 'events') throw new Error(`not relayed: ${JSON.stringify(d)}`);
    expect({ runId: d.message.runId, node: d.message.node, seq: d.message.seq, count: d.message.count }).toEqual({ runId: 'r1', node: 'n1', seq: 7, count: 50 });
    expect(decodeEventColumns(d.message.columns)).toEqual(events);
    // Every truncation and corruption of the batch is refused as decodeAgentToHub refuses it.
    for (const cut of [1, 10, 40]) {
      const bad = frame.slice();
      bad.fill(0xfe, bad.length - cut);
      const full = decodeAgentToHub(bad);
      const relayed = decodeAgentToHubRelayed(bad);
      expect(relayed.ok ? 'ok' : relayed.error).toEqual(full.ok ? 'ok' : full.error);
    }
    // A bad envelope around a good batch is refused too.
    const noSeq = new Packr({ useRecords: true }).pack({ v: PROTOCOL_VERSION, type: 'events', runId: 'r1', node: 'n1', seq: 0, events: encodeEventColumns(events) });
    expect(decodeAgentToHubRelayed(noSeq)).toMatchObject({ ok: false, error: { code: 'bad_frame' } });
    // Other messages and batches sent as plain maps come through decodeAgentToHub (the maps encoded once).
    const maps = new Packr({ useRecords: true }).pack({ v: PROTOCOL_VERSION, type: 'events', runId: 'r2', node: 'n1', seq: 1, events: events.slice(0, 3) });
    const m = decodeAgentToHubRelayed(maps);
    expect(m.ok && m.message.type === 'events' ? [m.message.count, decodeEventColumns(m.message.columns)] : m).toEqual([3, events.slice(0, 3)]);
    const hello = encodeFrame({ v: PROTOCOL_VERSION, type: 'error', error: { code: 'internal', message: 'x' } });
    expect(decodeAgentToHubRelayed(hello)).toEqual(decodeAgentToHub(hello));
  });
});
