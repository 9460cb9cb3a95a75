import type { ContainerInfo } from '@podscope/protocol';
import type { CgroupContainerRef } from './cgroupPath.ts';
import { k8sIdentityOf } from './k8sIdentity.ts';
import type { ProcEntry } from './procReader.ts';
import type { RuntimeRecord } from './runtimeRecord.ts';

/** A record for a container seen in /proc that no runtime could describe (yet). */
export function unresolvedRecord(ref: CgroupContainerRef): RuntimeRecord {
  return { id: ref.id, name: ref.id.slice(0, 12), runtime: ref.runtime, image: '', labels: {}, annotations: {} };
}

/** Joins what /proc says (pid, namespaces, cgroup) with what the runtime says (name, image, labels, pod). */
export function buildContainerInfo(node: string, ref: CgroupContainerRef, proc: ProcEntry | null, record: RuntimeRecord): ContainerInfo {
  const info: ContainerInfo = {
    id: ref.id,
    name: record.name,
    runtime: record.runtime,
    image: record.image,
    labels: record.labels,
    node,
    k8s: k8sIdentityOf(record.labels, record.annotations, record.name, ref.podUid),
  };
  if (ref.cgroupPath !== '') info.cgroupPath = ref.cgroupPath;
  const pid = proc?.pid ?? record.pid;
  if (pid !== undefined) info.pid = pid;
  if (proc?.mntns !== undefined) info.mntns = proc.mntns;
  if (proc?.netns !== undefined) info.netns = proc.netns;
  if (record.startedAt !== undefined) info.startedAt = record.startedAt;
  return info;
}
