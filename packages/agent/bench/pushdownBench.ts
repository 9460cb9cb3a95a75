// pnpm bench:pushdown — what a pushed-down comm filter saves: events/s reaching user space with no filter vs with
// `proc.comm==ash`, on a container where one `ash` loop and two `sh` loops open a file as fast as they can.
import { spawn } from 'node:child_process';
import type { EventRecord } from '@podscope/protocol';
import { TargetSelector } from '@podscope/protocol';
import { loadBpfHost } from '../src/bpfHost.ts';
import { loadConfig } from '../src/config.ts';
import { createContainerIndex } from '../src/discovery/index.ts';
import { RunPipeline } from '../src/pipeline/runPipeline.ts';
import { podLabels, podman, setupPodman } from '../test/podman.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const MAX_OPENS = 20_000_000;
const name = `podscope-pushdown-${process.pid}`;

const image = setupPodman();
podman(['rm', '-f', '-t', '0', name], true);
podman(['run', '-d', '--name', name, '--network', 'none', ...podLabels('bench', 'open-1', 'opener'), image, 'sleep', String(4 * SECONDS + 60)]);

const config = loadConfig({ node: 'bench' });
const index = createContainerIndex(config);
await index.start();
const host = await loadBpfHost();

/** A shell loop whose redirection opens a file without exec; prints its iteration count. Bounded in count and time. */
function loop(shell: 'ash' | 'sh'): Promise<number> {
  const script = `i=0; end=$(( $(date +%s) + ${SECONDS} )); while [ $i -lt ${MAX_OPENS} ]; do : < /etc/hostname; i=$((i+1)); if [ $((i % 256)) -eq 0 ] && [ $(date +%s) -ge $end ]; then break; fi; done; echo $i`;
  return new Promise((resolve, reject) => {
    const p = spawn('podman', ['exec', name, `/bin/${shell}`, '-c', script], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    p.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`${shell} loop exited ${code}`))));
  });
}

interface Phase {
  label: string;
  ashOpens: number;
  shOpens: number;
  seconds: number;
  reachedUser: number;
  delivered: number;
  kernelFiltered: number;
  lost: number;
  pushed: string[];
}

async function phase(label: string, filter: string | undefined): Promise<Phase> {
  let delivered = 0;
  const sink = { offer: (events: EventRecord[]): boolean => ((delivered += events.length), true) };
  const pipeline = new RunPipeline({ gadget: 'trace_open', params: {}, selector: TargetSelector.parse({ namespaces: ['bench'] }), node: 'bench', index, host, sink, filter });
  await pipeline.start();
  const t0 = performance.now();
  const [ash, ...sh] = await Promise.all([loop('ash'), loop('sh'), loop('sh')]);
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 300));
  await pipeline.stop();
  const s = pipeline.status();
  return {
    label,
    ashOpens: ash ?? 0,
    shOpens: sh.reduce((a, b) => a + b, 0),
    seconds,
    reachedUser: s.events + s.filtered,
    delivered,
    kernelFiltered: s.kernelFiltered ?? 0,
    lost: s.kernelDrops + s.agentDrops,
    pushed: s.pushdown?.kernel ?? [],
  };
}

const before = await phase('no filter', undefined);
const after = await phase('--filter proc.comm==ash', 'proc.comm==ash');

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(`trace_open push-down bench (${SECONDS}s per phase, 1 ash + 2 sh loops opening /etc/hostname in one container)`);
for (const p of [before, after]) {
  const total = p.ashOpens + p.shOpens;
  console.log(`  ${p.label}`);
  console.log(`    workload opens: ${fmt(total / p.seconds)}/s (ash ${fmt(p.ashOpens / p.seconds)}/s = ${((100 * p.ashOpens) / total).toFixed(1)}% of them)`);
  console.log(`    events reaching user space: ${fmt(p.reachedUser / p.seconds)}/s; delivered ${fmt(p.delivered / p.seconds)}/s; filtered in kernel ${fmt(p.kernelFiltered)}; lost ${p.lost}; pushed to kernel: ${p.pushed.join(', ') || '(nothing)'}`);
}
const selectivity = after.ashOpens / (after.ashOpens + after.shOpens);
const share = (p: Phase): number => p.reachedUser / (p.ashOpens + p.shOpens);
console.log(`  selectivity of the filter: ${(100 * selectivity).toFixed(1)}%; share of opens reaching user space: ${(100 * share(before)).toFixed(1)}% before → ${(100 * share(after)).toFixed(1)}% after`);
console.log(`  user-space events per second: ${fmt(before.reachedUser / before.seconds)} → ${fmt(after.reachedUser / after.seconds)}`);

index.stop();
podman(['rm', '-f', '-t', '0', name], true);
process.exit(0);
