import { describe, expect, it } from 'vitest';
import { AgentHello, GadgetMeta, PROTOCOL_VERSION } from '@podscope/protocol';
import { gadgetCatalog } from '@podscope/bpf';
import { agentGadgets } from './agentHost.ts';

// The hub refuses a hello whose gadget metadata breaks the protocol schema, and then the node never connects:
// every gadget this agent can announce must pass it.
describe('the gadget catalogue an agent announces', () => {
  const metas = [...[...gadgetCatalog.values()].map((g) => g.meta), ...agentGadgets.map((g) => g.meta)];

  it.each(metas.map((m) => [m.name, m] as const))('%s matches the protocol GadgetMeta schema', (_name, meta) => {
    const parsed = GadgetMeta.safeParse(meta);
    expect(parsed.success ? 'ok' : parsed.error.message).toBe('ok');
  });

  it('fits in one hello message', () => {
    const hello = AgentHello.safeParse({ v: PROTOCOL_VERSION, type: 'hello', node: 'n', agentVersion: '0', gadgets: metas });
    expect(hello.success).toBe(true);
    expect(new Set(metas.map((m) => m.name)).size).toBe(metas.length);
  });
});
