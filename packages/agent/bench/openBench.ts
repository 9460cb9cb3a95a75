// pnpm bench:open — trace_open under stepped open() rates from a container, through the real hub to a subscribed
// WebSocket client. Per step: events/s delivered, losses per stage, agent CPU and RSS, the workload's slowdown
// against an untraced run, and bpftrace (printing one line per event on the same tracepoint) as a peer.
// Two workloads per step: the tight open/close loop paced to the rate (delivery, losses, agent cost, the per-open
// cost), and a busy process whose own work between opens makes the rate its natural pace (how much slower a
// process that opens files at that rate runs while traced).
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { BenchStack, procPss, procUsage, settle, unpinned } from './benchStack.ts';
import { BenchWorkload, type WorkResult as Work } from './benchWorkload.ts';

const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 3);
const RATES = (process.env.BENCH_RATES ?? '10000,50000,100000,250000,0').split(',').map(Number);
const name = `podscope-openbench-${process.pid}`;
const RING_SIZE = process.env.BENCH_RING_SIZE === undefined ? undefined : Number(process.env.BENCH_RING_SIZE);

// The workload: a static C program in a busybox container, pacing open+close to a target rate.
const workload = BenchWorkload.start('opener', name, 'bench', 'open-1');
const work = (rate: number): Promise<Work> => workload.run([rate, STEP_SECONDS, '/etc/hostname']);
/** The busy workload: `rounds` of arithmetic before each open, flat out. */
const busy = (rounds: number, seconds = STEP_SECONDS): Promise<Work> => workload.run([0, seconds, '/etc/hostname', rounds]);

const both = (a: Work, b: Work): Work => ({ ops: a.ops + b.ops, seconds: a.seconds + b.seconds, cpu: a.cpu + b.cpu, instructions: a.instructions + b.instructions, cycles: a.cycles + b.cycles });

/** Rounds of arithmetic per open that make the untraced busy workload open `rate` files per second. */
async function calibrate(): Promise<(rate: number) => number> {
  const CAL_ROUNDS = 20_000;
  const tight = await busy(0, 1);
  const spun = await busy(CAL_ROUNDS, 1);
  const openSec = tight.seconds / tight.ops;
  const roundSec = (spun.seconds / spun.ops - openSec) / CAL_ROUNDS;
  return (rate) => Math.max(1, Math.round((1 / rate - openSec) / roundSec));
}

const stack = await BenchStack.start('bench');
// While the busy workload runs, the hub and this process (the subscribed client) stand in for other machines:
// they stay on CPU 0, away from the workload's CPU (see awayFromWorkload).
const awayCpus = cpus().length > 1 ? '0' : null;
const busyAway = (rounds: number): Promise<Work> => stack.awayFromWorkload(awayCpus, () => busy(rounds));
const agentPid = stack.agent.pid!;
// Whatever happens, leave no hub, agent or container behind.
process.on('exit', () => {
  stack.stop();
  workload.remove();
});

