import { z } from 'zod';
import { FieldMeta } from './fields.ts';
import { PodscopeError } from './errors.ts';

export const ParamType = z.enum(['string', 'integer', 'boolean', 'duration', 'enum']);
export type ParamType = z.infer<typeof ParamType>;

export const ParamValue = z.union([z.string(), z.number(), z.boolean()]);
export type ParamValue = z.infer<typeof ParamValue>;

export const GadgetParam = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  type: ParamType,
  description: z.string(),
  default: ParamValue.optional(),
  enumValues: z.array(z.string()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});
export type GadgetParam = z.infer<typeof GadgetParam>;

export const GadgetCategory = z.enum(['trace', 'top', 'profile', 'snapshot']);
export type GadgetCategory = z.infer<typeof GadgetCategory>;

export const GadgetMeta = z.object({
  /** `verb_noun` (trace_exec, top_file) or a peer tool's well-known name (tcpdump). */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  category: GadgetCategory,
  description: z.string(),
  params: z.array(GadgetParam),
  /** The gadget's own fields; the common process/container fields are added to every event. */
  fields: z.array(FieldMeta),
  /** Set when this agent's kernel lacks something the gadget needs. */
  unavailable: z.string().optional(),
  /** Its events carry payload bytes (I/O buffers, packets), so running it needs the stronger permission. */
  payload: z.boolean().optional(),
});
export type GadgetMeta = z.infer<typeof GadgetMeta>;

export type ResolvedParams = Record<string, ParamValue>;

const durationUnits: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "150ms", "2s", "1m" or a bare number of milliseconds into milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h)?\s*$/.exec(text);
  if (!m) return undefined;
  const unit = durationUnits[m[2] ?? 'ms'];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

function coerceParam(param: GadgetParam, raw: unknown): ParamValue {
  const fail = (why: string): never => {
    throw new PodscopeError('bad_param', `parameter --${param.name}: ${why}`, { param: param.name, value: raw });
  };
  switch (param.type) {
    case 'string':
      if (typeof raw !== 'string') fail(`expected a string, got ${typeof raw}`);
      return raw as string;
    case 'enum': {
      if (typeof raw !== 'string') fail(`expected one of ${(param.enumValues ?? []).join(', ')}`);
      const values = param.enumValues ?? [];
      if (!values.includes(raw as string)) fail(`"${String(raw)}" is not one of ${values.join(', ')}`);
      return raw as string;
    }
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1' || raw === '') return true;
      if (raw === 'false' || raw === '0') return false;
      return fail(`expected true or false, got ${JSON.stringify(raw)}`);
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) fail(`expected an integer, got ${JSON.stringify(raw)}`);
      if (param.min !== undefined && n < param.min) fail(`${n} is below the minimum ${param.min}`);
      if (param.max !== undefined && n > param.max) fail(`${n} is above the maximum ${param.max}`);
      return n;
    }
    case 'duration': {
      const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseDurationMs(raw) : undefined;
      if (ms === undefined || !Number.isFinite(ms) || ms < 0) return fail(`expected a duration like 500ms or 2s, got ${JSON.stringify(raw)}`);
      if (param.min !== undefined && ms < param.min) fail(`${ms}ms is below the minimum ${param.min}ms`);
      if (param.max !== undefined && ms > param.max) fail(`${ms}ms is above the maximum ${param.max}ms`);
      return ms;
    }
  }
}

/** Checks raw parameters against a gadget's metadata and fills in defaults; unknown names are refused. */
export function resolveParams(meta: GadgetMeta, raw: Record<string, unknown>): ResolvedParams {
  const known = new Map(meta.params.map((p) => [p.name, p]));
  for (const name of Object.keys(raw)) {
    if (!known.has(name)) {
      throw new PodscopeError('bad_param', `gadget ${meta.name} has no parameter --${name}`, {
        param: name,
        known: meta.params.map((p) => p.name),
      });
    }
  }
  const out: ResolvedParams = {};
  for (const param of meta.params) {
    const value = raw[param.name];
    if (value === undefined) {
      if (param.default !== undefined) out[param.name] = param.default;
      continue;
    }
    out[param.name] = coerceParam(param, value);
  }
  return out;
}
