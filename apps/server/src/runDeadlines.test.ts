import { afterEach, describe, expect, it } from 'vitest';
import { ErrorResponse, RunResponse } from '@podscope/protocol';
import { TestAgent, api, container, login, startTestHub, waitFor, type TestHub } from './hubTestKit.ts';

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

describe('runs with a duration', () => {
  it('stop themselves once durationSec has passed; runs without one keep running', async () => {
    hub = await startTestHub();
    const cookie = await login(hub);
    const agent = await TestAgent.connect(hub, 'node-a');
    agent.inventory([container('node-a', 'demo')]);
    await waitFor('inventory', () => hub?.registry.runningContainers().length === 1);

    const timed = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: { namespaces: ['demo'] }, durationSec: 0.3 } });
    expect(timed.status).toBe(201);
    const timedId = RunResponse.parse(timed.body).run.id;
    const open = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: { namespaces: ['demo'] } } });
    const openId = RunResponse.parse(open.body).run.id;
    agent.status(timedId);
    agent.status(openId);

    // The hub tells the agent to stop the timed run, and reports it stopped.
    await waitFor('stopRun for the timed run', () => agent.received.some((m) => m.type === 'stopRun' && m.runId === timedId));
    const state = async (id: string): Promise<string> => RunResponse.parse((await api(hub!, 'GET', `/api/runs/${id}`, { cookie })).body).run.state;
    await waitFor('timed run stopped', async () => (await state(timedId)) === 'stopped');
    expect(await state(openId)).toBe('running');
    expect(agent.received.some((m) => m.type === 'stopRun' && m.runId === openId)).toBe(false);

    for (const durationSec of [0, -5, 8 * 24 * 3600, 'soon']) {
      const bad = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: {}, durationSec } });
      expect(bad.status).toBe(400);
      expect(ErrorResponse.parse(bad.body).error.message).toMatch(/durationSec/);
    }
  });
});
