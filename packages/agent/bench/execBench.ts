// pnpm bench:exec — trace_exec throughput on a podman container spawning short processes as fast as it can for 10 s.
// The agent pipeline runs in-process; its batches go through the real frame codec over a real WebSocket hop to a
// local ws server (port 0) that plays the subscribed client. bpftrace counts the same execs as a peer.
import { execFileSync, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { EventRecord } from '@podscope/protocol';
import { PROTOCOL_VERSION, TargetSelector, decodeAgentToHub, encodeFrame } from '@podscope/protocol';
import { loadBpfHost } from '../src/bpfHost.ts';
import { loadConfig } from '../src/config.ts';
import { createContainerIndex } from '../src/discovery/index.ts';
import { RunPipeline } from '../src/pipeline/runPipeline.ts';
import { podLabels, podman, setupPodman } from '../test/podman.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const MAX_EXECS = 5_000_000;
const name = `podscope-bench-${process.pid}`;

const image = setupPodman();
podman(['rm', '-f', '-t', '0', name], true);
podman(['run', '-d', '--name', name, '--network', 'none', ...podLabels('bench', 'exec-1', 'spawner'), image, 'sleep', String(SECONDS + 60)]);
const pid = Number(podman(['inspect', '-f', '{{.State.Pid}}', name])!.trim());
const mntns = Number(/\[(\d+)\]/.exec(execFileSync('readlink', [`/proc/${pid}/ns/mnt`], { encoding: 'utf8' }))![1]);

// The subscribed client endpoint: decodes every frame, counts events and checks sequence numbers.
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
await new Promise<void>((r) => wss.once('listening', () => r()));
let delivered = 0;
let seqGaps = 0;
let lastSeq = 0;
wss.on('connection', (sock) => {
  sock.on('message', (data: Buffer) => {
    const d = decodeAgentToHub(data);
    if (!d.ok || d.message.type !== 'events') return;
    if (d.message.seq !== lastSeq + 1) seqGaps++;
    lastSeq = d.message.seq;
    delivered += d.message.events.length;
  });
});
const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: false });
await new Promise<void>((r) => ws.once('open', () => r()));
let seq = 0;
const sink = {
  offer(events: EventRecord[]): boolean {
    if (ws.bufferedAmount > 8 * 1024 * 1024) return false;
    ws.send(encodeFrame({ v: PROTOCOL_VERSION, type: 'events', runId: 'bench', node: 'bench', seq: ++seq, events }));
    return true;
  },
};

// Peer: bpftrace on the same tracepoint family, counting execs in the container's mount namespace.
const bt = spawn('bpftrace', ['-e', `tracepoint:syscalls:sys_enter_execve /curtask->nsproxy->mnt_ns->ns.inum == ${mntns}/ { @n = count(); }`], { stdio: ['ignore', 'pipe', 'pipe'] });
let btOut = '';
bt.stdout.setEncoding('utf8').on('data', (c: string) => (btOut += c));
bt.stderr.setEncoding('utf8').on('data', (c: string) => (btOut += c));
await new Promise<void>((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(`bpftrace did not attach: ${btOut}`)), 20_000);
  const check = setInterval(() => {
    if (btOut.includes('Attaching')) {
      clearTimeout(t);
      clearInterval(check);
      resolve();
    }
  }, 20);
});

const config = loadConfig({ node: 'bench' });
const index = createContainerIndex(config);
await index.start();
const host = await loadBpfHost();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const pipeline = new RunPipeline({ gadget: 'trace_exec', params: {}, selector: TargetSelector.parse({ namespaces: ['bench'] }), node: 'bench', index, host, sink });
await pipeline.start();
const attachedMs = performance.now() - t0;
let maxRss = 0;
const rssTimer = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 200);

// Workload: /bin/true by path (busybox sh would run a bare applet name in a fork without exec).
const script = `i=0; end=$(( $(date +%s) + ${SECONDS} )); while [ $i -lt ${MAX_EXECS} ]; do /bin/true; i=$((i+1)); if [ $((i % 128)) -eq 0 ] && [ $(date +%s) -ge $end ]; then break; fi; done; echo $i`;
const w0 = performance.now();
const produced = await new Promise<number>((resolve, reject) => {
  const p = spawn('podman', ['exec', name, 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  let out = '';
  p.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  p.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`workload exited ${code}`))));
});
const workSec = (performance.now() - w0) / 1000;
await new Promise((r) => setTimeout(r, 500));
await pipeline.stop();
const cpu = process.cpuUsage(cpu0);
const wallSec = (performance.now() - t0) / 1000;
clearInterval(rssTimer);
await new Promise((r) => setTimeout(r, 300));
bt.kill('SIGINT');
await new Promise((r) => bt.once('exit', r));
const peer = Number(/@n: (\d+)/.exec(btOut)?.[1] ?? NaN);
const s = pipeline.status();
const traced = delivered;
// The container's own execs besides /bin/true: podman exec's `sh -c`.
const expected = produced + 1;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(`trace_exec bench (${SECONDS}s, podman container, in-process agent → ws → client)`);
console.log(`  gadget start (request → attached): ${attachedMs.toFixed(1)} ms (loader open → attached ${s.attachMs ?? '?'} ms)`);
console.log(`  execs produced by the workload:    ${fmt(produced)} (${fmt(produced / workSec)}/s)`);
console.log(`  events delivered to the client:    ${fmt(traced)} (${fmt(traced / workSec)}/s), seq gaps ${seqGaps}`);
console.log(`  lost: kernel ${s.kernelDrops}, agent ${s.agentDrops}; filtered ${s.filtered}; expected ${fmt(expected)}, missing ${fmt(expected - traced)}`);
console.log(`  agent CPU: ${((100 * (cpu.user + cpu.system)) / 1e6 / wallSec).toFixed(1)}% of one core (incl. the in-process ws client endpoint), max RSS ${(maxRss / 1048576).toFixed(0)} MiB`);
console.log(`  bpftrace peer (sys_enter_execve, same mntns): ${fmt(peer)}; podscope/bpftrace = ${(traced / peer).toFixed(4)}`);

ws.close();
wss.close();
index.stop();
podman(['rm', '-f', '-t', '0', name], true);
process.exit(0);
