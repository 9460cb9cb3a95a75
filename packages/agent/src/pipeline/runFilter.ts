import type { EventPredicate, GadgetMeta, PushdownPredicate } from '@podscope/protocol';
import { PodscopeError, compileFilter, describePushdown, extractPushdown } from '@podscope/protocol';
import type { KernelFilter } from './gadgetHost.ts';

/** Where each part of a run's filter is applied: kernel maps first, the full predicate in the agent. */
export interface RunFilterPlan {
  predicate: EventPredicate | null;
  kernel: KernelFilter | undefined;
  pushdown: { kernel: string[]; agent: string | null };
}

function toKernelFilter(preds: readonly PushdownPredicate[]): { filter: KernelFilter | undefined; pushed: PushdownPredicate[] } {
  const filter: { comm?: string[]; pid?: number[]; uid?: number[] } = {};
  const pushed: PushdownPredicate[] = [];
  for (const p of preds) {
    if (p.field === 'proc.comm') {
      filter.comm = p.values;
      pushed.push(p);
      continue;
    }
    const numbers = p.values.map((v) => (/^\d+$/.test(v) ? Number(v) : NaN));
    // A value the kernel cannot hold (not a u32) stays in user space, where it simply never matches.
    if (numbers.some((n) => !Number.isInteger(n) || n > 0xffffffff)) continue;
    if (p.field === 'proc.pid') filter.pid = numbers;
    else if (p.field === 'proc.uid') filter.uid = numbers;
    else continue;
    pushed.push(p);
  }
  return { filter: pushed.length > 0 ? filter : undefined, pushed };
}

/**
 * Compiles a run's filter against the gadget's fields and splits off what the kernel can apply itself.
 * A malformed filter is a bad_param error carrying the position and the reason.
 */
export function planRunFilter(text: string | undefined, meta: GadgetMeta, kernelFields: readonly string[]): RunFilterPlan {
  if (text === undefined || text.trim() === '') return { predicate: null, kernel: undefined, pushdown: { kernel: [], agent: null } };
  const compiled = compileFilter(text, meta.fields);
  if (!compiled.ok) {
    const { position, message, suggestions } = compiled.error;
    throw new PodscopeError('bad_param', `--filter: ${message} (at position ${position + 1})`, { param: 'filter', ...compiled.error, ...(suggestions ? { suggestions } : {}) });
  }
  const { filter, pushed } = toKernelFilter(extractPushdown(compiled.filter.ast, kernelFields));
  return { predicate: compiled.filter.matches, kernel: filter, pushdown: { kernel: pushed.map(describePushdown), agent: text } };
}
