import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureEventsQuery, commonFields, compileFilter, type CaptureMeta, type EventRecord, type GadgetMeta } from '@podscope/protocol';
import { CaptureFileWriter } from './captureFileWriter.ts';
import { captureFields, planFilter, resolvePlan } from './captureFilterPlan.ts';
import { queryEvents } from './captureQuery.ts';
import { CaptureStore } from './captureStore.ts';

const gadget: GadgetMeta = {
  name: 'mixed',
  category: 'trace',
  description: 'fields of every kind',
  params: [],
  fields: [
    ...commonFields,
    { name: 'note', type: 'string', description: '', defaultVisible: true },
    { name: 'flag', type: 'boolean', description: '', defaultVisible: true },
    { name: 'count', type: 'integer', description: '', defaultVisible: true },
    { name: 'size', type: 'bytes', unit: 'B', description: '', defaultVisible: true },
    { name: 'latency', type: 'duration', unit: 'ns', description: '', defaultVisible: true },
  ],
};

/** Values of every shape a column must hold exactly or hand back to the body: long text, booleans, nulls, wrong types. */
function event(i: number): EventRecord {
  const e: EventRecord = { timestamp: 1_700_000_000_000_000_000 + i * 1000, 'proc.comm': i % 3 === 0 ? 'dd' : 'sh', 'proc.pid': 100 + (i % 7) };
  if (i % 4 !== 0) e['k8s.node'] = `n${i % 2}`;
  if (i % 5 !== 0) e.note = i % 6 === 0 ? `${'x'.repeat(600)} abc ${i}` : `note ${i}${i % 3 === 1 ? ' abc' : ''}`;
  if (i % 7 === 0) e.note = null;
  if (i % 2 === 0) e.flag = i % 4 === 0;
  e.count = i % 9 === 0 ? String(i) : i % 11 === 0 ? 2.5 : i;
  if (i % 8 === 0) e.count = null;
  e.size = i % 10 === 0 ? 'AAEC' : i * 100;
  e.latency = i % 13 === 0 ? Number.NaN : i * 1_000;
  return e;
}

const FILTERS = [
  'note~abc',
  'note!~abc',
  'note=="note 4 abc"',
  'note!="note 4 abc"',
  'note~^x{3}',
  'flag==true',
  'flag!=true',
  'flag==false',
  'count>50',
  'count==25',
  'count<=2.5',
  'size>=1000',
  'latency<10us',
  'k8s.node==n1',
  'k8s.node!=n0',
  'note~abc or count>150',
  'not (flag==false),proc.comm==dd',
  'proc.comm~^d,note!~abc',
];

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const metaOf = (id: string): CaptureMeta => ({
  id, name: 'mixed', createdBy: 'test', createdAt: 1, startedAt: 1, state: 'complete', source: 'run',
  request: { gadget: 'mixed', target: { namespaces: [], excludeNamespaces: [], labels: [], nodes: [], host: false }, params: {} },
  gadgets: [gadget], nodes: ['n0'], losses: { kernel: 0, agent: 0, hub: 0, browser: 0, capture: 0 },
  startCut: false, eventsBeforeStart: 0, payload: false, podscopeVersion: 'test',
});

describe('field columns', () => {
  it('answer every filter in SQL exactly as the filter does on the stored events', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'podscope-fieldcols-'));
    const store = new CaptureStore(dir);
    const id = store.newId();
    const meta = metaOf(id);
    const writer = new CaptureFileWriter(store.file(id), meta);
    const N = 500;
    writer.append([{ node: 'n0', gadget: 'mixed', events: Array.from({ length: N }, (_, i) => event(i)) }]);
    writer.close();

    const reader = store.reader(id);
    const stored = queryEvents(reader, meta, CaptureEventsQuery.parse({ limit: 1000 })).events;
    expect(stored).toHaveLength(N);
    // The writer gives events without a node the frame's node, so the node column and the event agree.
    expect(stored.every((r) => typeof r.event['k8s.node'] === 'string')).toBe(true);
    expect(stored.filter((r) => r.event['k8s.node'] === 'n0')).toHaveLength(N / 2);

    const fields = captureFields(meta);
    for (const filter of FILTERS) {
      const compiled = compileFilter(filter, fields);
      if (!compiled.ok) throw new Error(`${filter}: ${compiled.error.message}`);
      const expected = stored.filter((r) => compiled.filter.matches(r.event)).map((r) => r.id);
      const plan = resolvePlan(reader, planFilter(filter, fields, {}));
      expect(plan.residual, filter).toBeUndefined();
      const got = queryEvents(reader, meta, CaptureEventsQuery.parse({ filter, limit: 1000 }));
      expect(got.events.map((r) => r.id), filter).toEqual(expected);
      expect(got.total, filter).toBe(expected.length);
    }
    // Sanity: the filters above select neither nothing nor everything.
    const sizes = FILTERS.map((f) => queryEvents(reader, meta, CaptureEventsQuery.parse({ filter: f, limit: 1 })).total);
    expect(FILTERS.filter((_, i) => !((sizes[i] ?? 0) > 0 && (sizes[i] ?? 0) < N))).toEqual([]);
    store.close();
  });

  it('still filters captures written before field columns (schema 1) by decoding bodies', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'podscope-fieldcols-'));
    const store = new CaptureStore(dir);
    const id = store.newId();
    const meta = metaOf(id);
    // No meta at creation: the file gets the fixed columns only, like captures of older hubs.
    const writer = new CaptureFileWriter(store.file(id), undefined);
    writer.setMeta({ ...meta, schemaVersion: 1 } as Partial<CaptureMeta>);
    writer.append([{ node: 'n0', gadget: 'mixed', events: Array.from({ length: 200 }, (_, i) => event(i)) }]);
    writer.close();
    const reader = store.reader(id);
    const stored = queryEvents(reader, meta, CaptureEventsQuery.parse({ limit: 1000 })).events;
    const fields = captureFields(meta);
    for (const filter of ['note~abc', 'flag==true', 'count>50', 'proc.comm==dd,note!~abc']) {
      const compiled = compileFilter(filter, fields);
      if (!compiled.ok) throw new Error(compiled.error.message);
      const expected = stored.filter((r) => compiled.filter.matches(r.event)).map((r) => r.id);
      expect(expected.length, filter).toBeGreaterThan(0);
      expect(queryEvents(reader, meta, CaptureEventsQuery.parse({ filter, limit: 1000 })).events.map((r) => r.id), filter).toEqual(expected);
    }
    store.close();
  });
});
