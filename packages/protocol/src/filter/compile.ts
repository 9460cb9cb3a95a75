import type { EventRecord, EventValue, FieldMeta } from '../fields.ts';
import type { CompareOp, FilterError, FilterNode, Literal } from './ast.ts';
import { FilterSyntaxError } from './ast.ts';
import { parseFilterSyntax } from './parser.ts';
import { cidrContains, parseCidr, parseNumberFor } from './literals.ts';
import { findUnsafeRegexConstruct } from './safeRegex.ts';
import { nearestNames } from './suggest.ts';

export type EventPredicate = (event: EventRecord) => boolean;

export interface CompiledFilter {
  text: string;
  ast: FilterNode | null;
  /** Field names the filter reads. */
  fields: string[];
  matches: EventPredicate;
}

export type FilterResult = { ok: true; filter: CompiledFilter } | { ok: false; error: FilterError };

const MAX_FILTER_LENGTH = 16_384;

/** Parses and type-checks a filter against the fields of a gadget. Never throws. */
export function compileFilter(text: string, fields: readonly FieldMeta[]): FilterResult {
  try {
    if (text.length > MAX_FILTER_LENGTH) return { ok: false, error: { position: MAX_FILTER_LENGTH, length: 1, message: `filter longer than ${MAX_FILTER_LENGTH} characters` } };
    const ast = parseFilterSyntax(text);
    const byName = new Map(fields.map((f) => [f.name, f]));
    const used = new Set<string>();
    const matches = ast === null ? () => true : build(ast, byName, used);
    return { ok: true, filter: { text, ast, fields: [...used], matches } };
  } catch (err) {
    if (err instanceof FilterCheckError) return { ok: false, error: err.error };
    if (err instanceof FilterSyntaxError) return { ok: false, error: { position: err.position, length: err.length, message: err.message } };
    return { ok: false, error: { position: 0, length: Math.max(1, text.length), message: err instanceof Error ? err.message : String(err) } };
  }
}

class FilterCheckError extends Error {
  constructor(readonly error: FilterError) {
    super(error.message);
  }
}

function fail(lit: { pos: number; end: number }, message: string, suggestions?: string[]): never {
  const error: FilterError = { position: lit.pos, length: Math.max(1, lit.end - lit.pos), message };
  if (suggestions !== undefined) error.suggestions = suggestions;
  throw new FilterCheckError(error);
}

function build(node: FilterNode, fields: Map<string, FieldMeta>, used: Set<string>): EventPredicate {
  switch (node.kind) {
    case 'and': {
      const parts = node.items.map((n) => build(n, fields, used));
      if (parts.length === 2) {
        const [a, b] = parts as [EventPredicate, EventPredicate];
        return (e) => a(e) && b(e);
      }
      return (e) => parts.every((p) => p(e));
    }
    case 'or': {
      const parts = node.items.map((n) => build(n, fields, used));
      return (e) => parts.some((p) => p(e));
    }
    case 'not': {
      const inner = build(node.item, fields, used);
      return (e) => !inner(e);
    }
    case 'compare':
      return buildCompare(node.field, node.op, node.value, fields, used);
    case 'in':
      return buildIn(node, fields, used);
  }
}

function lookupField(ref: { name: string; pos: number; end: number }, fields: Map<string, FieldMeta>, used: Set<string>): FieldMeta {
  const meta = fields.get(ref.name);
  if (!meta) {
    const suggestions = nearestNames(ref.name, [...fields.keys()]);
    fail(ref, `unknown field "${ref.name}"${suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : ''}`, suggestions);
  }
  used.add(meta.name);
  return meta;
}

const isNumeric = (f: FieldMeta): boolean => f.type === 'integer' || f.type === 'duration' || f.type === 'bytes' || f.type === 'timestamp';

function numberLiteral(field: FieldMeta, lit: Literal): number {
  const n = parseNumberFor(field.type, field.unit, lit.text);
  if (n === undefined) {
    const hint = field.type === 'duration' ? ' like 5ms or 250us' : field.type === 'bytes' ? ' like 4096 or 4KiB' : '';
    fail(lit, `"${lit.text}" is not a valid ${field.type}${hint} for ${field.name}`);
  }
  return n;
}

