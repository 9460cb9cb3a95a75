import type { FieldMeta } from '@podscope/protocol';
import { quoteFilterValue } from './clickFilter.ts';

export interface CompletionItem {
  /** What the list shows. */
  label: string;
  /** What replaces the token being typed. */
  insert: string;
  /** Type, description or how often the value was seen. */
  detail?: string;
}

export interface Completion {
  kind: 'field' | 'value';
  /** The field whose values are offered (value completion). */
  field?: string;
  /** Range of the text the chosen item replaces. */
  from: number;
  to: number;
  items: CompletionItem[];
}

/** Known values of a field (most frequent first), e.g. from the rows on screen. */
export type ValueSource = (field: string) => readonly { value: string; count: number }[];

const FIELD_CHARS = /[A-Za-z0-9_.\-[\]]/;
const COMPARISON = /^([A-Za-z0-9_.\-[\]]+)\s*(==|!=|>=|<=|!~|=|>|<|~)\s*/;
const IN_LIST_OPEN = /([A-Za-z0-9_.\-[\]]+)\s+(?:not\s+)?in\s*$/i;
const MAX_ITEMS = 20;

interface Scan {
  /** Start of the clause (or "in" list item) the cursor is in. */
  start: number;
  /** Field of the enclosing `field in (…)` list, if the cursor is inside one. */
  inListField?: string;
  /** The cursor sits inside a quoted string. */
  inQuote: boolean;
}

/** Finds where the clause under the cursor starts, skipping quoted strings and escapes the way the parser does. */
function scanClause(text: string, cursor: number): Scan {
  let start = 0;
  let quote: string | null = null;
  const parens: (string | undefined)[] = [];
  for (let i = 0; i < cursor; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') {
      parens.push(IN_LIST_OPEN.exec(text.slice(start, i))?.[1]);
      start = i + 1;
    } else if (c === ')') {
      parens.pop();
      start = i + 1;
    } else if (c === ',') start = i + 1;
    else if ((c === '&' && text[i + 1] === '&') || (c === '|' && text[i + 1] === '|')) {
      start = i + 2;
      i++;
    }
  }
  // Keywords end a clause only when followed by a space (the user finished typing them).
  const segment = text.slice(start, cursor);
  if (quote === null) {
    const kw = /(^|\s)(?:and|or|not)\s+/gi;
    let m: RegExpExecArray | null;
    let end = -1;
    while ((m = kw.exec(segment)) !== null) end = m.index + m[0].length;
    if (end >= 0) start += end;
  }
  while (start < cursor && /\s/.test(text[start]!)) start++;
  const inListField = parens[parens.length - 1];
  return inListField === undefined ? { start, inQuote: quote !== null } : { start, inListField, inQuote: quote !== null };
}

/** Where the token under the cursor ends: the rest of a field name, or of a bare value up to a separator. */
function tokenEnd(text: string, cursor: number, kind: 'field' | 'value'): number {
  let end = cursor;
  if (kind === 'field') while (end < text.length && FIELD_CHARS.test(text[end]!)) end++;
  else while (end < text.length && !/[\s,()]/.test(text[end]!)) end++;
  return end;
}

function rankFields(token: string, fields: readonly FieldMeta[]): FieldMeta[] {
  const t = token.toLowerCase();
  const scored: { f: FieldMeta; score: number }[] = [];
  for (const f of fields) {
    const name = f.name.toLowerCase();
    const tail = name.slice(name.lastIndexOf('.') + 1);
    const score = t === '' ? 3 : name.startsWith(t) ? 0 : tail.startsWith(t) ? 1 : name.includes(t) ? 2 : -1;
    if (score >= 0) scored.push({ f, score });
  }
  return scored.sort((a, b) => a.score - b.score).map((s) => s.f);
}

function unquotePartial(token: string): string {
  const q = token[0];
  if (q !== '"' && q !== "'") return token.replace(/\\(.)/g, '$1');
  let body = token.slice(1);
  if (body.endsWith(q) && !body.endsWith(`\\${q}`)) body = body.slice(0, -1);
  return body.replace(/\\(.)/g, '$1');
}

function valueItems(field: FieldMeta | undefined, fieldName: string, token: string, values: ValueSource): CompletionItem[] {
  const typed = unquotePartial(token).toLowerCase();
  const seen = new Map<string, string | undefined>();
  const fixed = field?.type === 'boolean' ? ['true', 'false'] : (field?.enumValues ?? []);
  for (const v of fixed) seen.set(v, field?.type === 'boolean' ? undefined : 'enum');
  for (const { value, count } of values(fieldName)) if (!seen.has(value)) seen.set(value, count > 0 ? `${count}×` : 'in inventory');
  const out: CompletionItem[] = [];
  const later: CompletionItem[] = [];
  for (const [value, detail] of seen) {
    const lower = value.toLowerCase();
    if (typed !== '' && !lower.includes(typed)) continue;
    const item: CompletionItem = detail === undefined ? { label: value, insert: quoteFilterValue(value) } : { label: value, insert: quoteFilterValue(value), detail };
    (typed === '' || lower.startsWith(typed) ? out : later).push(item);
  }
  return [...out, ...later].slice(0, MAX_ITEMS);
}

/**
 * What to offer at the cursor: field names while a clause's field is typed, known values after its operator
 * (or inside `field in (…)`). Null when nothing fits (e.g. the cursor is inside a regex).
 */
export function completionsAt(text: string, cursor: number, fields: readonly FieldMeta[], values: ValueSource): Completion | null {
  const at = Math.max(0, Math.min(cursor, text.length));
  const scan = scanClause(text, at);
  const clause = text.slice(scan.start, at);
  const byName = new Map(fields.map((f) => [f.name, f]));
  if (scan.inListField !== undefined) {
    const items = valueItems(byName.get(scan.inListField), scan.inListField, clause, values);
    return items.length === 0 ? null : { kind: 'value', field: scan.inListField, from: scan.start, to: scan.inQuote ? at : tokenEnd(text, at, 'value'), items };
  }
  if (/^[A-Za-z0-9_.\-[\]]*$/.test(clause)) {
    const items = rankFields(clause, fields)
      .slice(0, MAX_ITEMS)
      .map((f) => ({ label: f.name, insert: f.name, detail: f.unit !== undefined ? `${f.type} (${f.unit})` : f.type }));
    if (items.length === 0 || (items.length === 1 && items[0]?.insert === clause)) return null;
    return { kind: 'field', from: scan.start, to: tokenEnd(text, at, 'field'), items };
  }
  const m = COMPARISON.exec(clause);
  if (m === null) return null;
  const fieldName = m[1]!;
  const op = m[2]!;
  if (op === '~' || op === '!~') return null;
  const valueStart = scan.start + m[0].length;
  const token = text.slice(valueStart, at);
  const items = valueItems(byName.get(fieldName), fieldName, token, values);
  if (items.length === 0 || (items.length === 1 && items[0]?.insert === token)) return null;
  return { kind: 'value', field: fieldName, from: valueStart, to: scan.inQuote ? at : tokenEnd(text, at, 'value'), items };
}

/** The text and cursor after choosing an item. */
export function applyCompletion(text: string, completion: Pick<Completion, 'from' | 'to'>, item: CompletionItem): { text: string; cursor: number } {
  const next = text.slice(0, completion.from) + item.insert + text.slice(completion.to);
  return { text: next, cursor: completion.from + item.insert.length };
}
