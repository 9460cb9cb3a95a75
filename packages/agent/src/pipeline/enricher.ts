import type { ContainerInfo, EventRecord } from '@podscope/protocol';

/** Looks a container up by mount namespace (the ContainerIndex, or a fake in tests). */
export interface MntnsLookup {
  byMntns(mntns: number): ContainerInfo | undefined;
}

/**
 * Adds node, pod and runtime fields by mount namespace (null where they do not apply) and drops the internal
 * `mntns_pending` flag. Builds new records rather than deleting a key, which would slow every later access.
 */
export function enrichEvents(events: readonly EventRecord[], node: string, lookup: MntnsLookup): EventRecord[] {
  const out = new Array<EventRecord>(events.length);
  let lastMntns: unknown;
  let last: ContainerInfo | undefined;
  for (let i = 0; i < events.length; i++) {
    const { mntns_pending: _pending, ...rest } = events[i]!;
    const mntns = rest.mntns_id;
    if (mntns !== lastMntns) {
      lastMntns = mntns;
      last = typeof mntns === 'number' ? lookup.byMntns(mntns) : undefined;
    }
    const c = last;
    rest['k8s.node'] = node;
    rest['k8s.namespace'] = c?.k8s?.namespace ?? null;
    rest['k8s.podName'] = c?.k8s?.podName ?? null;
    rest['k8s.containerName'] = c?.k8s?.containerName ?? null;
    rest['runtime.containerId'] = c?.id ?? null;
    rest['runtime.containerName'] = c?.name ?? null;
    rest['runtime.containerImageName'] = c?.image ?? null;
    rest['runtime.runtimeName'] = c?.runtime ?? null;
    out[i] = rest;
  }
  return out;
}
