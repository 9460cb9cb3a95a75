import { afterEach, describe, expect, it } from 'vitest';
import { ErrorResponse, InventoryResponse, RunResponse, type ContainerInfo, type HubToAgent } from '@podscope/protocol';
import { TestAgent, api, createRun, waitFor, type TestHub } from '../hubTestKit.ts';
import { startClusterTestHub, type ClusterTestHub } from './testing/clusterTestKit.ts';
import { namespace, node, pod } from './testing/fixtures.ts';
import type { TestApiServer, TestApiServerOptions } from './testing/testApiServer.ts';

let running: ClusterTestHub | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function clusterHub(opts: TestApiServerOptions = {}): Promise<{ hub: TestHub; api: TestApiServer; cookie: string }> {
  running = await startClusterTestHub((a) => {
    a.accessRules = [{ users: ['admin'], namespaces: ['*'], verbs: ['*'], resources: ['*'] }];
    for (const n of ['node-a', 'node-b']) a.apply('nodes', node(n));
    for (const ns of ['demo', 'empty']) a.apply('namespaces', namespace(ns));
    a.apply('pods', pod({ namespace: 'demo', name: 'web-1', node: 'node-a', labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'web-5d8f' }, containers: [{ name: 'web', id: 'containerd://aaa1' }] }));
    a.apply('pods', pod({ namespace: 'demo', name: 'web-2', node: 'node-b', labels: { app: 'web', canary: 'true' }, containers: [{ name: 'web', id: 'cri-o://bbb2' }] }));
    a.apply('pods', pod({ namespace: 'demo', name: 'pending-1', labels: { app: 'batch' } }));
  }, opts);
  return { hub: running.hub, api: running.k8s, cookie: running.cookie };
}

async function inventory(h: TestHub, cookie: string): Promise<InventoryResponse> {
  return InventoryResponse.parse((await api(h, 'GET', '/api/inventory', { cookie })).body);
}
const podsOf = (inv: InventoryResponse): string[] => [...new Set(inv.containers.flatMap((c) => (c.k8s ? [`${c.k8s.namespace}/${c.k8s.podName}`] : [])))].sort();
const listsOfPods = (a: TestApiServer): number => a.requests.filter((r) => r.path === '/api/v1/pods' && r.query.watch === undefined).length;

describe('cluster mode: inventory from the API server', () => {
  it('shows every pod, including one with no running container, with labels, owner, node and state', async () => {
    const { hub, cookie } = await clusterHub();
    const inv = await waitFor('cluster inventory', async () => {
      const i = await inventory(hub, cookie);
      return i.containers.length === 3 ? i : undefined;
    });
    expect(inv.source).toBe('cluster');
    expect(inv.namespaces).toEqual(['demo', 'empty']);
    expect(inv.nodes.map((n) => [n.node, n.connected])).toEqual([
      ['node-a', false],
      ['node-b', false],
    ]);
    const byPod = new Map(inv.containers.map((c) => [c.k8s?.podName, c]));
    expect(byPod.get('web-1')).toMatchObject({ id: 'aaa1', runtime: 'containerd', node: 'node-a', state: 'running', labels: { app: 'web' }, pod: { phase: 'Running', owner: { kind: 'ReplicaSet', name: 'web-5d8f' } } });
    expect(byPod.get('web-2')).toMatchObject({ id: 'bbb2', runtime: 'cri-o', node: 'node-b' });
    expect(byPod.get('pending-1')).toMatchObject({ node: '', state: 'waiting', pod: { phase: 'Pending' } });
  });

  it.each(['event', 'status'] as const)('follows pods being added, changed and deleted, and relists after 410 Expired (as %s)', async (expiredWatch) => {
    const { hub, api: k8s, cookie } = await clusterHub({ expiredWatch });
    await waitFor('initial pods', async () => podsOf(await inventory(hub, cookie)).length === 3);
    k8s.apply('pods', pod({ namespace: 'demo', name: 'db-1', node: 'node-a', labels: { app: 'db' } }));
    await waitFor('added pod', async () => podsOf(await inventory(hub, cookie)).includes('demo/db-1'));
    k8s.apply('pods', pod({ namespace: 'demo', name: 'db-1', node: 'node-a', labels: { app: 'db' }, containers: [{ name: 'main', id: 'containerd://ddd1' }] }));
    await waitFor('changed pod', async () => (await inventory(hub, cookie)).containers.some((c) => c.k8s?.podName === 'db-1' && c.state === 'running' && c.id === 'ddd1'));
    k8s.delete('pods', 'web-2', 'demo');
    await waitFor('deleted pod', async () => !podsOf(await inventory(hub, cookie)).includes('demo/web-2'));

    // Changes while the watch is down, then a compaction: the informer's resourceVersion is too old, so it relists.
    await waitFor('pods watch open', () => k8s.watchCount('pods') === 1);
    const listsBefore = listsOfPods(k8s);
    k8s.closeWatches();
    k8s.apply('pods', pod({ namespace: 'demo', name: 'late-1', node: 'node-b' }));
    k8s.delete('pods', 'db-1', 'demo');
    k8s.compact();
    await waitFor(`relist (${expiredWatch})`, async () => {
      const pods = podsOf(await inventory(hub, cookie));
      return pods.includes('demo/late-1') && !pods.includes('demo/db-1');
    });
    expect(listsOfPods(k8s)).toBe(listsBefore + 1);
  });
});

