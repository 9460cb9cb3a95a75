import type { ContainerInfo, GadgetMeta, TargetSelector } from '@podscope/protocol';
import { PodscopeError } from '@podscope/protocol';
import type { GadgetHost } from './gadgetHost.ts';

/** The gadget's metadata, or an unknown_gadget error naming the known ones. */
export function gadgetMeta(host: GadgetHost, name: string): GadgetMeta {
  const g = host.catalog.get(name);
  if (!g) {
    const known = [...host.catalog.keys()];
    throw new PodscopeError('unknown_gadget', `unknown gadget "${name}"; known gadgets: ${known.join(', ')}`, { known });
  }
  if (g.meta.unavailable !== undefined) throw new PodscopeError('unsupported', `gadget ${name} is unavailable on this node: ${g.meta.unavailable}`);
  return g.meta;
}

/** For a standalone run: refuses a namespace that has no container on this node, saying which exist. */
export function checkTargetsExist(sel: TargetSelector, containers: readonly ContainerInfo[], node: string): void {
  const namespaces = new Set(containers.flatMap((c) => (c.k8s ? [c.k8s.namespace] : [])));
  for (const ns of sel.namespaces) {
    if (!namespaces.has(ns)) {
      throw new PodscopeError('no_targets', `namespace "${ns}" has no containers on node ${node}` + (namespaces.size > 0 ? ` (namespaces with containers: ${[...namespaces].sort().join(', ')})` : ' (no pod containers found)'), { namespace: ns });
    }
  }
  if (sel.podName === undefined) return;
  const inScope = containers.filter((c) => c.k8s && (sel.namespaces.length === 0 || sel.namespaces.includes(c.k8s.namespace)));
  if (!inScope.some((c) => c.k8s?.podName === sel.podName)) {
    const pods = [...new Set(inScope.map((c) => `${c.k8s?.namespace ?? ''}/${c.k8s?.podName ?? ''}`))].sort();
    const where = sel.namespaces.length === 0 ? '' : ` in namespace ${sel.namespaces.map((n) => `"${n}"`).join(', ')}`;
    throw new PodscopeError('no_targets', `pod "${sel.podName}"${where} has no containers on node ${node}` + (pods.length > 0 ? ` (pods: ${pods.slice(0, 20).join(', ')}${pods.length > 20 ? ', …' : ''})` : ' (no pod containers found)'), { podName: sel.podName });
  }
}
