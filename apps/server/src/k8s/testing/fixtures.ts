// Builders for the JSON objects the test API server holds, shaped like a kubelet-reported cluster.
import type { KubeObject } from './objectStore.ts';

export interface PodSpec {
  namespace: string;
  name: string;
  node?: string;
  labels?: Record<string, string>;
  /** Owner (controller) reference, e.g. `{ kind: 'ReplicaSet', name: 'web-5d8f' }`. */
  owner?: { kind: string; name: string };
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  /** Containers; `id` like `containerd://<64 hex>` once the runtime created it (absent while the pod is pending). */
  containers?: { name: string; image?: string; id?: string; ready?: boolean; waitingReason?: string; restarts?: number }[];
  podIP?: string;
}

export function pod(spec: PodSpec): KubeObject {
  const containers = spec.containers ?? [{ name: 'main', image: 'busybox' }];
  const phase = spec.phase ?? (containers.every((c) => c.id !== undefined) ? 'Running' : 'Pending');
  return {
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: spec.labels ?? {},
      ...(spec.owner !== undefined
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: spec.owner.kind, name: spec.owner.name, uid: `owner-${spec.owner.name}`, controller: true, blockOwnerDeletion: true }] }
        : {}),
    },
    spec: {
      ...(spec.node !== undefined ? { nodeName: spec.node } : {}),
      containers: containers.map((c) => ({ name: c.name, image: c.image ?? 'busybox' })),
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
    },
    status: {
      phase,
      ...(spec.podIP !== undefined ? { podIP: spec.podIP } : {}),
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image ?? 'busybox',
        imageID: '',
        ready: c.ready ?? c.id !== undefined,
        restartCount: c.restarts ?? 0,
        started: c.id !== undefined,
        ...(c.id !== undefined ? { containerID: c.id } : {}),
        state: c.id !== undefined ? { running: { startedAt: '2026-01-01T00:00:00Z' } } : { waiting: { reason: c.waitingReason ?? 'ContainerCreating' } },
      })),
    },
  };
}

export function node(name: string, opts: { labels?: Record<string, string>; ready?: boolean; internalIP?: string } = {}): KubeObject {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...opts.labels } },
    spec: {},
    status: {
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', reason: 'KubeletReady' }],
      addresses: [
        { type: 'InternalIP', address: opts.internalIP ?? '127.0.0.1' },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.18.0', containerRuntimeVersion: 'containerd://1.6.20' },
    },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}
