// Helm cannot be installed here, so the chart is rendered with this subset of Go templates: exactly the actions the
// chart uses (values, include/define, if/else if/else, range, toYaml, nindent, quote, b64enc, lookup, randAlphaNum,
// index, `{{-`/`-}}` trimming). Anything else throws, so a template that strays from the subset fails the test
// instead of being rendered wrongly.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

type Value = unknown;
interface Scope {
  dot: Value;
  root: Value;
  vars: Map<string, Value>;
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'out'; expr: string }
  | { kind: 'set'; name: string; expr: string }
  | { kind: 'if'; branches: { cond: string | null; body: Node[] }[] }
  | { kind: 'range'; expr: string; body: Node[] };

interface Token {
  kind: 'text' | 'action';
  text: string;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(src); m !== null; m = re.exec(src)) {
    let text = src.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] === '-') text = text.replace(/\s+$/, '');
    out.push({ kind: 'text', text }, { kind: 'action', text: m[2]! });
    trimNext = m[3] === '-';
    last = re.lastIndex;
  }
  let tail = src.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  out.push({ kind: 'text', text: tail });
  return out;
}

/** Parses tokens into nodes until one of `stops` (returned so the caller sees which one ended the block). */
function parseNodes(tokens: Token[], pos: { i: number }, defines: Map<string, Node[]>, stops: readonly string[]): { nodes: Node[]; stop: string } {
  const nodes: Node[] = [];
  while (pos.i < tokens.length) {
    const t = tokens[pos.i++]!;
    if (t.kind === 'text') {
      if (t.text !== '') nodes.push({ kind: 'text', text: t.text });
      continue;
    }
    const a = t.text;
    const word = /^\S+/.exec(a)?.[0] ?? '';
    if (a.startsWith('/*')) continue;
    if (stops.includes(word) || (word === 'else' && stops.includes('else'))) return { nodes, stop: a };
    if (word === 'define') {
      const name = /^define\s+"([^"]+)"$/.exec(a)?.[1];
      if (name === undefined) throw new Error(`bad define: ${a}`);
      defines.set(name, parseNodes(tokens, pos, defines, ['end']).nodes);
    } else if (word === 'if') {
      const branches: { cond: string | null; body: Node[] }[] = [];
      let cond: string | null = a.slice(2).trim();
      for (;;) {
        const { nodes: body, stop } = parseNodes(tokens, pos, defines, ['else', 'end']);
        branches.push({ cond, body });
        if (stop === 'end') break;
        cond = stop.startsWith('else if') ? stop.slice(7).trim() : null;
      }
      nodes.push({ kind: 'if', branches });
    } else if (word === 'range') {
      nodes.push({ kind: 'range', expr: a.slice(5).trim(), body: parseNodes(tokens, pos, defines, ['end']).nodes });
    } else if (/^\$\w+\s*:=/.test(a)) {
      const [, name, expr] = /^(\$\w+)\s*:=\s*([\s\S]+)$/.exec(a)!;
      nodes.push({ kind: 'set', name: name!, expr: expr! });
    } else nodes.push({ kind: 'out', expr: a });
  }
  if (stops.length > 0) throw new Error(`unterminated block: expected ${stops.join(' or ')}`);
  return { nodes, stop: '' };
}

function splitArgs(cmd: string): string[] {
  return cmd.match(/"[^"]*"|\S+/g) ?? [];
}

function lookupPath(base: Value, path: string): Value {
  let v: Value = base;
  for (const key of path.split('.').filter((k) => k !== '')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, Value>)[key];
  }
  return v;
}

const truthy = (v: Value): boolean =>
  !(v === undefined || v === null || v === false || v === '' || v === 0 || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && Object.keys(v).length === 0));

class Renderer {
  constructor(private readonly defines: Map<string, Node[]>) {}

