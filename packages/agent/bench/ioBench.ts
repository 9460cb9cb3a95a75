// pnpm bench:io — trace_io on an HTTP request/response workload over loopback inside a container (a static C
// client + server, keep-alive, bounded in count and time), through the real hub to a subscribed WebSocket client.
// Per rate step: requests/s untraced and traced at snaplen 80 and 4096, events/s delivered, losses per stage
// (kernel ring / agent queue / hub queues) and agent CPU.
import { BenchStack, procUsage, settle } from './benchStack.ts';
import { BenchWorkload, type WorkResult as Work } from './benchWorkload.ts';

const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 3);
const RATES = (process.env.BENCH_RATES ?? '2000,10000,25000,0').split(',').map(Number);
const SNAPLENS = (process.env.BENCH_SNAPLENS ?? '80,4096').split(',').map(Number);
const BODY = Number(process.env.BENCH_BODY ?? 1024);
const MAX_REQUESTS = 5_000_000;
const name = `podscope-iobench-${process.pid}`;

// The workload: a static C keep-alive HTTP client + server on the container's own loopback.
const workload = BenchWorkload.start('httpio', name, 'bench', 'io-1');
const work = (rate: number): Promise<Work> => workload.run([STEP_SECONDS, MAX_REQUESTS, BODY, rate]);

const stack = await BenchStack.start('bench');
const agentPid = stack.agent.pid!;
await stack.waitForPod('bench', 'io-1');
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (n: number): string => `${n >= 0 ? '+' : ''}${(100 * n).toFixed(1)}%`;

try {
  console.log(`trace_io bench: ${STEP_SECONDS}s per step; workload = HTTP/1.1 keep-alive GET, ${BODY} B body, over loopback in pod bench/io-1; hub → WebSocket client`);
  console.log('target/s   snaplen  untraced req/s  traced req/s  thru loss  CPU/req  delivered ev/s  ev/req  lost(kernel/agent/hub)  agentCPU');
  for (const rate of RATES) {
    const base = await work(rate);
    for (const snaplen of SNAPLENS) {
      const counter = await stack.startRun({ gadget: 'trace_io', target: { namespaces: ['bench'] }, params: { snaplen } });
      const u0 = procUsage(agentPid);
      const traced = await work(rate);
      await settle(counter.events);
      const u1 = procUsage(agentPid);
      const info = await stack.getRun(counter.run.id);
      await stack.stopRun(counter.run.id);
      counter.close();
      const baseRps = base.ops / base.seconds;
      const rps = traced.ops / traced.seconds;
      const cpuPerOp = (w: Work): number => w.cpu / Math.max(1, w.ops);
      const delivered = counter.events();
      console.log(
        [
          (rate === 0 ? 'max' : fmt(rate)).padEnd(10),
          String(snaplen).padStart(7),
          fmt(baseRps).padStart(15),
          fmt(rps).padStart(13),
          pct(1 - rps / baseRps).padStart(10),
          pct(cpuPerOp(traced) / cpuPerOp(base) - 1).padStart(8),
          fmt(delivered / traced.seconds).padStart(15),
          (delivered / Math.max(1, traced.ops)).toFixed(2).padStart(7),
          `${info.drops.kernel}/${info.drops.agent}/${info.drops.hub + counter.hubDrops()}`.padStart(23),
          `${((100 * (u1.cpuSec - u0.cpuSec)) / traced.seconds).toFixed(0)}%`.padStart(9),
        ].join(' '),
      );
    }
  }
  console.log('thru loss = traced requests/s against the untraced run of the same step; CPU/req = the workload\'s CPU per request against untraced');
} finally {
  // Also on failure: the hub and agent would otherwise outlive the bench (and hold its stdout open).
  stack.stop();
  workload.remove();
}
process.exit(0);
