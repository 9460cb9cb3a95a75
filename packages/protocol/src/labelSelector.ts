import { PodscopeError } from './errors.ts';

/** One requirement of a Kubernetes label selector (`app=x`, `!canary`, `tier in (a,b)`). */
export interface LabelRequirement {
  key: string;
  op: 'exists' | 'notExists' | 'equals' | 'notEquals' | 'in' | 'notIn';
  values: string[];
}

// Kubernetes' label key ([prefix/]name) and value syntax.
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && PREFIX.test(prefix) && NAME.test(key.slice(slash + 1));
}
const validValue = (v: string): boolean => v === '' || NAME.test(v);

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}
  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
  done(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }
  peek(s: string): boolean {
    this.skipSpace();
    return this.text.startsWith(s, this.pos);
  }
  eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }
  /** A key, value or keyword: everything up to a space or one of `,=!()`. */
  word(): string {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.text.length && !/[\s,=!()]/.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }
  fail(why: string): never {
    throw new PodscopeError('bad_param', `label selector "${this.text}": ${why} (at position ${this.pos + 1})`, {
      param: 'labels',
      selector: this.text,
      position: this.pos,
    });
  }
}

function parseRequirement(s: Scanner): LabelRequirement {
  if (s.eat('!')) {
    const key = s.word();
    if (!validKey(key)) s.fail(`"${key}" is not a valid label key`);
    return { key, op: 'notExists', values: [] };
  }
  const keyAt = s.pos;
  const key = s.word();
  if (!validKey(key)) {
    s.pos = keyAt;
    s.fail(key === '' ? 'expected a label key' : `"${key}" is not a valid label key`);
  }
  const value = (): string => {
    const v = s.word();
    if (!validValue(v)) s.fail(`"${v}" is not a valid label value`);
    return v;
  };
  if (s.eat('!=')) return { key, op: 'notEquals', values: [value()] };
  if (s.eat('==') || s.eat('=')) return { key, op: 'equals', values: [value()] };
  const afterKey = s.pos;
  const keyword = s.word();
  if (keyword === 'in' || keyword === 'notin') {
    if (!s.eat('(')) s.fail(`expected "(" after ${keyword}`);
    const values: string[] = [];
    if (!s.peek(')')) {
      do values.push(value());
      while (s.eat(','));
    }
    if (!s.eat(')')) s.fail('expected ")" or ","');
    return { key, op: keyword === 'in' ? 'in' : 'notIn', values };
  }
  s.pos = afterKey;
  return { key, op: 'exists', values: [] };
}

/** Parses Kubernetes label selector syntax: `app=x,!canary,tier in (web,api),env!=prod,track`. Empty text selects everything. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const s = new Scanner(text);
  const out: LabelRequirement[] = [];
  if (s.done()) return out;
  for (;;) {
    out.push(parseRequirement(s));
    if (s.done()) return out;
    if (!s.eat(',')) s.fail('expected "," between requirements');
  }
}

export function labelRequirementMatches(req: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'exists':
      return has;
    case 'notExists':
      return !has;
    case 'equals':
    case 'in':
      return has && req.values.includes(value ?? '');
    case 'notEquals':
    case 'notIn':
      return !has || !req.values.includes(value ?? '');
  }
}

/** Whether labels satisfy every requirement of the given selector texts (each text may hold several, comma-separated). */
export function labelsMatch(selectors: readonly string[], labels: Readonly<Record<string, string>>): boolean {
  return selectors.every((text) => parseLabelSelector(text).every((req) => labelRequirementMatches(req, labels)));
}

/** The canonical text of a requirement, as `kubectl` writes it. */
export function formatLabelRequirement(req: LabelRequirement): string {
  switch (req.op) {
    case 'exists':
      return req.key;
    case 'notExists':
      return `!${req.key}`;
    case 'equals':
      return `${req.key}=${req.values[0] ?? ''}`;
    case 'notEquals':
      return `${req.key}!=${req.values[0] ?? ''}`;
    case 'in':
      return `${req.key} in (${req.values.join(',')})`;
    case 'notIn':
      return `${req.key} notin (${req.values.join(',')})`;
  }
}
