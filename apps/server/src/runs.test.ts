import { afterEach, describe, expect, it } from 'vitest';
import { ErrorResponse, InventoryResponse, RunResponse, RunsResponse } from '@podscope/protocol';
import { TestAgent, TestBrowser, api, container, createRun, login, startTestHub, waitFor, type TestHub } from './hubTestKit.ts';

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

async function hubWithAgent(overrides: Parameters<typeof startTestHub>[0] = {}): Promise<{ hub: TestHub; cookie: string; agent: TestAgent }> {
  const h = await startTestHub(overrides);
  hub = h;
  const cookie = await login(h);
  const agent = await TestAgent.connect(h, 'node-a');
  agent.inventory([container('node-a', 'demo')]);
  await waitFor('inventory', () => h.registry.runningContainers().length === 1);
  return { hub: h, cookie, agent };
}

const error = (body: unknown) => ErrorResponse.parse(body).error;

describe('POST /api/runs input checks', () => {
  it('refuses an unknown gadget with 404 unknown_gadget naming the known ones', async () => {
    const { hub, cookie } = await hubWithAgent();
    const res = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_nope', target: {} } });
    expect(res.status).toBe(404);
    expect(error(res.body)).toMatchObject({ code: 'unknown_gadget', details: { known: ['trace_exec'] } });
    expect(error(res.body).message).toContain('trace_exec');
  });

  it('refuses a parameter of the wrong type with 400 bad_param', async () => {
    const { hub, cookie } = await hubWithAgent();
    const res = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: {}, params: { 'max-args': 'many' } } });
    expect(res.status).toBe(400);
    expect(error(res.body).code).toBe('bad_param');
    expect(error(res.body).message).toContain('--max-args');
  });

  it('refuses a malformed filter with 400 bad_param naming the position, and starts nothing', async () => {
    const { hub, cookie, agent } = await hubWithAgent();
    const res = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: {}, filter: 'proc.comm==ls,(proc.pid>1' } });
    expect(res.status).toBe(400);
    expect(error(res.body)).toMatchObject({ code: 'bad_param', details: { param: 'filter', position: 14 } });
    expect(error(res.body).message).toMatch(/unbalanced "\(".*position 15/);
    expect(agent.startRuns()).toEqual([]);
  });

  it('passes a valid filter to the agents', async () => {
    const { hub, cookie, agent } = await hubWithAgent();
    const res = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: {}, filter: 'proc.comm==ls' } });
    expect(res.status).toBe(201);
    await waitFor('startRun', () => agent.startRuns().length === 1);
    const start = agent.received.find((m) => m.type === 'startRun');
    expect(start?.type === 'startRun' ? start.request.filter : undefined).toBe('proc.comm==ls');
  });

  it('refuses a namespace with no pods with 422 no_targets, unless the host is traced', async () => {
    const { hub, cookie, agent } = await hubWithAgent();
    const res = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: { namespaces: ['nope'] } } });
    expect(res.status).toBe(422);
    expect(error(res.body)).toMatchObject({ code: 'no_targets', message: 'no running container matches namespace "nope"' });
    expect(agent.startRuns()).toEqual([]);

    const host = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: { namespaces: ['nope'], host: true } } });
    expect(host.status).toBe(201);
  });

  it('answers malformed JSON, an empty body, a bad shape and an oversized body with 400', async () => {
    const { hub, cookie } = await hubWithAgent();
    const bad = await api(hub, 'POST', '/api/runs', { cookie, rawBody: '{"gadget": "trace_exec",' });
    expect(bad.status).toBe(400);
    expect(error(bad.body)).toMatchObject({ code: 'bad_request' });
    expect(error(bad.body).message).toMatch(/not valid JSON/);

    const empty = await api(hub, 'POST', '/api/runs', { cookie, rawBody: '' });
    expect(empty.status).toBe(400);

    const shape = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 5 } });
    expect(shape.status).toBe(400);
    expect(error(shape.body).message).toContain('gadget');

    const huge = await api(hub, 'POST', '/api/runs', { cookie, rawBody: JSON.stringify({ gadget: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(huge.status).toBe(400);
    expect(error(huge.body).message).toMatch(/larger than/);
  });

  it('answers unknown runs and routes with 404 JSON', async () => {
    const { hub, cookie } = await hubWithAgent();
    expect((await api(hub, 'GET', '/api/runs/nope', { cookie })).status).toBe(404);
    expect((await api(hub, 'DELETE', '/api/runs/nope', { cookie })).status).toBe(404);
    const unknown = await api(hub, 'GET', '/api/nothing', { cookie });
    expect(unknown.status).toBe(404);
    expect(error(unknown.body).code).toBe('not_found');
  });
});

