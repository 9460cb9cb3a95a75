import { describe, expect, it } from 'vitest';
import { fakeHost, snapshotFakeMeta, topFakeMeta } from '../../test/fakeGadget.ts';
import { composeHosts } from './composedHost.ts';

describe('composeHosts', () => {
  it('serves each gadget from its own host with that host’s push-down fields', async () => {
    const kernel = fakeHost([topFakeMeta]);
    const agentSide = fakeHost([snapshotFakeMeta]);
    const onlySnapshot = new Map([...agentSide.host.catalog].filter(([name]) => name === 'snapshot_fake'));
    const host = composeHosts([kernel.host, { ...agentSide.host, catalog: onlySnapshot, kernelFilterableFields: [] }]);
    expect([...host.catalog.keys()]).toEqual(['trace_exec', 'top_fake', 'snapshot_fake']);
    expect(host.kernelFilterableFieldsOf?.('trace_exec')).toEqual(['proc.comm', 'proc.pid', 'proc.uid']);
    expect(host.kernelFilterableFieldsOf?.('snapshot_fake')).toEqual([]);
    await host.startGadget('snapshot_fake', { params: {}, selection: { enabled: false }, onEvents: () => undefined });
    expect(agentSide.gadgets).toHaveLength(1);
    expect(kernel.gadgets).toHaveLength(0);
    expect(() => host.startGadget('nope', { params: {}, selection: { enabled: false }, onEvents: () => undefined })).toThrow(/no gadget named nope/);
  });

  it('refuses two hosts offering the same gadget', () => {
    expect(() => composeHosts([fakeHost().host, fakeHost().host])).toThrow(/offered by two gadget hosts/);
  });
});
