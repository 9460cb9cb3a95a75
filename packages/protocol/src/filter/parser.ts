import type { CompareOp, FilterNode, FieldRef, Literal } from './ast.ts';
import { FilterSyntaxError } from './ast.ts';

// Accepts Inspektor Gadget's form (`proc.comm==dd,file~^model_epoch_`, comma = AND, `\,` escapes a comma)
// and a richer one (and/or/not, parentheses, `in (a, b)`, `in 10.0.0.0/8`). Single pass, no backtracking,
// so parsing is linear in the input length.

const OPS: readonly CompareOp[] = ['==', '!=', '>=', '<=', '!~', '>', '<', '~'];
const FIELD_CHAR = /[A-Za-z0-9_.\-[\]]/;
const MAX_DEPTH = 64;

export function parseFilterSyntax(text: string): FilterNode | null {
  const p = new Parser(text);
  return p.parseAll();
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  parseAll(): FilterNode | null {
    this.ws();
    if (this.i >= this.s.length) return null;
    const node = this.parseOr();
    this.ws();
    if (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === ')') this.fail(this.i, 1, 'unbalanced ")": no "(" to close');
      this.fail(this.i, 1, `unexpected "${c}": expected "and", "or", "," or the end`);
    }
    return node;
  }

  private fail(pos: number, length: number, message: string): never {
    throw new FilterSyntaxError(pos, Math.max(1, length), message);
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  /** Matches a keyword (case-insensitive) followed by a non-word character. */
  private keyword(word: string): boolean {
    const end = this.i + word.length;
    if (this.s.slice(this.i, end).toLowerCase() !== word) return false;
    const next = this.s[end];
    if (next !== undefined && /[A-Za-z0-9_.]/.test(next)) return false;
    this.i = end;
    return true;
  }

  private symbol(sym: string): boolean {
    if (this.s.startsWith(sym, this.i)) {
      this.i += sym.length;
      return true;
    }
    return false;
  }

  private parseOr(): FilterNode {
    const items = [this.parseAnd()];
    for (;;) {
      this.ws();
      if (this.keyword('or') || this.symbol('||')) items.push(this.parseAnd());
      else break;
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private parseAnd(): FilterNode {
    const items = [this.parseNot()];
    for (;;) {
      this.ws();
      if (this.keyword('and') || this.symbol('&&') || this.symbol(',')) items.push(this.parseNot());
      else break;
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private parseNot(): FilterNode {
    this.ws();
    const pos = this.i;
    if (this.keyword('not') || (this.s[this.i] === '!' && this.s[this.i + 1] !== '=' && this.s[this.i + 1] !== '~' && this.symbol('!'))) {
      return { kind: 'not', item: this.nested(() => this.parseNot()), pos };
    }
    return this.parsePrimary();
  }

  private nested<T>(f: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(this.i, 1, `nesting deeper than ${MAX_DEPTH} levels`);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private parsePrimary(): FilterNode {
    this.ws();
    if (this.i >= this.s.length) this.fail(this.i, 1, 'expected a condition like field==value, got the end of the filter');
    if (this.s[this.i] === '(') {
      const open = this.i++;
      const inner = this.nested(() => this.parseOr());
      this.ws();
      if (this.s[this.i] !== ')') this.fail(open, 1, 'unbalanced "(": no matching ")"');
      this.i++;
      return inner;
    }
    return this.parseComparison();
  }

  private parseField(): FieldRef {
    const pos = this.i;
    while (this.i < this.s.length && FIELD_CHAR.test(this.s[this.i]!)) this.i++;
    if (this.i === pos) {
      const c = this.s[pos];
      this.fail(pos, 1, c === ')' ? 'unbalanced ")": no "(" to close' : `expected a field name, got "${c}"`);
    }
    return { name: this.s.slice(pos, this.i), pos, end: this.i };
  }

  private parseComparison(): FilterNode {
    const field = this.parseField();
    this.ws();
    const notInPos = this.i;
    if (this.keyword('not')) {
      this.ws();
      if (!this.keyword('in')) this.fail(notInPos, 3, 'expected "in" after "not"');
      return this.parseIn(field, true);
    }
    if (this.keyword('in')) return this.parseIn(field, false);
    const opPos = this.i;
    const op = OPS.find((o) => this.s.startsWith(o, this.i)) ?? (this.s[this.i] === '=' ? '==' : undefined);
    if (op === undefined) {
      this.fail(opPos, 1, this.i >= this.s.length ? `expected an operator after "${field.name}"` : `expected an operator (==, !=, >, >=, <, <=, ~, !~, in) after "${field.name}"`);
    }
    this.i += this.s.startsWith(op, this.i) ? op.length : 1;
    this.ws();
    const value = this.parseValue(op === '~' || op === '!~');
    return { kind: 'compare', field, op, opPos, value };
  }

  private parseIn(field: FieldRef, negated: boolean): FilterNode {
    this.ws();
    const pos = field.pos;
    if (this.s[this.i] !== '(') return { kind: 'in', field, negated, values: [this.parseValue(false)], pos };
    const open = this.i++;
    const values: Literal[] = [];
    for (;;) {
      this.ws();
      if (this.i >= this.s.length) this.fail(open, 1, 'unbalanced "(": the "in" list has no ")"');
      values.push(this.parseValue(false, true));
      this.ws();
      if (this.symbol(',')) continue;
      if (this.symbol(')')) break;
      this.fail(this.i, 1, this.i >= this.s.length ? 'unbalanced "(": the "in" list has no ")"' : 'expected "," or ")" in the "in" list');
    }
    return { kind: 'in', field, negated, values, pos };
  }

  /**
   * A value is quoted ('…' or "…"), or bare: it runs to an unescaped comma, to whitespace before a keyword,
   * or to a ")" that closes an outer group. Parentheses inside a bare value nest (regex groups).
   */
  private parseValue(isRegex: boolean, inList = false): Literal {
    const pos = this.i;
    const q = this.s[this.i];
    if (q === '"' || q === "'") return this.parseQuoted(q);
    let out = '';
    let depth = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '\\' && this.i + 1 < this.s.length) {
        const next = this.s[this.i + 1]!;
        // `\,` is IG's comma escape; inside a regex every other escape is the regex's own.
        if (next === ',' || next === ')' || next === '(' || next === '\\' || !isRegex) out += isRegex && next !== ',' ? c + next : next;
        else out += c + next;
        this.i += 2;
        continue;
      }
      if (c === ',' && depth === 0) break;
      if (c === '(') depth++;
      if (c === ')') {
        if (depth === 0) break;
        depth--;
      }
      if (/\s/.test(c) && depth === 0 && (inList || this.keywordAhead())) break;
      out += c;
      this.i++;
    }
    const text = inList ? out : out.replace(/\s+$/, '');
    if (text.length === 0) this.fail(pos, 1, 'expected a value');
    return { text, quoted: false, pos, end: pos + text.length };
  }

  private keywordAhead(): boolean {
    const rest = this.s.slice(this.i, this.i + 8);
    return /^\s+(and|or)(\s|\(|$)/i.test(rest) || /^\s+(&&|\|\|)/.test(rest) || /^\s*\)/.test(rest) || /^\s*,/.test(rest);
  }

  private parseQuoted(q: string): Literal {
    const pos = this.i++;
    let out = '';
    while (this.i < this.s.length && this.s[this.i] !== q) {
      if (this.s[this.i] === '\\' && this.i + 1 < this.s.length) this.i++;
      out += this.s[this.i++];
    }
    if (this.i >= this.s.length) this.fail(pos, 1, `unterminated string: no closing ${q}`);
    this.i++;
    return { text: out, quoted: true, pos, end: this.i };
  }
}
