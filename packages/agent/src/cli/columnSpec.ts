import type { FieldMeta, GadgetMeta } from '@podscope/protocol';
import { PodscopeError, resolveColumns } from '@podscope/protocol';

const leading = ['k8s.node', 'k8s.namespace', 'k8s.podName', 'k8s.containerName', 'proc.pid', 'proc.comm'];

/** IG's default columns: pod identity, pid, comm, then the gadget's own visible fields. */
export function defaultColumns(meta: GadgetMeta): string[] {
  const own = meta.fields.filter((f) => f.defaultVisible && f.name !== 'timestamp' && !leading.includes(f.name)).map((f) => f.name);
  // Like IG, the long free-text column goes last, where it is never cut.
  const last = own.filter((f) => f === 'args');
  return [...leading, ...own.filter((f) => f !== 'args'), ...last];
}

/**
 * `--fields` through the protocol's resolveColumns (`a,b` picks, `+f`/`-f` adjust the defaults), against the
 * gadget's fields ordered so that the defaults come out in the CLI's column order. Unknown names are bad_param.
 */
export function columnsFor(meta: GadgetMeta, flag: string | undefined): string[] {
  const defaults = defaultColumns(meta);
  const byName = new Map(meta.fields.map((f) => [f.name, f]));
  const ordered: FieldMeta[] = [
    ...defaults.flatMap((name) => {
      const f = byName.get(name);
      return f ? [{ ...f, defaultVisible: true }] : [];
    }),
    ...meta.fields.filter((f) => !defaults.includes(f.name)).map((f) => ({ ...f, defaultVisible: false })),
  ];
  const r = resolveColumns(flag ?? '', ordered);
  if (!r.ok) {
    const { message, position, suggestions } = r.error;
    throw new PodscopeError('bad_param', `--fields: ${message}${suggestions && suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : ''} (at position ${position + 1})`, { param: 'fields', ...r.error });
  }
  return r.columns;
}