describe('run lifecycle', () => {
  it('starts on the agent, runs, lists and stops on DELETE', async () => {
    const { hub, cookie, agent } = await hubWithAgent();
    const created = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: { namespaces: ['demo'] }, params: { 'max-args': '32' } } });
    expect(created.status).toBe(201);
    const run = RunResponse.parse(created.body).run;
    expect(run).toMatchObject({ state: 'starting', createdBy: 'admin', request: { params: { 'max-args': 32, 'ignore-failed': true } } });

    await waitFor('startRun', () => agent.received.find((m) => m.type === 'startRun' && m.runId === run.id));
    agent.status(run.id, { attachMs: 12 });
    await waitFor('running', async () => RunResponse.parse((await api(hub, 'GET', `/api/runs/${run.id}`, { cookie })).body).run.state === 'running');

    const stopped = await api(hub, 'DELETE', `/api/runs/${run.id}`, { cookie });
    expect(RunResponse.parse(stopped.body).run.state).toBe('stopped');
    await waitFor('stopRun', () => agent.received.find((m) => m.type === 'stopRun' && m.runId === run.id));
    const list = RunsResponse.parse((await api(hub, 'GET', '/api/runs', { cookie })).body).runs;
    expect(list.map((r) => [r.id, r.state])).toEqual([[run.id, 'stopped']]);
  });

  it('stops a run nobody subscribes to, and one whose last subscriber left after the grace period', async () => {
    const { hub, cookie, agent } = await hubWithAgent({ runs: { leaveGraceMs: 200, unclaimedMs: 200, keepFinished: 10, history: { maxEvents: 1000, maxBytes: 1 << 20 } } });
    const unclaimed = await createRun(hub, cookie, { gadget: 'trace_exec', target: {} });
    await waitFor('unclaimed run stopped', () => agent.received.find((m) => m.type === 'stopRun' && m.runId === unclaimed));

    const watched = await createRun(hub, cookie, { gadget: 'trace_exec', target: {} });
    const browser = await TestBrowser.connect(hub, cookie);
    await browser.subscribe(watched);
    await browser.close();
    await waitFor('left run stopped', () => agent.received.find((m) => m.type === 'stopRun' && m.runId === watched));
    expect(hub.runs.get(watched).state).toBe('stopped');
  });

  it('keeps a run through a page reload within the grace period', async () => {
    const { hub, cookie } = await hubWithAgent();
    const runId = await createRun(hub, cookie, { gadget: 'trace_exec', target: {} });
    const first = await TestBrowser.connect(hub, cookie);
    await first.subscribe(runId);
    await first.close();
    const second = await TestBrowser.connect(hub, cookie);
    await second.subscribe(runId);
    expect(second.lastRun(runId)?.state).toBe('starting');
  });
});

describe('agent reconnect', () => {
  it("reports each node's kernel features and agent version in the inventory", async () => {
    const h = await startTestHub();
    hub = h;
    const cookie = await login(h);
    await TestAgent.connect(h, 'node-k', { features: { tracepoint: true, kprobe: false, fentry: false } });
    const inv = InventoryResponse.parse((await api(h, 'GET', '/api/inventory', { cookie })).body);
    expect(inv.nodes).toEqual([expect.objectContaining({ node: 'node-k', connected: true, agentVersion: 'test', features: { tracepoint: true, kprobe: false, fentry: false } })]);
  });

  it('keeps the inventory of a gone node and re-sends its active runs when it comes back', async () => {
    const { hub, cookie, agent } = await hubWithAgent();
    const runId = await createRun(hub, cookie, { gadget: 'trace_exec', target: { namespaces: ['demo'] } });
    const browser = await TestBrowser.connect(hub, cookie);
    await browser.subscribe(runId);
    agent.status(runId);
    await waitFor('running', () => browser.lastRun(runId)?.nodes[0]?.state === 'running');

    await agent.close();
    await waitFor('node waiting', () => browser.lastRun(runId)?.nodes[0]?.state === 'starting');
    expect(browser.lastRun(runId)?.nodes[0]?.error?.message).toMatch(/disconnected/);
    const inv = InventoryResponse.parse((await api(hub, 'GET', '/api/inventory', { cookie })).body);
    expect(inv.nodes).toEqual([{ node: 'node-a', connected: false, agentVersion: 'test', lastSeen: expect.any(Number) as number }]);
    expect(inv.containers.map((c) => c.id)).toEqual(['node-a-demo-web-1']);

    const back = await TestAgent.connect(hub, 'node-a');
    await waitFor('startRun again', () => back.startRuns().includes(runId));
    back.status(runId);
    await waitFor('running again', () => {
      const node = browser.lastRun(runId)?.nodes[0];
      return node?.state === 'running' && node.error === undefined;
    });
    const after = InventoryResponse.parse((await api(hub, 'GET', '/api/inventory', { cookie })).body);
    expect(after.nodes[0]?.connected).toBe(true);
  });

  it('tells an agent to stop a run the hub does not know', async () => {
    const { agent } = await hubWithAgent();
    agent.events('ghost', 1, [{ 'proc.comm': 'x' }]);
    await waitFor('stopRun ghost', () => agent.received.find((m) => m.type === 'stopRun' && m.runId === 'ghost'));
  });
});