/** bpftrace printing one line per exited openat of the workload: the per-event cost a peer tool pays. */
async function peer(run: () => Promise<Work>): Promise<{ work: Work; events: number }> {
  const command = unpinned(['bpftrace', '-B', 'line', '-e', 'tracepoint:syscalls:sys_exit_openat /comm == "opener"/ { printf("%d\\n", args->ret); }']);
  const bt = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let lines = 0;
  let attached = false;
  bt.stdout.on('data', (c: Buffer) => {
    for (const b of c) if (b === 10) lines++;
  });
  bt.stderr.on('data', (c: Buffer) => (attached ||= c.toString().includes('Attaching')));
  const t0 = Date.now();
  while (!attached && lines === 0 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
  // "Attaching N probes" is printed on stdout by some versions: count from here on.
  await new Promise((r) => setTimeout(r, 300));
  const before = lines;
  const w = await run();
  await new Promise((r) => setTimeout(r, 500));
  bt.kill('SIGINT');
  await new Promise((r) => bt.once('exit', r));
  return { work: w, events: lines - before };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (n: number): string => `${n >= 0 ? '+' : ''}${(100 * n).toFixed(1)}%`;

await stack.waitForPod('bench', 'open-1');
console.log(`trace_open bench: ${STEP_SECONDS}s per step; workload = open+close of /etc/hostname in pod bench/open-1; hub → WebSocket client`);
const roundsFor = await calibrate();
console.log('target/s   produced/s  delivered/s  lost(kernel/agent/hub)  agentCPU  agentRSS  hubCPU  slowdown(cpu/cycles/instr)  | bpftrace: seen/s  slowdown(cpu/cycles/instr)  podscope/bpftrace');
let maxRss = 0;
const busyRows: string[] = [];
for (const rate of RATES) {
  const base = await work(rate);
  const rounds = rate === 0 ? 0 : roundsFor(rate);
  const busyBefore = rate === 0 ? null : await busyAway(rounds);
  const counter = await stack.startRun({ gadget: 'trace_open', target: { namespaces: ['bench'] }, params: RING_SIZE === undefined ? {} : { 'ring-size': RING_SIZE } });
  const u0 = procUsage(agentPid);
  const h0 = procUsage(stack.hub.pid!);
  let rss = 0;
  const rssTimer = setInterval(() => (rss = Math.max(rss, procUsage(agentPid).rssBytes)), 200);
  const traced = await work(rate);
  await settle(counter.events);
  clearInterval(rssTimer);
  const u1 = procUsage(agentPid);
  const h1 = procUsage(stack.hub.pid!);
  const delivered = counter.events();
  const busyTraced = rate === 0 ? null : await busyAway(rounds);
  await settle(counter.events);
  const busyDelivered = counter.events() - delivered;
  const info = await stack.getRun(counter.run.id);
  await stack.stopRun(counter.run.id);
  counter.close();
  maxRss = Math.max(maxRss, rss);
  // A second untraced run after the traced one: the baseline is both together, so a drift in the CPU's clock
  // over the step does not count as slowdown.
  const busyBase = busyBefore === null ? null : both(busyBefore, await busyAway(rounds));
  const bt = await peer(() => work(rate));
  const btBusy = rate === 0 ? null : await stack.awayFromWorkload(awayCpus, () => peer(() => busy(rounds)));
  const perOp = (w: Work, k: 'seconds' | 'cpu' | 'cycles' | 'instructions'): number => w[k] / Math.max(1, w.ops);
  // The workload's CPU time per open, and its own cycles and instructions per open (no counters → "n/a").
  const slowdowns = (w: Work): string =>
    (['cpu', 'cycles', 'instructions'] as const).map((k) => (perOp(base, k) > 0 && perOp(w, k) > 0 ? pct(perOp(w, k) / perOp(base, k) - 1) : 'n/a')).join('/');
  const lost = `${info.drops.kernel}/${info.drops.agent}/${info.drops.hub + counter.hubDrops()}`;
  console.log(
    [
      (rate === 0 ? 'max' : fmt(rate)).padEnd(10),
      fmt(traced.ops / traced.seconds).padStart(10),
      fmt(delivered / traced.seconds).padStart(12),
      lost.padStart(22),
      `${((100 * (u1.cpuSec - u0.cpuSec)) / traced.seconds).toFixed(0)}%`.padStart(9),
      `${(rss / 1048576).toFixed(0)} MiB`.padStart(9),
      `${((100 * (h1.cpuSec - h0.cpuSec)) / traced.seconds).toFixed(0)}%`.padStart(7),
      slowdowns(traced).padStart(26),
      '|',
      fmt(bt.events / bt.work.seconds).padStart(16),
      slowdowns(bt.work).padStart(26),
      (delivered / traced.ops / Math.max(1e-9, bt.events / bt.work.ops)).toFixed(2).padStart(18),
    ].join(' '),
  );
  if (busyBase !== null && busyTraced !== null && btBusy !== null) {
    const slow = (w: Work, k: 'seconds' | 'cycles'): number => perOp(w, k) / perOp(busyBase, k) - 1;
    busyRows.push(
      [
        fmt(rate).padEnd(10),
        fmt(rounds).padStart(7),
        fmt(busyBase.ops / busyBase.seconds).padStart(13),
        fmt(busyTraced.ops / busyTraced.seconds).padStart(13),
        fmt(busyDelivered / busyTraced.seconds).padStart(12),
        `${pct(slow(busyTraced, 'seconds'))}/${pct(slow(busyTraced, 'cycles'))}`.padStart(20),
        '|',
        fmt(btBusy.work.ops / btBusy.work.seconds).padStart(13),
        `${pct(slow(btBusy.work, 'seconds'))}/${pct(slow(btBusy.work, 'cycles'))}`.padStart(20),
      ].join(' '),
    );
  }
}
console.log('');
console.log('busy workload (arithmetic between opens, flat out; untraced it opens at the target rate):');
console.log('target/s   rounds  untraced op/s  traced op/s  delivered/s  slowdown(time/cycles) | bpftrace op/s  slowdown(time/cycles)');
for (const row of busyRows) console.log(row);

// Three gadgets at once, in a fresh hub + agent (the steps above grew the first agent's heap): the agent's memory
// with trace_open, trace_exec and trace_tcp running, first at an everyday 1k opens/s, then at 100k opens/s.
stack.stop();
const fresh = await BenchStack.start('bench');
await fresh.waitForPod('bench', 'open-1');
const runs = await Promise.all(['trace_open', 'trace_exec', 'trace_tcp'].map((gadget) => fresh.startRun({ gadget, target: { namespaces: ['bench'] } })));
const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
async function memoryAt(rate: number): Promise<string> {
  const pid = fresh.agent.pid!;
  let rss = 0;
  let anon = 0;
  let pss = 0;
  const t = setInterval(() => {
    const u = procUsage(pid);
    if (u.rssBytes > rss) [rss, anon] = [u.rssBytes, u.anonBytes];
    pss = Math.max(pss, procPss(pid));
  }, 200);
  await work(rate);
  clearInterval(t);
  return `RSS ${mib(rss)} (${mib(anon)} anonymous), PSS ${mib(pss)}`;
}
const light = await memoryAt(1_000);
const heavy = await memoryAt(100_000);
for (const r of runs) {
  await fresh.stopRun(r.run.id);
  r.close();
}
console.log(`agent with trace_open + trace_exec + trace_tcp running: at 1k opens/s ${light}; at 100k opens/s ${heavy}; max RSS over the steps above: ${mib(maxRss)}`);
console.log('RSS counts the node binary, libraries and ring pages; PSS divides shared pages among the processes using them');
console.log('busy slowdown = the busy workload\'s wall time / cycles per open against the same workload untraced, in the same step');
console.log('slowdown = the workload\'s CPU time / cycles / instructions per open against the same step untraced (instructions do not depend on the machine\'s load); lost = kernel ring / agent queue / hub queues');

fresh.stop();
workload.remove();
process.exit(0);
