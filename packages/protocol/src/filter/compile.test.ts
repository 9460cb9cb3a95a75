import { describe, expect, it } from 'vitest';
import type { EventRecord, FieldMeta } from '../fields.ts';
import { commonFields } from '../fields.ts';
import { compileFilter } from './compile.ts';

const fields: FieldMeta[] = [
  ...commonFields,
  { name: 'op', type: 'enum', description: '', defaultVisible: true, enumValues: ['F_OPEN', 'F_READ', 'F_WRITE', 'F_FSYNC'] },
  { name: 'file', type: 'string', description: '', defaultVisible: true },
  { name: 'size', type: 'bytes', unit: 'B', description: '', defaultVisible: true },
  { name: 'delta_us', type: 'duration', unit: 'us', description: '', defaultVisible: true },
  { name: 'dst.addr', type: 'ip', description: '', defaultVisible: true },
  { name: 'args_truncated', type: 'boolean', description: '', defaultVisible: false },
];

const ev = (o: EventRecord): EventRecord => o;
const dd = ev({ 'proc.comm': 'dd', file: 'model_epoch_3.pkl', op: 'F_WRITE', size: 8192, delta_us: 12_000, 'proc.pid': 10, 'dst.addr': '10.1.2.3', args_truncated: false, 'k8s.namespace': 'ml' });
const cp = ev({ 'proc.comm': 'cp', file: 'notes, v2.txt', op: 'F_READ', size: 100, delta_us: 40, 'proc.pid': 11, 'dst.addr': '192.168.1.1', args_truncated: true, 'k8s.namespace': 'web' });
const all = [dd, cp];

function matching(text: string): string[] {
  const r = compileFilter(text, fields);
  if (!r.ok) throw new Error(`${text}: ${r.error.message} at ${r.error.position}`);
  return all.filter((e) => r.filter.matches(e)).map((e) => String(e['proc.comm']));
}

function errorOf(text: string) {
  const r = compileFilter(text, fields);
  if (r.ok) throw new Error(`expected an error for ${text}`);
  return r.error;
}

describe('IG-compatible filters mean what they mean in Inspektor Gadget', () => {
  const table: [string, string[]][] = [
    ['proc.comm==dd,file~^model_epoch_', ['dd']],
    ['proc.comm==dd', ['dd']],
    ['proc.comm=dd', ['dd']],
    ['proc.comm!=dd', ['cp']],
    ['proc.pid>10', ['cp']],
    ['proc.pid>=10', ['dd', 'cp']],
    ['proc.pid<11', ['dd']],
    ['proc.pid<=11', ['dd', 'cp']],
    ['file~^model_', ['dd']],
    ['file!~^model_', ['cp']],
    ['file==notes\\, v2.txt', ['cp']],
    ['k8s.namespace==ml,op==F_WRITE', ['dd']],
    ['k8s.namespace==web,op==F_WRITE', []],
    ['', ['dd', 'cp']],
  ];
  it.each(table)('%s', (text, expected) => {
    expect(matching(text)).toEqual(expected);
  });
});

describe('richer form', () => {
  it('and / or / not and parentheses with precedence', () => {
    expect(matching('proc.comm==dd or proc.comm==cp and proc.pid==10')).toEqual(['dd']);
    expect(matching('(proc.comm==dd or proc.comm==cp) and proc.pid==11')).toEqual(['cp']);
    expect(matching('not proc.comm==dd')).toEqual(['cp']);
    expect(matching('!(proc.comm==dd)')).toEqual(['cp']);
    expect(matching('proc.comm == dd && size > 1KiB')).toEqual(['dd']);
    expect(matching('proc.comm == cp || delta_us >= 5ms')).toEqual(['dd', 'cp']);
  });
  it('in lists and not in', () => {
    expect(matching('proc.comm in (dd, tar)')).toEqual(['dd']);
    expect(matching('proc.comm not in (dd, tar)')).toEqual(['cp']);
    expect(matching('proc.pid in (11, 12)')).toEqual(['cp']);
    expect(matching("file in ('notes, v2.txt')")).toEqual(['cp']);
  });
  it('typed literals: durations, sizes and CIDR blocks', () => {
    expect(matching('delta_us > 5ms')).toEqual(['dd']);
    expect(matching('delta_us > 100')).toEqual(['dd']);
    expect(matching('delta_us < 1ms')).toEqual(['cp']);
    expect(matching('size >= 4KiB')).toEqual(['dd']);
    expect(matching('size >= 8kb')).toEqual(['dd']);
    expect(matching('dst.addr in 10.0.0.0/8')).toEqual(['dd']);
    expect(matching('dst.addr in (10.0.0.0/8, 192.168.0.0/16)')).toEqual(['dd', 'cp']);
    expect(matching('dst.addr not in 10.0.0.0/8')).toEqual(['cp']);
    expect(matching('args_truncated == true')).toEqual(['cp']);
  });
  it('regex groups and alternation inside a bare value', () => {
    expect(matching('file~^(model|notes)')).toEqual(['dd', 'cp']);
    expect(matching('(file~^(model|x)) and proc.pid==10')).toEqual(['dd']);
  });
  it('quoted strings keep spaces and keywords', () => {
    expect(matching('file=="notes, v2.txt"')).toEqual(['cp']);
    expect(matching("file=='model_epoch_3.pkl' and proc.comm==dd")).toEqual(['dd']);
  });
});

describe('errors name the position and the reason', () => {
  it('unknown field with suggestions', () => {
    const e = errorOf('proc.comm==dd,fiel~^x');
    expect(e.position).toBe(14);
    expect(e.message).toContain('unknown field "fiel"');
    expect(e.suggestions).toContain('file');
    expect(errorOf('comm==dd').suggestions).toContain('proc.comm');
  });
  it('bad regex', () => {
    const e = errorOf('file~^(abc');
    expect(e.message).toMatch(/bad regex/);
    expect(e.position).toBe(5);
  });
  it('catastrophic regexes are refused', () => {
    expect(errorOf('file~^(a+)+$').message).toMatch(/unsafe regex/);
    expect(errorOf('file~(a|aa)*b').message).toMatch(/unsafe regex/);
  });
  it('type mismatch', () => {
    const e = errorOf('proc.pid ~ x');
    expect(e.message).toMatch(/proc.pid is a integer/);
    expect(e.position).toBe(0);
    expect(errorOf('proc.pid==abc').position).toBe(10);
    expect(errorOf('delta_us > 5 parsecs').message).toMatch(/not a valid duration/);
    expect(errorOf('dst.addr in 300.1.1.1/8').message).toMatch(/CIDR/);
    expect(errorOf('op==F_BOGUS').message).toMatch(/expected one of F_OPEN/);
  });
  it('unbalanced parentheses', () => {
    const open = errorOf('(proc.comm==dd');
    expect(open.position).toBe(0);
    expect(open.message).toMatch(/unbalanced "\("/);
    const close = errorOf('proc.comm==dd)');
    expect(close.position).toBe(13);
    expect(close.message).toMatch(/unbalanced "\)"/);
    expect(errorOf('proc.comm in (a, b').message).toMatch(/unbalanced/);
  });
  it('missing operator or value', () => {
    expect(errorOf('proc.comm').message).toMatch(/expected an operator/);
    expect(errorOf('proc.comm==').message).toMatch(/expected a value/);
    expect(errorOf('proc.comm==dd,').message).toMatch(/expected a condition/);
    expect(errorOf('"x"==1').message).toMatch(/expected a field name/);
    expect(errorOf('file=="abc').message).toMatch(/unterminated string/);
  });
});
