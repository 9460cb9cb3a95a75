import type { ContainerInfo, EventRecord } from '@podscope/protocol';

/** Looks a container up by mount namespace (the ContainerIndex, or a fake in tests). */
export interface MntnsLookup {
  byMntns(mntns: number): ContainerInfo | undefined;
}

/**
 * Adds node, pod and runtime fields by mount namespace (null where they do not apply), in place: the records
 * are the decoder's own, fresh per drain. Copying each record instead (object rest/spread) cost 4× more per
 * event than the decode itself. `mntns_pending` stays: it tells the event arrived before its container was
 * identified.
 */
export function enrichEvents(events: EventRecord[], node: string, lookup: MntnsLookup): EventRecord[] {
  let lastMntns: unknown;
  let last: ContainerInfo | undefined;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const mntns = e.mntns_id;
    if (mntns !== lastMntns) {
      lastMntns = mntns;
      last = typeof mntns === 'number' ? lookup.byMntns(mntns) : undefined;
    }
    const c = last;
    e['k8s.node'] = node;
    e['k8s.namespace'] = c?.k8s?.namespace ?? null;
    e['k8s.podName'] = c?.k8s?.podName ?? null;
    e['k8s.containerName'] = c?.k8s?.containerName ?? null;
    e['runtime.containerId'] = c?.id ?? null;
    e['runtime.containerName'] = c?.name ?? null;
    e['runtime.containerImageName'] = c?.image ?? null;
    e['runtime.runtimeName'] = c?.runtime ?? null;
  }
  return events;
}
