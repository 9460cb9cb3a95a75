import { labelRequirementMatches, parseLabelSelector, type LabelRequirement } from '@podscope/protocol';
import type { KubeObject, Resource } from './objectStore.ts';

/** Field selectors the real API server supports for these resources (plus metadata.name/namespace for all). */
const supportedFields: Record<Resource, readonly string[]> = {
  pods: ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  nodes: ['metadata.name', 'spec.unschedulable'],
  namespaces: ['metadata.name', 'status.phase'],
};

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export class SelectorError extends Error {}

/** `spec.nodeName=node-a,status.phase!=Failed` (also `==`). */
export function parseFieldSelector(resource: Resource, text: string): FieldRequirement[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const m = /^\s*([A-Za-z0-9.]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(part);
    if (m === null) throw new SelectorError(`invalid field selector: "${part}"`);
    const field = m[1]!;
    if (!supportedFields[resource].includes(field)) throw new SelectorError(`field label not supported: ${field}`);
    return { field, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  if (cur === undefined || cur === null) return path === 'spec.unschedulable' ? 'false' : '';
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

export interface ObjectFilter {
  namespace: string | undefined;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

export function parseObjectFilter(resource: Resource, namespace: string | undefined, query: URLSearchParams): ObjectFilter {
  let labels: LabelRequirement[];
  try {
    labels = parseLabelSelector(query.get('labelSelector') ?? '');
  } catch (err) {
    throw new SelectorError(err instanceof Error ? err.message : String(err));
  }
  return { namespace, labels, fields: parseFieldSelector(resource, query.get('fieldSelector') ?? '') };
}

export function filterMatches(f: ObjectFilter, obj: KubeObject): boolean {
  if (f.namespace !== undefined && obj.metadata.namespace !== f.namespace) return false;
  const labels = obj.metadata.labels ?? {};
  if (!f.labels.every((r) => labelRequirementMatches(r, labels))) return false;
  return f.fields.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === '='));
}
