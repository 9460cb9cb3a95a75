import { z } from 'zod';
import { labelRequirementMatches, parseLabelSelector, type LabelRequirement } from './labelSelector.ts';

/** Which containers a run covers; mirrors IG's -n/-A/-p/-c/-l/--node/--host. */
export const TargetSelector = z.object({
  /** Namespaces to include; empty means all (-A). */
  namespaces: z.array(z.string()).default([]),
  /** Namespaces to exclude (IG's `-n !ns`). */
  excludeNamespaces: z.array(z.string()).default([]),
  podName: z.string().optional(),
  containerName: z.string().optional(),
  /** Label selectors in Kubernetes syntax (`key=value`, `key!=value`, `key`, `!key`, `key in (a,b)`); all must hold. */
  labels: z.array(z.string().superRefine(checkLabelSelector)).default([]),
  nodes: z.array(z.string()).default([]),
  /**
   * Exactly these pods (`namespace/name`), when set. The hub sets it in cluster mode when it hands a run to an agent,
   * after resolving the selector against the API server (pod labels live there, not on the containers).
   */
  pods: z.array(z.string()).optional(),
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
  /** Cluster mode: the container's state as the kubelet reports it (`waiting` until the runtime has started it). */
  state: z.enum(['running', 'waiting', 'terminated']).optional(),
  /** Cluster mode: the pod's phase and controlling owner, from the API server. */
  pod: z.object({ phase: z.string(), owner: z.object({ kind: z.string(), name: z.string() }).optional() }).optional(),
});
export type ContainerInfo = z.infer<typeof ContainerInfo>;

function checkLabelSelector(text: string, ctx: z.RefinementCtx): void {
  try {
    parseLabelSelector(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
  }
}

// Selectors are matched against every container on each inventory change: parse each text once.
const parsedSelectors = new Map<string, LabelRequirement[]>();
function requirementsOf(text: string): LabelRequirement[] {
  let reqs = parsedSelectors.get(text);
  if (reqs === undefined) {
    reqs = parseLabelSelector(text);
    if (parsedSelectors.size >= 1000) parsedSelectors.clear();
    parsedSelectors.set(text, reqs);
  }
  return reqs;
}

/** Whether a container falls inside a selector. Containers with no Kubernetes identity match only namespace-free selectors. */
export function selectorMatches(sel: TargetSelector, c: ContainerInfo): boolean {
  if (sel.nodes.length > 0 && !sel.nodes.includes(c.node)) return false;
  const ns = c.k8s?.namespace;
  if (sel.namespaces.length > 0 && (ns === undefined || !sel.namespaces.includes(ns))) return false;
  if (ns !== undefined && sel.excludeNamespaces.includes(ns)) return false;
  if (sel.podName !== undefined && c.k8s?.podName !== sel.podName) return false;
  if (sel.containerName !== undefined && c.k8s?.containerName !== sel.containerName && c.name !== sel.containerName) return false;
  if (sel.pods !== undefined && (c.k8s === null || !sel.pods.includes(`${c.k8s.namespace}/${c.k8s.podName}`))) return false;
  return sel.labels.every((text) => requirementsOf(text).every((req) => labelRequirementMatches(req, c.labels)));
}
