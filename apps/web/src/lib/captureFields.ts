import { commonFields, type CaptureOverview, type FieldMeta, type GadgetMeta } from '@podscope/protocol';
import { appendClause, clauseFor } from './clickFilter.ts';
import type { ValueSource } from './filterCompletion.ts';

/** Fields of a capture: the common ones, then each gadget's own (as the hub's filter planner sees them). */
export function captureFieldsOf(gadgets: readonly GadgetMeta[]): FieldMeta[] {
  const byName = new Map<string, FieldMeta>(commonFields.map((f) => [f.name, f]));
  for (const g of gadgets) for (const f of g.fields) if (!byName.has(f.name)) byName.set(f.name, f);
  return [...byName.values()];
}

export type OverviewKind = 'gadget' | 'node' | 'pod' | 'process' | 'error';

/** The filter a click on an overview entry adds; null when the key cannot be expressed (no such field). */
export function overviewClause(kind: OverviewKind, key: string): string | null {
  if (key === '(none)') return null;
  switch (kind) {
    case 'gadget':
      return null;
    case 'node':
      return clauseFor('k8s.node', key, false);
    case 'process':
      return clauseFor('proc.comm', key, false);
    case 'error':
      return clauseFor('error', key, false);
    case 'pod': {
      // The hub keys pods as `namespace/pod`.
      const slash = key.indexOf('/');
      if (slash < 0) return clauseFor('k8s.podName', key, false);
      const ns = key.slice(0, slash);
      const pod = key.slice(slash + 1);
      const podClause = clauseFor('k8s.podName', pod, false);
      return ns === '' || podClause === null ? podClause : appendClause(clauseFor('k8s.namespace', ns, false) ?? '', podClause);
    }
  }
}

/** Filter completion values from the overview counts (the whole capture, not just the rows fetched). */
export function overviewValueSource(overview: CaptureOverview | null): ValueSource {
  return (field) => {
    if (overview === null) return [];
    switch (field) {
      case 'k8s.node':
        return overview.byNode.map((r) => ({ value: r.key, count: r.count }));
      case 'k8s.podName':
        return overview.byPod.map((r) => ({ value: r.key.slice(r.key.indexOf('/') + 1), count: r.count }));
      case 'k8s.namespace': {
        const counts = new Map<string, number>();
        for (const r of overview.byPod) {
          const ns = r.key.slice(0, Math.max(0, r.key.indexOf('/')));
          if (ns !== '') counts.set(ns, (counts.get(ns) ?? 0) + r.count);
        }
        return [...counts].map(([value, count]) => ({ value, count }));
      }
      case 'proc.comm':
        return overview.byProcess.map((r) => ({ value: r.key, count: r.count }));
      case 'error':
        return overview.byError.map((r) => ({ value: r.key, count: r.count }));
      default:
        return [];
    }
  };
}
