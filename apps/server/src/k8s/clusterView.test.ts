import { expect, it } from 'vitest';
import { TargetSelector, type ContainerInfo } from '@podscope/protocol';
import type { ClusterPod } from './clusterPods.ts';
import { clusterPodOf } from './clusterPods.ts';
import { mergeInventory, placeRun } from './clusterView.ts';

const pods: ClusterPod[] = [
  { uid: 'u1', namespace: 'demo', name: 'web-1', node: 'node-a', phase: 'Running', labels: { app: 'web' }, owner: undefined, containers: [{ name: 'web', image: 'busybox', id: 'abc', runtime: 'containerd', state: 'running' }] },
  { uid: 'u2', namespace: 'demo', name: 'db-1', node: 'node-b', phase: 'Running', labels: { app: 'db' }, owner: undefined, containers: [{ name: 'db', image: 'busybox', id: 'def', runtime: 'containerd', state: 'running' }] },
  { uid: 'u3', namespace: 'demo', name: 'new-1', node: undefined, phase: 'Pending', labels: { app: 'web' }, owner: undefined, containers: [{ name: 'web', image: 'busybox', id: undefined, runtime: 'unknown', state: 'waiting' }] },
];

it('places a run on the nodes of its pods, each narrowed to its own pods; --host adds every agent node', () => {
  const web = placeRun(TargetSelector.parse({ labels: ['app=web'] }), pods, ['node-a', 'node-b']);
  expect([...web]).toEqual([['node-a', expect.objectContaining({ labels: [], pods: ['demo/web-1'] })]]);
  const host = placeRun(TargetSelector.parse({ labels: ['app=web'], host: true, nodes: ['node-a', 'node-c'] }), pods, ['node-a', 'node-b', 'node-c']);
  expect([...host].map(([n, t]) => [n, t.pods, t.host, t.nodes])).toEqual([
    ['node-a', ['demo/web-1'], true, []],
    ['node-c', [], true, []],
  ]);
  expect(placeRun(TargetSelector.parse({ containerName: 'db' }), pods, []).get('node-b')?.pods).toEqual(['demo/db-1']);
});

it('joins agent containers by runtime id and keeps non-pod containers, dropping another node’s claim to a pod', () => {
  const agent = (node: string, id: string, k8s: ContainerInfo['k8s']): ContainerInfo => ({ id, name: id, runtime: 'podman', image: 'x', labels: {}, node, mntns: 1, k8s });
  const inv = mergeInventory(
    {
      nodes: [{ node: 'node-a', connected: true, lastSeen: 1 }],
      containers: [
        agent('node-a', 'abc', { namespace: 'demo', podName: 'web-1', containerName: 'web' }),
        agent('node-a', 'def', { namespace: 'demo', podName: 'db-1', containerName: 'db' }),
        agent('node-a', 'bare', null),
      ],
    },
    { pods, nodes: ['node-a', 'node-b'], namespaces: ['demo'] },
  );
  expect(inv.containers.map((c) => [c.id, c.node, c.mntns, c.state])).toEqual([
    ['abc', 'node-a', 1, 'running'],
    ['def', 'node-b', undefined, 'running'],
    ['pending:u3/web', '', undefined, 'waiting'],
    ['bare', 'node-a', 1, undefined],
  ]);
  expect(inv.nodes).toEqual([
    { node: 'node-a', connected: true, lastSeen: 1 },
    { node: 'node-b', connected: false, lastSeen: 0 },
  ]);
});

it('reads pods from watch JSON: ids without scheme, controller owner, waiting containers', () => {
  const p = clusterPodOf({
    metadata: { name: 'w', namespace: 'n', uid: 'u', labels: { a: 'b' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'x', uid: '1' }, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '2', controller: true }] },
    spec: { nodeName: 'node-a', containers: [{ name: 'c1', image: 'i1' }, { name: 'c2', image: 'i2' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'c1', image: 'i1', imageID: '', ready: true, restartCount: 0, containerID: 'cri-o://123', state: { running: {} } }] },
  });
  expect(p).toMatchObject({ node: 'node-a', owner: { kind: 'ReplicaSet', name: 'rs' }, containers: [{ name: 'c1', id: '123', runtime: 'cri-o', state: 'running' }, { name: 'c2', id: undefined, state: 'waiting' }] });
});
