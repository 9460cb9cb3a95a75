// Filter evaluation throughput on one core: a 3-clause IG-style filter over synthetic trace_open-like events.
import { commonFields, type EventRecord, type FieldMeta } from '../src/fields.ts';
import { compileFilter } from '../src/filter/index.ts';

const fields: FieldMeta[] = [...commonFields, { name: 'file', type: 'string', description: '', defaultVisible: true }, { name: 'delta_us', type: 'duration', unit: 'us', description: '', defaultVisible: true }];
const comms = ['dd', 'cp', 'python3', 'nginx', 'sh'];
const events: EventRecord[] = Array.from({ length: 100_000 }, (_, i) => ({
  timestamp: 1.7e18 + i,
  'proc.comm': comms[i % comms.length]!,
  'proc.pid': 1000 + (i % 64),
  file: i % 3 === 0 ? `model_epoch_${i}.pkl` : `/var/log/app-${i}.log`,
  delta_us: i % 10_000,
  'k8s.namespace': i % 2 === 0 ? 'ml' : 'web',
}));

function bench(text: string): void {
  const r = compileFilter(text, fields);
  if (!r.ok) throw new Error(r.error.message);
  const { matches } = r.filter;
  let hits = 0;
  const rounds = 30;
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < rounds; k++) for (const e of events) if (matches(e)) hits++;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = (rounds * events.length) / secs;
  console.log(`${text.padEnd(60)} ${(rate / 1e6).toFixed(2)}M events/s  (selectivity ${((hits / rounds / events.length) * 100).toFixed(1)}%)`);
}

bench('proc.comm==dd,file~^model_epoch_,delta_us>=5ms');
bench('k8s.namespace==ml and proc.pid>1010 and proc.comm in (dd, cp)');
bench('(proc.comm==dd or proc.comm==cp) and not file~\\.log$');
