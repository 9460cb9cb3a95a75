import type { FilterNode } from './ast.ts';

/** An equality set the kernel can check itself: the event's field must equal one of `values`. */
export interface PushdownPredicate {
  field: string;
  values: string[];
}

function conjuncts(node: FilterNode): FilterNode[] {
  return node.kind === 'and' ? node.items.flatMap(conjuncts) : [node];
}

/**
 * The parts of a filter that a lower stage may apply on its own: top-level AND clauses of the form
 * `field==v` or `field in (a, b)` on a field that stage can read. Applying them early is safe because
 * the full filter still runs afterwards; an OR or NOT at the top keeps everything in the later stage.
 * Clauses on the same field intersect.
 */
export function extractPushdown(ast: FilterNode | null, pushable: readonly string[]): PushdownPredicate[] {
  if (ast === null) return [];
  const byField = new Map<string, Set<string>>();
  for (const c of conjuncts(ast)) {
    let field: string;
    let values: string[];
    if (c.kind === 'compare' && c.op === '==') {
      field = c.field.name;
      values = [c.value.text];
    } else if (c.kind === 'in' && !c.negated) {
      field = c.field.name;
      values = c.values.map((v) => v.text);
    } else continue;
    if (!pushable.includes(field)) continue;
    const prev = byField.get(field);
    byField.set(field, prev === undefined ? new Set(values) : new Set(values.filter((v) => prev.has(v))));
  }
  return [...byField].map(([field, values]) => ({ field, values: [...values] }));
}

export function describePushdown(p: PushdownPredicate): string {
  return p.values.length === 1 ? `${p.field}==${p.values[0] ?? ''}` : `${p.field} in (${p.values.join(', ')})`;
}
