import { parseFilterSyntax, type EventValue } from '@podscope/protocol';

// Bare values the parser reads back unchanged: no quotes, separators, spaces, escapes or operator characters.
const BARE_VALUE = /^[A-Za-z0-9_./:@+-]+$/;
const KEYWORDS = new Set(['and', 'or', 'not', 'in']);

/** A value as filter text: bare when that parses back to the same text, otherwise double-quoted with escapes. */
export function quoteFilterValue(value: string): string {
  if (BARE_VALUE.test(value) && !KEYWORDS.has(value.toLowerCase())) return value;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `field==value` (or `!=` when negated) for a cell's raw value; null when the cell has no value to match. */
export function clauseFor(field: string, value: EventValue | undefined, negate: boolean): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
  return `${field}${negate ? '!=' : '=='}${quoteFilterValue(text)}`;
}

/**
 * ANDs a clause onto a filter with IG's comma. A filter whose top level is an OR is wrapped in parentheses
 * first, since `a or b,c` would mean `a or (b and c)`. A clause already ANDed at the top level is not repeated.
 */
export function appendClause(filter: string, clause: string): string {
  const base = filter.trim();
  if (base === '') return clause;
  let ast;
  try {
    ast = parseFilterSyntax(base);
  } catch {
    // The user is mid-edit; keep their text and add ours after it.
    return `${base},${clause}`;
  }
  if (ast === null) return clause;
  const conjuncts = ast.kind === 'and' ? ast.items : [ast];
  const clauseAst = parseFilterSyntax(clause);
  if (clauseAst !== null && conjuncts.some((c) => sameClause(c, clauseAst))) return base;
  return ast.kind === 'or' ? `(${base}),${clause}` : `${base},${clause}`;
}

function sameClause(a: ReturnType<typeof parseFilterSyntax>, b: ReturnType<typeof parseFilterSyntax>): boolean {
  return a?.kind === 'compare' && b?.kind === 'compare' && a.field.name === b.field.name && a.op === b.op && a.value.text === b.value.text;
}
