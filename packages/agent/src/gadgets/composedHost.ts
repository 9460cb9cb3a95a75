import type { GadgetMeta } from '@podscope/protocol';
import { PodscopeError } from '@podscope/protocol';
import type { GadgetHost } from '../pipeline/gadgetHost.ts';

/**
 * One GadgetHost over several (the eBPF catalog and the agent's own gadgets). Each name belongs to exactly one host,
 * so an agent-side gadget can never shadow a kernel one: composing refuses duplicates.
 */
export function composeHosts(hosts: readonly GadgetHost[]): GadgetHost {
  const owner = new Map<string, GadgetHost>();
  const catalog = new Map<string, { meta: GadgetMeta }>();
  for (const h of hosts) {
    for (const [name, g] of h.catalog) {
      if (owner.has(name)) throw new PodscopeError('internal', `gadget ${name} is offered by two gadget hosts`);
      owner.set(name, h);
      catalog.set(name, { meta: g.meta });
    }
  }
  const ownerOf = (name: string): GadgetHost => {
    const h = owner.get(name);
    if (!h) throw new PodscopeError('unknown_gadget', `no gadget named ${name}`, { known: [...owner.keys()] });
    return h;
  };
  const features = hosts.find((h) => h.features !== undefined)?.features;
  return {
    catalog,
    ...(features !== undefined ? { features } : {}),
    kernelFilterableFields: [...new Set(hosts.flatMap((h) => h.kernelFilterableFields))],
    kernelFilterableFieldsOf: (name) => {
      const h = ownerOf(name);
      return h.kernelFilterableFieldsOf?.(name) ?? h.kernelFilterableFields;
    },
    startGadget: (name, opts) => ownerOf(name).startGadget(name, opts),
  };
}
