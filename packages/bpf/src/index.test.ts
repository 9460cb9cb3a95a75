import { describe, expect, it } from 'vitest';
import { GadgetMeta } from '@podscope/protocol';
import { gadgetCatalog, startGadget, UnsupportedError } from './index.ts';

describe('@podscope/bpf public API', () => {
  it('lists trace_exec with valid, available metadata', () => {
    const g = gadgetCatalog.get('trace_exec');
    expect(g).toBeDefined();
    const meta = GadgetMeta.parse(g?.meta);
    expect(meta.unavailable).toBeUndefined();
    expect(meta.params.map((p) => p.name)).toEqual(['ignore-failed', 'ring-size']);
    expect(meta.params.find((p) => p.name === 'ignore-failed')?.default).toBe(true);
  });

  it('refuses an unknown gadget with unknown_gadget', async () => {
    await expect(startGadget('trace_nothing', { params: {}, selection: { enabled: false }, onEvents: () => undefined })).rejects.toMatchObject({
      code: 'unknown_gadget',
    });
  });

  it('gives UnsupportedError the protocol code', () => {
    const err = new UnsupportedError('no ring buffers');
    expect(err).toMatchObject({ code: 'unsupported', name: 'UnsupportedError' });
  });
});