  arg(token: string, scope: Scope): Value {
    if (token.startsWith('"')) return token.slice(1, -1);
    if (/^\d+$/.test(token)) return Number(token);
    if (token === '.') return scope.dot;
    if (token.startsWith('$')) {
      const [name, ...rest] = token.split('.');
      if (!scope.vars.has(name!)) throw new Error(`unknown variable ${name!}`);
      return lookupPath(scope.vars.get(name!), rest.join('.'));
    }
    if (token.startsWith('.')) return lookupPath(scope.dot, token.slice(1));
    throw new Error(`unsupported argument ${token}`);
  }

  /** One command of a pipeline; `piped` holds the previous command's result (absent for the first). */
  call(cmd: string, piped: { value: Value } | undefined, scope: Scope): Value {
    const [fn = '', ...rawArgs] = splitArgs(cmd);
    const args = rawArgs.map((a) => this.arg(a, scope));
    if (piped !== undefined) args.push(piped.value);
    switch (fn) {
      case 'include':
        return this.render(this.defines.get(String(args[0])) ?? fail(`no template ${String(args[0])}`), { ...scope, dot: args[1] });
      case 'toYaml':
        return stringify(args[0]).trimEnd();
      case 'nindent':
        return '\n' + String(args[1]).split('\n').map((l) => ' '.repeat(Number(args[0])) + l).join('\n');
      case 'quote':
        return JSON.stringify(String(args[0]));
      case 'b64enc':
        return Buffer.from(String(args[0])).toString('base64');
      case 'lookup':
        return {}; // like `helm template`: no cluster to look in
      case 'randAlphaNum':
        return 'x'.repeat(Number(args[0]));
      case 'index':
        return lookupPath(args[0], String(args[1]));
      default:
        if (rawArgs.length === 0 && piped === undefined) return this.arg(fn, scope);
        throw new Error(`unsupported function ${fn}`);
    }
  }

  eval(expr: string, scope: Scope): Value {
    let piped: { value: Value } | undefined;
    for (const cmd of expr.split('|').map((c) => c.trim())) piped = { value: this.call(cmd, piped, scope) };
    return piped?.value;
  }

  render(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const n of nodes) {
      switch (n.kind) {
        case 'text':
          out += n.text;
          break;
        case 'out': {
          const v = this.eval(n.expr, scope);
          out += typeof v === 'string' ? v : String(v);
          break;
        }
        case 'set':
          scope.vars.set(n.name, this.eval(n.expr, scope));
          break;
        case 'if': {
          const branch = n.branches.find((b) => b.cond === null || truthy(this.eval(b.cond, scope)));
          if (branch) out += this.render(branch.body, scope);
          break;
        }
        case 'range': {
          const items = this.eval(n.expr, scope);
          if (!Array.isArray(items)) throw new Error(`range over a non-list: ${n.expr}`);
          for (const item of items) out += this.render(n.body, { ...scope, dot: item });
          break;
        }
      }
    }
    return out;
  }
}

function fail(message: string): never {
  throw new Error(message);
}

/** Renders every template of the chart in `dir` with its values.yaml, as `helm template --namespace ns` would. */
export function renderChart(dir: string, namespace: string): { objects: Record<string, unknown>[]; values: Record<string, unknown> } {
  const values = parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const chart = parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const root = { Values: values, Release: { Namespace: namespace, Service: 'Helm', Name: 'podscope' }, Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion } };
  const defines = new Map<string, Node[]>();
  const files = readdirSync(join(dir, 'templates')).sort();
  const parsed = files.map((f) => ({ f, nodes: parseNodes(tokenize(readFileSync(join(dir, 'templates', f), 'utf8')), { i: 0 }, defines, []).nodes }));
  const renderer = new Renderer(defines);
  const objects: Record<string, unknown>[] = [];
  for (const { f, nodes } of parsed) {
    if (!f.endsWith('.yaml')) continue;
    const text = renderer.render(nodes, { dot: root, root, vars: new Map() });
    for (const doc of text.split(/^---$/m)) {
      // YAML 1.1 as Helm and kubectl read manifests (0400 is octal).
      const obj = parse(doc, { version: '1.1' }) as Record<string, unknown> | null;
      if (obj !== null) objects.push(obj);
    }
  }
  return { objects, values };
}
