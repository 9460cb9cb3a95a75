import type { ContainerInfo } from '@podscope/protocol';

export interface PodNode {
  namespace: string;
  pod: string;
  nodes: string[];
  containers: ContainerInfo[];
}

export interface NamespaceNode {
  /** null = containers with no Kubernetes identity. */
  namespace: string | null;
  pods: PodNode[];
  /** Containers with no pod (only under the null namespace). */
  bare: ContainerInfo[];
}

function matches(c: ContainerInfo, needle: string): boolean {
  if (needle === '') return true;
  const hay = [c.k8s?.namespace, c.k8s?.podName, c.k8s?.containerName, c.name, c.image, c.node, c.runtime];
  return hay.some((h) => h !== undefined && h.toLowerCase().includes(needle));
}

/** Groups the inventory into namespace → pod → container, filtered by a search text, sorted by name. */
export function buildTargetTree(containers: readonly ContainerInfo[], search: string): NamespaceNode[] {
  const needle = search.trim().toLowerCase();
  const byNs = new Map<string | null, NamespaceNode>();
  const pods = new Map<string, PodNode>();
  for (const c of containers) {
    if (!matches(c, needle)) continue;
    const ns = c.k8s?.namespace ?? null;
    let nsNode = byNs.get(ns);
    if (nsNode === undefined) {
      nsNode = { namespace: ns, pods: [], bare: [] };
      byNs.set(ns, nsNode);
    }
    if (c.k8s === null) {
      nsNode.bare.push(c);
      continue;
    }
    const key = `${c.k8s.namespace}/${c.k8s.podName}`;
    let pod = pods.get(key);
    if (pod === undefined) {
      pod = { namespace: c.k8s.namespace, pod: c.k8s.podName, nodes: [], containers: [] };
      pods.set(key, pod);
      nsNode.pods.push(pod);
    }
    if (!pod.nodes.includes(c.node)) pod.nodes.push(c.node);
    pod.containers.push(c);
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  const out = [...byNs.values()].sort((a, b) => (a.namespace === null ? 1 : b.namespace === null ? -1 : byName(a.namespace, b.namespace)));
  for (const ns of out) {
    ns.pods.sort((a, b) => byName(a.pod, b.pod));
    for (const p of ns.pods) p.containers.sort((a, b) => byName(a.k8s?.containerName ?? a.name, b.k8s?.containerName ?? b.name));
    ns.bare.sort((a, b) => byName(a.name, b.name));
  }
  return out;
}
