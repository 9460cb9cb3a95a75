import type { GadgetMeta } from '@podscope/protocol';
import { PodscopeError } from '@podscope/protocol';

/**
 * Turns the leftover `--name value`, `--name=value` and bare boolean `--flag` arguments into raw gadget
 * parameters; `resolveParams` then checks names and types against the gadget's metadata.
 */
export function gadgetParamArgs(meta: GadgetMeta, args: readonly string[]): Record<string, string> {
  const types = new Map(meta.params.map((p) => [p.name, p.type]));
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!m) throw new PodscopeError('bad_param', `unexpected argument "${arg}" (gadget parameters are --name value)`, { known: meta.params.map((p) => p.name) });
    const name = m[1]!;
    if (m[2] !== undefined) {
      out[name] = m[2];
      continue;
    }
    const next = args[i + 1];
    if (types.get(name) === 'boolean' && (next === undefined || next.startsWith('--'))) {
      out[name] = 'true';
      continue;
    }
    if (next === undefined) throw new PodscopeError('bad_param', `parameter --${name} needs a value`, { param: name });
    out[name] = next;
    i++;
  }
  return out;
}
