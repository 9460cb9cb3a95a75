import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { commonFields, type FieldMeta } from '../fields.ts';
import { compileFilter } from './compile.ts';

const fields: FieldMeta[] = [
  ...commonFields,
  { name: 'file', type: 'string', description: '', defaultVisible: true },
  { name: 'delta_us', type: 'duration', unit: 'us', description: '', defaultVisible: true },
  { name: 'dst.addr', type: 'ip', description: '', defaultVisible: true },
];
const sample = { 'proc.comm': 'dd', file: 'model_epoch_1.pkl', delta_us: 5, 'proc.pid': 3, 'dst.addr': '10.0.0.1' };

const seeds = [
  'proc.comm==dd,file~^model_epoch_',
  '(proc.comm==dd or proc.pid>3) and not file!~x',
  'dst.addr in (10.0.0.0/8, ::1/128), delta_us >= 5ms',
  "file in ('a', \"b\\\"c\"), proc.comm\\,x==y",
];

/** Result must be a value or a filter error; an exception or a hang fails the property. */
function checkTotal(input: string): boolean {
  const r = compileFilter(input, fields);
  if (r.ok) {
    r.filter.matches(sample);
    return true;
  }
  return typeof r.error.message === 'string' && r.error.position >= 0 && r.error.position <= input.length + 1;
}

const RUNS = Number(process.env.PODSCOPE_FUZZ_RUNS ?? 1_000_000);

describe('the filter parser is total', () => {
  it(`never throws on ${RUNS} random strings`, () => {
    const alphabet = fc.constantFrom(...'abcdprocm._=!~<>(),\\ "\'01589/:inotadr|&*+?[]{}^$'.split(''));
    fc.assert(fc.property(fc.string({ unit: fc.oneof(alphabet, fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))), maxLength: 40 }), checkTotal), { numRuns: RUNS });
  }, 600_000);

  it(`never throws on ${RUNS} mutated valid filters`, () => {
    const mutated = fc
      .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ maxLength: 3 })), { maxLength: 4 }))
      .map(([seed, edits]) =>
        edits.reduce((s, [at, del, ins]) => {
          const i = at % (s.length + 1);
          return s.slice(0, i) + ins + s.slice(i + del);
        }, seed),
      );
    fc.assert(fc.property(mutated, checkTotal), { numRuns: RUNS });
  }, 600_000);

  it('stays linear on long inputs (no super-linear blow-up)', () => {
    // A deep or long filter must still finish; the count of steps is what grows, not a wall-clock bound.
    const long = Array.from({ length: 1000 }, (_, i) => `proc.pid!=${i}`).join(',');
    const r = compileFilter(long, fields);
    expect(r.ok).toBe(true);
    const deep = '('.repeat(5000) + 'proc.pid==1' + ')'.repeat(5000);
    const d = compileFilter(deep, fields);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error.message).toMatch(/nesting deeper/);
  });
});
