// Server-side printing: the meta.k8s.io/v1 Table objects `kubectl get` asks for, with the columns the real API server prints.
import type { KubeObject, Resource } from './objectStore.ts';

interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, type: ColumnDefinition['type'], description: string, priority = 0, format = ''): ColumnDefinition => ({ name, type, format, description, priority });

const columns: Record<Resource, ColumnDefinition[]> = {
  pods: [
    col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    col('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
    col('IP', 'string', 'podIP is the IP address allocated to the pod.', 1),
    col('Node', 'string', 'nodeName is the node this pod is scheduled on.', 1),
    col('Nominated Node', 'string', 'nominatedNodeName is set when this pod preempts other pods on the node.', 1),
    col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  nodes: [
    col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    col('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
    col('External-IP', 'string', 'List of addresses reachable to the node.', 1),
    col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release.', 1),
    col('Kernel-Version', 'string', 'Kernel Version reported by the node.', 1),
    col('Container-Runtime', 'string', 'Container Runtime Version reported by the node.', 1),
  ],
  namespaces: [
    col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    col('Status', 'string', 'The status of the namespace'),
    col('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
  ],
};

/** Kubernetes' `duration.HumanDuration` (what the Age column shows). */
export function humanDuration(ms: number): string {
  if (ms < -1000) return '<invalid>';
  if (ms < 0) return '0s';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const withRest = (big: number, bigUnit: string, small: number, smallUnit: string): string => (small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit}${small}${smallUnit}`);
  if (minutes < 10) return withRest(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return withRest(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return withRest(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return withRest(years, 'y', days % 365, 'd');
  return `${years}y`;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

/** The Status column as kubectl's pod printer derives it (phase, container waiting/terminated reasons, Terminating). */
function podStatus(pod: KubeObject): string {
  const status = obj(pod.status);
  let reason = str(status.reason) || str(status.phase, 'Pending');
  for (const cs of arr(status.containerStatuses)) {
    const state = obj(cs.state);
    const waiting = obj(state.waiting);
    const terminated = obj(state.terminated);
    if (str(waiting.reason) !== '') reason = str(waiting.reason);
    else if (str(terminated.reason) !== '') reason = str(terminated.reason);
    else if (state.terminated !== undefined) reason = `ExitCode:${typeof terminated.exitCode === 'number' ? terminated.exitCode : 0}`;
  }
  if (pod.metadata.deletionTimestamp !== undefined) reason = 'Terminating';
  return reason;
}

function podCells(pod: KubeObject, now: number): unknown[] {
  const status = obj(pod.status);
  const spec = obj(pod.spec);
  const statuses = arr(status.containerStatuses);
  const ready = statuses.filter((c) => c.ready === true).length;
  const restarts = statuses.reduce((n, c) => n + (typeof c.restartCount === 'number' ? c.restartCount : 0), 0);
  return [
    pod.metadata.name,
    `${ready}/${arr(spec.containers).length}`,
    podStatus(pod),
    String(restarts),
    age(pod, now),
    str(status.podIP, '<none>'),
    str(spec.nodeName, '<none>'),
    str(status.nominatedNodeName, '<none>'),
    '<none>',
  ];
}

function nodeCells(node: KubeObject, now: number): unknown[] {
  const status = obj(node.status);
  const info = obj(status.nodeInfo);
  const ready = arr(status.conditions).find((c) => c.type === 'Ready');
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  const address = (type: string): string => str(arr(status.addresses).find((a) => a.type === type)?.address, '<none>');
  return [
    node.metadata.name,
    ready?.status === 'True' ? 'Ready' : 'NotReady',
    roles.length > 0 ? roles.join(',') : '<none>',
    age(node, now),
    str(info.kubeletVersion),
    address('InternalIP'),
    address('ExternalIP'),
    str(info.osImage),
    str(info.kernelVersion),
    str(info.containerRuntimeVersion),
  ];
}

function age(o: KubeObject, now: number): string {
  const created = Date.parse(o.metadata.creationTimestamp ?? '');
  return Number.isNaN(created) ? '<unknown>' : humanDuration(now - created);
}

function cellsOf(resource: Resource, o: KubeObject, now: number): unknown[] {
  switch (resource) {
    case 'pods':
      return podCells(o, now);
    case 'nodes':
      return nodeCells(o, now);
    case 'namespaces':
      return [o.metadata.name, str(obj(o.status).phase, 'Active'), age(o, now)];
  }
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Whether an Accept header asks for a meta.k8s.io/v1 Table (kubectl's `get`). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io') && (params.includes('v=v1') || params.includes('v=v1beta1'));
  });
}

/**
 * A Table of `objects`. Rows carry the object as PartialObjectMetadata by default (kubectl reads the namespace column
 * for `-A` from it). Column definitions are left out when `withColumns` is false (watch events after the first).
 */
export function toTable(resource: Resource, objects: readonly KubeObject[], opts: { includeObject: IncludeObject; resourceVersion: string; withColumns: boolean; now: number; kind: string }): Json {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: opts.resourceVersion },
    columnDefinitions: opts.withColumns ? columns[resource] : null,
    rows: objects.map((o) => ({
      cells: cellsOf(resource, o, opts.now),
      object: rowObject(o, opts.includeObject, opts.kind),
    })),
  };
}

function rowObject(o: KubeObject, include: IncludeObject, kind: string): Json | null {
  switch (include) {
    case 'None':
      return null;
    case 'Object':
      return { kind, apiVersion: 'v1', ...o };
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
  }
}
