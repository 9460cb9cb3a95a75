// The hub's view in cluster mode: pods come from the API server, runtime details (pid, mount namespace) from the agents.
import { selectorMatches, type ContainerInfo, type InventoryResponse, type TargetSelector } from '@podscope/protocol';
import { containerInfoOf, type ClusterPod } from './clusterPods.ts';

export interface ClusterSnapshot {
  pods: readonly ClusterPod[];
  nodes: readonly string[];
  namespaces: readonly string[];
}

/**
 * The inventory the target picker shows: every container of every pod the API server knows (a pod with no running
 * container yet included, marked `waiting`), joined with what the pod's node's agent reports for it; then whatever the
 * agents report that is no known pod's container (host containers, pods the API server does not know).
 */
export function mergeInventory(agents: InventoryResponse, cluster: ClusterSnapshot): InventoryResponse {
  const byId = new Map<string, ContainerInfo>();
  const byName = new Map<string, ContainerInfo>();
  for (const c of agents.containers) {
    byId.set(`${c.node}\0${c.id}`, c);
    if (c.k8s !== null && c.exitedAt === undefined) byName.set(`${c.node}\0${c.k8s.namespace}/${c.k8s.podName}/${c.k8s.containerName}`, c);
  }
  const used = new Set<ContainerInfo>();
  const containers: ContainerInfo[] = [];
  for (const pod of cluster.pods) {
    for (const cc of pod.containers) {
      const base = containerInfoOf(pod, cc);
      const seen = (cc.id !== undefined ? byId.get(`${base.node}\0${cc.id}`) : undefined) ?? byName.get(`${base.node}\0${pod.namespace}/${pod.name}/${cc.name}`);
      if (seen === undefined) {
        containers.push(base);
        continue;
      }
      used.add(seen);
      // Runtime facts from the agent; identity, labels and state from the API server.
      containers.push({ ...seen, labels: base.labels, k8s: base.k8s, ...(base.state !== undefined ? { state: base.state } : {}), ...(base.pod !== undefined ? { pod: base.pod } : {}) });
    }
  }
  // A pod's containers are listed once, from its node; another node's agent claiming them (one host running several
  // agents, or a stale runtime record) is not the pod the API server means.
  const clusterPods = new Set(cluster.pods.map((p) => `${p.namespace}/${p.name}`));
  for (const c of agents.containers) if (!used.has(c) && (c.k8s === null || !clusterPods.has(`${c.k8s.namespace}/${c.k8s.podName}`))) containers.push(c);
  const known = new Set(agents.nodes.map((n) => n.node));
  const nodes = [...agents.nodes, ...cluster.nodes.filter((n) => !known.has(n)).map((node) => ({ node, connected: false, lastSeen: 0 }))].sort((a, b) => a.node.localeCompare(b.node));
  return { nodes, containers, source: 'cluster', namespaces: [...cluster.namespaces].sort() };
}

/** Pods the selector covers (scheduled or not): a pod is in when any of its containers is. */
export function matchingPods(sel: TargetSelector, pods: readonly ClusterPod[]): ClusterPod[] {
  return pods.filter((pod) => pod.containers.some((c) => selectorMatches(sel, containerInfoOf(pod, c))));
}

/**
 * Where a run goes and what each agent is told: the nodes of the pods the selector covers, each with a target narrowed
 * to exactly its own pods (`pods`), because pod labels live in the API server, not on the node's containers.
 * With `host`, every agent node the selector allows also runs it for its host processes.
 */
export function placeRun(sel: TargetSelector, pods: readonly ClusterPod[], agentNodes: readonly string[]): Map<string, TargetSelector> {
  const perNode = new Map<string, string[]>();
  for (const pod of matchingPods(sel, pods)) {
    if (pod.node === undefined) continue;
    const list = perNode.get(pod.node) ?? [];
    list.push(`${pod.namespace}/${pod.name}`);
    perNode.set(pod.node, list);
  }
  if (sel.host) for (const n of agentNodes) if ((sel.nodes.length === 0 || sel.nodes.includes(n)) && !perNode.has(n)) perNode.set(n, []);
  const out = new Map<string, TargetSelector>();
  for (const [node, list] of [...perNode].sort(([a], [b]) => a.localeCompare(b))) out.set(node, { ...sel, labels: [], nodes: [], pods: [...new Set(list)].sort() });
  return out;
}
