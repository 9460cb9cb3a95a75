import type { V1Namespace, V1Node, V1Pod } from '@kubernetes/client-node';
import type { ContainerInfo, ContainerRuntime } from '@podscope/protocol';

/** A pod as the hub needs it: identity, placement, labels, owner and its containers' runtime ids and states. */
export interface ClusterPod {
  uid: string;
  namespace: string;
  name: string;
  /** Unset while the pod is not scheduled yet. */
  node: string | undefined;
  phase: string;
  labels: Record<string, string>;
  owner: { kind: string; name: string } | undefined;
  containers: ClusterContainer[];
}

export interface ClusterContainer {
  name: string;
  image: string;
  /** The runtime's container id without its `containerd://` / `cri-o://` / `docker://` scheme; unset until created. */
  id: string | undefined;
  runtime: ContainerRuntime;
  state: 'running' | 'waiting' | 'terminated';
}

const runtimeOfScheme: Record<string, ContainerRuntime> = { containerd: 'containerd', 'cri-o': 'cri-o', docker: 'docker', podman: 'podman' };

/** `containerd://abc…` → ['containerd', 'abc…']. */
export function splitContainerId(containerId: string | undefined): { runtime: ContainerRuntime; id: string } | undefined {
  if (containerId === undefined || containerId === '') return undefined;
  const m = /^([a-z-]+):\/\/(.+)$/.exec(containerId);
  if (m === null) return { runtime: 'unknown', id: containerId };
  return { runtime: runtimeOfScheme[m[1]!] ?? 'unknown', id: m[2]! };
}

/** Reads a pod from a list (typed objects) or a watch event (plain JSON): only fields both spell the same are used. */
export function clusterPodOf(pod: V1Pod): ClusterPod | undefined {
  const meta = pod.metadata;
  if (meta?.name === undefined || meta.namespace === undefined) return undefined;
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const owner = meta.ownerReferences?.find((o) => o.controller === true) ?? meta.ownerReferences?.[0];
  return {
    uid: meta.uid ?? `${meta.namespace}/${meta.name}`,
    namespace: meta.namespace,
    name: meta.name,
    node: pod.spec?.nodeName ?? undefined,
    phase: pod.status?.phase ?? 'Pending',
    labels: { ...meta.labels },
    owner: owner === undefined ? undefined : { kind: owner.kind, name: owner.name },
    containers: (pod.spec?.containers ?? []).map((c) => {
      const s = statuses.get(c.name);
      const rid = splitContainerId(s?.containerID);
      const state = s?.state?.running !== undefined ? 'running' : s?.state?.terminated !== undefined ? 'terminated' : 'waiting';
      return { name: c.name, image: s?.image ?? c.image ?? '', id: rid?.id, runtime: rid?.runtime ?? 'unknown', state };
    }),
  };
}

export const nodeNameOf = (n: V1Node): string | undefined => n.metadata?.name;
export const namespaceNameOf = (n: V1Namespace): string | undefined => n.metadata?.name;

/** The inventory entry of one of a pod's containers (before any agent has reported it). */
export function containerInfoOf(pod: ClusterPod, c: ClusterContainer): ContainerInfo {
  return {
    id: c.id ?? `pending:${pod.uid}/${c.name}`,
    name: c.name,
    runtime: c.runtime,
    image: c.image,
    labels: pod.labels,
    node: pod.node ?? '',
    k8s: { namespace: pod.namespace, podName: pod.name, containerName: c.name, podUid: pod.uid },
    state: c.state,
    pod: { phase: pod.phase, ...(pod.owner !== undefined ? { owner: pod.owner } : {}) },
  };
}