const startRuns = (agent: TestAgent): Extract<HubToAgent, { type: 'startRun' }>[] => agent.received.flatMap((m) => (m.type === 'startRun' ? [m] : []));
const retargets = (agent: TestAgent): Extract<HubToAgent, { type: 'retarget' }>[] => agent.received.flatMap((m) => (m.type === 'retarget' ? [m] : []));
const agentContainer = (nodeName: string, id: string, podName: string): ContainerInfo => ({
  id,
  name: podName,
  runtime: 'containerd',
  image: 'busybox',
  labels: {},
  node: nodeName,
  mntns: 4026532000,
  k8s: { namespace: 'demo', podName, containerName: 'web' },
});

describe('cluster mode: routing runs to the nodes of the pods', () => {
  it('resolves label selectors against the API server and tells each agent exactly its pods', async () => {
    const { hub, api: k8s, cookie } = await clusterHub();
    const a = await TestAgent.connect(hub, 'node-a');
    const b = await TestAgent.connect(hub, 'node-b');
    a.inventory([agentContainer('node-a', 'aaa1', 'web-1')]);
    await waitFor('joined inventory', async () => (await inventory(hub, cookie)).containers.some((c) => c.id === 'aaa1' && c.mntns === 4026532000 && c.labels.app === 'web'));

    const canaryFree = await createRun(hub, cookie, { gadget: 'trace_exec', target: { namespaces: ['demo'], labels: ['app=web,!canary'] } });
    await waitFor('startRun on node-a', () => startRuns(a).length === 1);
    expect(startRuns(a)[0]?.request.target).toMatchObject({ namespaces: ['demo'], labels: [], pods: ['demo/web-1'] });
    expect(startRuns(b)).toEqual([]);
    const run = RunResponse.parse((await api(hub, 'GET', `/api/runs/${canaryFree}`, { cookie })).body).run;
    expect(run.request.target.labels).toEqual(['app=web,!canary']);

    const onNode = await createRun(hub, cookie, { gadget: 'trace_exec', target: { nodes: ['node-b'] } });
    await waitFor('startRun on node-b', () => startRuns(b).some((m) => m.runId === onNode));
    expect(startRuns(b)[0]?.request.target.pods).toEqual(['demo/web-2']);
    expect(startRuns(a).some((m) => m.runId === onNode)).toBe(false);

    // A new matching pod on node-b brings the run there; a relabelled pod leaves it (retarget to no pod).
    k8s.apply('pods', pod({ namespace: 'demo', name: 'web-3', node: 'node-b', labels: { app: 'web' } }));
    await waitFor('run follows the new pod', () => startRuns(b).some((m) => m.runId === canaryFree));
    expect(startRuns(b).find((m) => m.runId === canaryFree)?.request.target.pods).toEqual(['demo/web-3']);
    k8s.apply('pods', pod({ namespace: 'demo', name: 'web-1', node: 'node-a', labels: { app: 'web', canary: 'yes' }, containers: [{ name: 'web', id: 'containerd://aaa1' }] }));
    await waitFor('retarget on node-a', () => retargets(a).some((m) => m.runId === canaryFree));
    expect(retargets(a).find((m) => m.runId === canaryFree)?.target.pods).toEqual([]);
  });

  it('answers no_targets when no pod matches, and waits for unscheduled pods and absent agents', async () => {
    const { hub, cookie } = await clusterHub();
    await TestAgent.connect(hub, 'node-a');
    await waitFor('pods listed', async () => (await inventory(hub, cookie)).containers.length === 3);
    const none = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: { labels: ['app=nothing'] } } });
    expect(none.status).toBe(422);
    expect(ErrorResponse.parse(none.body).error.message).toBe('no pod in the cluster matches label "app=nothing"');
    const pending = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: { labels: ['app=batch'] } } });
    expect(pending.status).toBe(201);
    expect(RunResponse.parse(pending.body).run).toMatchObject({ state: 'starting', nodes: [] });
    const noAgent = await api(hub, 'POST', '/api/runs', { cookie, body: { gadget: 'trace_exec', target: { podName: 'web-2' } } });
    expect(RunResponse.parse(noAgent.body).run.nodes).toEqual([expect.objectContaining({ node: 'node-b', state: 'starting', error: expect.objectContaining({ message: expect.stringContaining('no agent is connected on node node-b') as unknown }) as unknown })]);
  });
});
