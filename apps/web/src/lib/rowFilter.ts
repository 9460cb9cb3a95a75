import type { EventRecord, EventValue } from '@podscope/protocol';

export type RowPredicate = (row: EventRecord) => boolean;
export type ParsedFilter = { ok: true; predicate: RowPredicate | null } | { ok: false; error: string };

const TERM = /^([A-Za-z_][A-Za-z0-9_.]*)\s*(==|!=|>=|<=|!~|~|>|<)\s*(.*)$/s;

/** Splits on commas not escaped as `\,` (IG's rule) and unescapes them. */
function splitTerms(text: string): string[] {
  return text
    .split(/(?<!\\),/)
    .map((t) => t.replace(/\\,/g, ',').trim())
    .filter((t) => t !== '');
}

const asText = (v: EventValue | undefined): string => (v === undefined || v === null ? '' : String(v));

function compareTerm(field: string, op: string, want: string): RowPredicate | string {
  if (op === '~' || op === '!~') {
    let re: RegExp;
    try {
      re = new RegExp(want);
    } catch (err) {
      return `bad regex for ${field}: ${err instanceof Error ? err.message : String(err)}`;
    }
    return op === '~' ? (r) => re.test(asText(r[field])) : (r) => !re.test(asText(r[field]));
  }
  if (op === '==') return (r) => asText(r[field]) === want;
  if (op === '!=') return (r) => asText(r[field]) !== want;
  const n = Number(want);
  if (want.trim() === '' || !Number.isFinite(n)) return `${field} ${op} needs a number, got "${want}"`;
  const num = (r: EventRecord) => {
    const v = r[field];
    return typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  };
  switch (op) {
    case '>':
      return (r) => num(r) > n;
    case '>=':
      return (r) => num(r) >= n;
    case '<':
      return (r) => num(r) < n;
    default:
      return (r) => num(r) <= n;
  }
}

/**
 * Parses the table's quick filter. IG's `--filter` syntax (`proc.comm==sh,args~^/bin`, `!=`, `>`, `>=`,
 * `<`, `<=`, `~regex`, `!~regex`; comma = AND); a term with no operator matches any field containing it.
 */
export function parseRowFilter(text: string): ParsedFilter {
  const terms = splitTerms(text);
  if (terms.length === 0) return { ok: true, predicate: null };
  const preds: RowPredicate[] = [];
  for (const term of terms) {
    const m = TERM.exec(term);
    if (m === null) {
      const needle = term.toLowerCase();
      preds.push((r) => {
        for (const k in r) if (asText(r[k]).toLowerCase().includes(needle)) return true;
        return false;
      });
      continue;
    }
    const pred = compareTerm(m[1] ?? '', m[2] ?? '', m[3] ?? '');
    if (typeof pred === 'string') return { ok: false, error: pred };
    preds.push(pred);
  }
  return { ok: true, predicate: (r) => preds.every((p) => p(r)) };
}
