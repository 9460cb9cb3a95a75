import { z } from 'zod';

/** Which containers a run covers; mirrors IG's -n/-A/-p/-c/-l/--node/--host. */
export const TargetSelector = z.object({
  /** Namespaces to include; empty means all (-A). */
  namespaces: z.array(z.string()).default([]),
  /** Namespaces to exclude (IG's `-n !ns`). */
  excludeNamespaces: z.array(z.string()).default([]),
  podName: z.string().optional(),
  containerName: z.string().optional(),
  /** Label requirements: `key=value`, `key!=value`, `key`, `!key`. */
  labels: z.array(z.string()).default([]),
  nodes: z.array(z.string()).default([]),
  /** Also trace processes that are in no container. */
  host: z.boolean().default(false),
});
export type TargetSelector = z.infer<typeof TargetSelector>;
export type TargetSelectorInput = z.input<typeof TargetSelector>;

export const K8sIdentity = z.object({
  namespace: z.string(),
  podName: z.string(),
  containerName: z.string(),
  podUid: z.string().optional(),
});
export type K8sIdentity = z.infer<typeof K8sIdentity>;

export const ContainerRuntime = z.enum(['podman', 'containerd', 'docker', 'cri-o', 'unknown']);
export type ContainerRuntime = z.infer<typeof ContainerRuntime>;

export const ContainerInfo = z.object({
  id: z.string(),
  name: z.string(),
  runtime: ContainerRuntime,
  image: z.string(),
  labels: z.record(z.string(), z.string()),
  node: z.string(),
  /** Host pid of the container's first process, when known. */
  pid: z.number().int().optional(),
  /** Mount namespace inode: the key the kernel-side selection uses. */
  mntns: z.number().int().optional(),
  netns: z.number().int().optional(),
  cgroupPath: z.string().optional(),
  k8s: K8sIdentity.nullable(),
  startedAt: z.number().optional(),
  exitedAt: z.number().optional(),
});
export type ContainerInfo = z.infer<typeof ContainerInfo>;

function labelRequirementHolds(req: string, labels: Record<string, string>): boolean {
  const neq = /^([^=!]+)!=(.*)$/.exec(req);
  if (neq) return labels[neq[1]!.trim()] !== neq[2]!.trim();
  const eq = /^([^=!]+)==?(.*)$/.exec(req);
  if (eq) return labels[eq[1]!.trim()] === eq[2]!.trim();
  if (req.startsWith('!')) return !(req.slice(1).trim() in labels);
  return req.trim() in labels;
}

/** Whether a container falls inside a selector. Containers with no Kubernetes identity match only namespace-free selectors. */
export function selectorMatches(sel: TargetSelector, c: ContainerInfo): boolean {
  if (sel.nodes.length > 0 && !sel.nodes.includes(c.node)) return false;
  const ns = c.k8s?.namespace;
  if (sel.namespaces.length > 0 && (ns === undefined || !sel.namespaces.includes(ns))) return false;
  if (ns !== undefined && sel.excludeNamespaces.includes(ns)) return false;
  if (sel.podName !== undefined && c.k8s?.podName !== sel.podName) return false;
  if (sel.containerName !== undefined && c.k8s?.containerName !== sel.containerName && c.name !== sel.containerName) return false;
  return sel.labels.every((req) => labelRequirementHolds(req, c.labels));
}
