import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorResponse, PROTOCOL_VERSION, type GadgetMeta } from '@podscope/protocol';
import { TestAgent, TestBrowser, api, container, createRun, login, startTestHub, traceExec, waitFor, type TestHub } from '../hubTestKit.ts';
import { startClusterTestHub, type ClusterTestHub } from '../k8s/testing/clusterTestKit.ts';
import { namespace, node, pod } from '../k8s/testing/fixtures.ts';
import type { TestApiServer } from '../k8s/testing/testApiServer.ts';

const traceIo: GadgetMeta = { ...traceExec, name: 'trace_io', description: 'I/O buffers', payload: true };
const tcpdump: GadgetMeta = { ...traceExec, name: 'tcpdump', description: 'packets' };

let hub: TestHub | undefined;
let cluster: ClusterTestHub | undefined;
let dir: string | undefined;
afterEach(async () => {
  await hub?.stop();
  await cluster?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  hub = cluster = dir = undefined;
});

const forbidden = (res: { status: number; body: unknown }) => {
  expect(res.status).toBe(403);
  return ErrorResponse.parse(res.body).error;
};

describe('Kubernetes RBAC (SubjectAccessReview) in cluster mode', () => {
  async function setUp(): Promise<{ h: TestHub; k8s: TestApiServer; cookie: string; agent: TestAgent }> {
    cluster = await startClusterTestHub((k8s) => {
      k8s.apply('nodes', node('node-a'));
      for (const ns of ['demo', 'shop', 'secret']) {
        k8s.apply('namespaces', namespace(ns));
        k8s.apply('pods', pod({ namespace: ns, name: 'web-1', node: 'node-a', containers: [{ name: 'web', id: `containerd://${ns}1` }] }));
      }
      // demo: metadata and payload gadgets; shop: metadata only; secret: nothing.
      k8s.accessRules = [
        { users: ['admin'], namespaces: ['demo'], verbs: ['get'], resources: ['pods/log'] },
        { users: ['admin'], namespaces: ['demo'], verbs: ['create'], resources: ['pods/exec'] },
        { users: ['admin'], namespaces: ['shop'], verbs: ['get'], resources: ['pods/log'] },
      ];
    });
    const { hub: h, k8s, cookie } = cluster;
    const agent = await TestAgent.connect(h, 'node-a', { gadgets: [traceExec, traceIo, tcpdump] });
    return { h, k8s, cookie, agent };
  }

  it('streams in an allowed namespace, and answers 403 with the reason in a denied one', async () => {
    const { h, k8s, cookie, agent } = await setUp();
    const runId = await createRun(h, cookie, { gadget: 'trace_exec', target: { namespaces: ['demo'] } });
    const browser = await TestBrowser.connect(h, cookie);
    await browser.subscribe(runId);
    await waitFor('startRun', () => agent.startRuns().includes(runId));
    agent.status(runId);
    agent.events(runId, 1, [{ timestamp: 1, 'proc.comm': 'ls', 'k8s.namespace': 'demo' }]);
    await waitFor('events reach the browser', () => browser.events(runId).length === 1);
    await browser.close();

    const denied = forbidden(await api(h, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: { namespaces: ['demo', 'secret'] } } }));
    expect(denied.code).toBe('forbidden');
    expect(denied.message).toBe('user "admin" may not run trace_exec in namespace "secret": it needs "get pods/log"; Kubernetes: no rule lets user "admin" get pods/log in namespace "secret"');
    expect(denied.details).toMatchObject({ user: 'admin', gadget: 'trace_exec', payload: false, required: 'get pods/log', namespaces: ['secret'], authorizer: 'kubernetes' });
    const sar = k8s.requests.filter((r) => r.method === 'POST' && r.path === '/apis/authorization.k8s.io/v1/subjectaccessreviews');
    expect(sar.length).toBeGreaterThan(0);

    const all = forbidden(await api(h, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: {} } }));
    expect(all.message).toMatch(/^user "admin" may not run trace_exec in all namespaces \(choose namespaces with -n\)/);
    // A timed capture starts a run too: the same check applies.
    forbidden(await api(h, 'POST', '/api/captures', { cookie, body: { request: { gadget: 'trace_exec', target: { namespaces: ['secret'] } }, durationSec: 5 } }));
    expect(agent.startRuns()).toEqual([runId]);
  });

  it('makes payload gadgets need create pods/exec as well', async () => {
    const { h, cookie } = await setUp();
    const shop = forbidden(await api(h, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_io', target: { namespaces: ['shop'] } } }));
    expect(shop.message).toBe(
      'user "admin" may not run trace_io in namespace "shop": it needs "create pods/exec" (the gadget captures payload bytes); Kubernetes: no rule lets user "admin" create pods/exec in namespace "shop"',
    );
    expect(shop.details).toMatchObject({ payload: true, required: 'create pods/exec' });
    // tcpdump is a payload gadget by configuration (PODSCOPE_PAYLOAD_GADGETS), even without the metadata flag.
    forbidden(await api(h, 'POST', '/api/runs', { cookie, body: { gadget: 'tcpdump', target: { namespaces: ['shop'] } } }));
    expect((await api(h, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_io', target: { namespaces: ['demo'] } } })).status).toBe(201);
    expect((await api(h, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: { namespaces: ['shop'] } } })).status).toBe(201);
  });
});

describe('the role file in the embedded default', () => {
  async function withRoles(roles: unknown): Promise<{ h: TestHub; cookie: string; agent: TestAgent }> {
    dir = await mkdtemp(path.join(os.tmpdir(), 'podscope-roles-'));
    const file = path.join(dir, 'roles.json');
    await writeFile(file, JSON.stringify(roles));
    const h = await startTestHub({}, { PODSCOPE_ROLES: file });
    hub = h;
    const agent = await TestAgent.connect(h, 'node-a', { gadgets: [traceExec, traceIo] });
    agent.inventory([container('node-a', 'demo'), container('node-a', 'secret')]);
    await waitFor('inventory', () => h.registry.runningContainers().length === 2);
    return { h, cookie: await login(h), agent };
  }

  it('gives the same model: namespaces and verbs per user', async () => {
    const { h, cookie } = await withRoles({ users: { admin: [{ namespaces: ['demo'], allow: ['get pods/log'] }] } });
    expect((await api(h, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: { namespaces: ['demo'] } } })).status).toBe(201);
    const secret = forbidden(await api(h, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: { namespaces: ['secret'] } } }));
    expect(secret.message).toMatch(/^user "admin" may not run trace_exec in namespace "secret": it needs "get pods\/log"; the role file: .*roles\.json grants user "admin" no "get pods\/log" in namespace "secret"$/);
    expect(secret.details).toMatchObject({ authorizer: 'role-file' });
    const payload = forbidden(await api(h, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_io', target: { namespaces: ['demo'] } } }));
    expect(payload.details).toMatchObject({ required: 'create pods/exec', payload: true });
  });

  it('checks a user who watches someone else\'s run like one who starts it', async () => {
    const { h, cookie, agent } = await withRoles({ users: { admin: [{ namespaces: ['*'], allow: ['*'] }], vera: [{ namespaces: ['demo'], allow: ['get pods/log'] }] } });
    expect((await api(h, 'POST', '/api/users', { cookie, body: { username: 'vera', password: 'viewer-password-1' } })).status).toBe(201);
    const vera = await login(h, 'viewer-password-1', 'vera');
    const secretRun = await createRun(h, cookie, { gadget: 'trace_exec', target: { namespaces: ['secret'] } });
    const demoRun = await createRun(h, cookie, { gadget: 'trace_exec', target: { namespaces: ['demo'] } });
    const browser = await TestBrowser.connect(h, vera);
    browser.send({ v: PROTOCOL_VERSION, type: 'subscribe', runId: secretRun });
    await waitFor('the refusal', () => browser.errors().includes('forbidden'));
    await browser.subscribe(demoRun);
    await waitFor('startRun', () => agent.startRuns().includes(demoRun));
    agent.status(demoRun);
    agent.status(secretRun);
    agent.events(secretRun, 1, [{ timestamp: 1, 'proc.comm': 'cat', 'k8s.namespace': 'secret' }]);
    agent.events(demoRun, 1, [{ timestamp: 2, 'proc.comm': 'ls', 'k8s.namespace': 'demo' }]);
    await waitFor('demo events', () => browser.events(demoRun).length === 1);
    expect(browser.events(secretRun)).toEqual([]);
    await browser.close();
  });

  it('lets a wildcard grant run everything, -A included', async () => {
    const { h, cookie } = await withRoles({ users: { admin: [{ namespaces: ['*'], allow: ['*'] }] } });
    expect((await api(h, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_io', target: {} } })).status).toBe(201);
  });

  it('refuses to start with a malformed role file', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'podscope-roles-'));
    const file = path.join(dir, 'roles.json');
    await writeFile(file, JSON.stringify({ users: { admin: [{ namespaces: ['demo'], allow: ['pods/log'] }] } }));
    await expect(startTestHub({}, { PODSCOPE_ROLES: file })).rejects.toThrow(/invalid role file .*roles\.json: .*verb resource/);
  });
});