function boolLiteral(field: FieldMeta, lit: Literal): boolean {
  const t = lit.text.toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return fail(lit, `${field.name} is a boolean: use true or false, not "${lit.text}"`);
}

const toText = (v: EventValue | undefined): string | undefined => (v === null || v === undefined ? undefined : typeof v === 'string' ? v : String(v));

function buildCompare(ref: { name: string; pos: number; end: number }, op: CompareOp, lit: Literal, fields: Map<string, FieldMeta>, used: Set<string>): EventPredicate {
  const field = lookupField(ref, fields, used);
  const name = field.name;
  if (op === '~' || op === '!~') {
    if (isNumeric(field) || field.type === 'boolean') fail(ref, `${name} is a ${field.type}: regex operators (~, !~) apply to text fields`);
    const unsafe = findUnsafeRegexConstruct(lit.text);
    if (unsafe) fail({ pos: lit.pos + Math.min(unsafe.index, lit.text.length - 1), end: lit.end }, `unsafe regex: ${unsafe.reason}`);
    let re: RegExp;
    try {
      re = new RegExp(lit.text, 'u');
    } catch (err) {
      return fail(lit, `bad regex: ${err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err)}`);
    }
    const want = op === '~';
    return (e) => {
      const v = toText(e[name]);
      return v === undefined ? !want : re.test(v) === want;
    };
  }
  if (isNumeric(field)) {
    const n = numberLiteral(field, lit);
    return numericCompare(name, op, n);
  }
  if (field.type === 'boolean') {
    if (op !== '==' && op !== '!=') fail(ref, `${name} is a boolean: only == and != apply`);
    const b = boolLiteral(field, lit);
    return op === '==' ? (e) => e[name] === b : (e) => e[name] !== b;
  }
  if (field.type === 'enum' && field.enumValues && !field.enumValues.includes(lit.text) && (op === '==' || op === '!=')) {
    fail(lit, `"${lit.text}" is not a value of ${name}: expected one of ${field.enumValues.join(', ')}`);
  }
  const s = lit.text;
  switch (op) {
    case '==':
      return (e) => toText(e[name]) === s;
    case '!=':
      return (e) => toText(e[name]) !== s;
    case '>':
      return (e) => { const v = toText(e[name]); return v !== undefined && v > s; };
    case '>=':
      return (e) => { const v = toText(e[name]); return v !== undefined && v >= s; };
    case '<':
      return (e) => { const v = toText(e[name]); return v !== undefined && v < s; };
    case '<=':
      return (e) => { const v = toText(e[name]); return v !== undefined && v <= s; };
  }
}

function numericCompare(name: string, op: Exclude<CompareOp, '~' | '!~'>, n: number): EventPredicate {
  switch (op) {
    case '==':
      return (e) => e[name] === n;
    case '!=':
      return (e) => e[name] !== n;
    case '>':
      return (e) => { const v = e[name]; return typeof v === 'number' && v > n; };
    case '>=':
      return (e) => { const v = e[name]; return typeof v === 'number' && v >= n; };
    case '<':
      return (e) => { const v = e[name]; return typeof v === 'number' && v < n; };
    case '<=':
      return (e) => { const v = e[name]; return typeof v === 'number' && v <= n; };
  }
}

function buildIn(node: Extract<FilterNode, { kind: 'in' }>, fields: Map<string, FieldMeta>, used: Set<string>): EventPredicate {
  const field = lookupField(node.field, fields, used);
  const name = field.name;
  const negated = node.negated;
  if (field.type === 'ip' || field.type === 'endpoint') {
    const cidrs = node.values.map((lit) => parseCidr(lit.text) ?? fail(lit, `"${lit.text}" is not an address or CIDR block like 10.0.0.0/8`));
    return (e) => {
      const v = toText(e[name]);
      const hit = v !== undefined && cidrs.some((c) => cidrContains(c, v));
      return hit !== negated;
    };
  }
  if (isNumeric(field)) {
    const set = new Set(node.values.map((lit) => numberLiteral(field, lit)));
    return (e) => { const v = e[name]; return (typeof v === 'number' && set.has(v)) !== negated; };
  }
  const set = new Set(node.values.map((l) => l.text));
  return (e) => { const v = toText(e[name]); return (v !== undefined && set.has(v)) !== negated; };
}
