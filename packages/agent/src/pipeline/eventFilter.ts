import type { EventRecord, EventValue } from '@podscope/protocol';
import { PodscopeError } from '@podscope/protocol';

type Op = '==' | '!=' | '>=' | '<=' | '>' | '<' | '~' | '!~';
interface Clause {
  field: string;
  op: Op;
  value: string;
  regex?: RegExp;
}

/** An IG-style `--filter` predicate; null means keep everything. */
export type EventPredicate = ((e: EventRecord) => boolean) | null;

/** Splits on commas not escaped as `\,`. */
function splitClauses(text: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && text[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (ch === ',') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseClause(text: string): Clause {
  const m = /^([A-Za-z0-9_.]+)\s*(==|!=|>=|<=|!~|>|<|~)(.*)$/.exec(text);
  if (!m) throw new PodscopeError('bad_param', `--filter: cannot parse "${text}" (use field==value, !=, >, >=, <, <=, ~regex, !~regex)`);
  const clause: Clause = { field: m[1]!, op: m[2] as Op, value: m[3]! };
  if (clause.op === '~' || clause.op === '!~') {
    try {
      clause.regex = new RegExp(clause.value);
    } catch (err) {
      throw new PodscopeError('bad_param', `--filter: bad regular expression "${clause.value}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return clause;
}

function holds(c: Clause, v: EventValue | undefined): boolean {
  const text = v === null || v === undefined ? '' : String(v);
  switch (c.op) {
    case '==':
      return text === c.value;
    case '!=':
      return text !== c.value;
    case '~':
      return c.regex!.test(text);
    case '!~':
      return !c.regex!.test(text);
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const a = typeof v === 'number' ? v : Number(text);
      const b = Number(c.value);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return c.op === '>' ? a > b : c.op === '>=' ? a >= b : c.op === '<' ? a < b : a <= b;
    }
  }
}

/** Compiles `field==v,other~^re` (comma = AND) into a predicate. */
export function compileFilter(text: string | undefined): EventPredicate {
  if (text === undefined || text.trim() === '') return null;
  const clauses = splitClauses(text).map(parseClause);
  return (e) => clauses.every((c) => holds(c, e[c.field]));
}
