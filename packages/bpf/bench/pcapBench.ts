// `pnpm bench:pcap`: podscope's packet capture and tcpdump (Debian) capture the same veth, inside namespaces this bench
// creates, at stepped UDP rates (each step bounded in time and count). Reports packets captured, kernel drops and CPU
// of both, and podscope/tcpdump ratios. Network safety: traffic only between the bench's two namespaces.
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tag = String(process.pid % 100000);
const SND = `ps-bsnd-${tag}`;
const RCV = `ps-brcv-${tag}`;
const STEP_SECONDS = Number(process.env.PCAP_BENCH_SECONDS ?? 3);
const rates = (process.env.PCAP_BENCH_RATES ?? '10000,50000,100000,200000,400000').split(',').map(Number);
const SIZE = Number(process.env.PCAP_BENCH_SIZE ?? 200);
const FILTER = 'udp port 9000';
// write: tcpdump -w /dev/null (capture only) · print: tcpdump -n > /dev/null (decodes every packet, as podscope does).
const TCPDUMP_MODE = process.env.PCAP_BENCH_TCPDUMP === 'print' ? 'print' : 'write';
const work = mkdtempSync(join(tmpdir(), 'podscope-pcapbench-'));
const blaster = join(work, 'udpBlaster');
const sh = (...a: string[]): string => execFileSync(a[0]!, a.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const clkTck = Number(sh('getconf', 'CLK_TCK').trim());

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / clkTck;
}

function waitLine(child: ChildProcess, stream: 'stdout' | 'stderr', re: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    child[stream]!.on('data', (d: Buffer) => {
      text += d.toString();
      if (re.test(text)) resolve(text);
    });
  });
}

function setup(): number {
  sh('clang', '-O2', '-o', blaster, new URL('./udpBlaster.c', import.meta.url).pathname);
  sh('ip', 'netns', 'add', SND);
  sh('ip', 'netns', 'add', RCV);
  sh('ip', '-n', SND, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', RCV);
  sh('ip', '-n', SND, 'addr', 'add', '10.201.0.1/24', 'dev', 'eth0');
  sh('ip', '-n', RCV, 'addr', 'add', '10.201.0.2/24', 'dev', 'eth0');
  for (const ns of [SND, RCV]) {
    sh('ip', '-n', ns, 'link', 'set', 'eth0', 'up');
    sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
  }
  // A receiver that drops everything (iptables-free): the datagrams still cross the veth and are captured.
  const holder = spawn('ip', ['netns', 'exec', RCV, 'sleep', '3600'], { stdio: 'ignore' });
  return holder.pid!;
}

interface Side {
  captured: number;
  /** tcpdump: accepted by the kernel filter (includes the last block, which tcpdump does not write when interrupted). */
  received?: number;
  drops: number;
  cpu: number;
}

async function step(rate: number, holderPid: number): Promise<{ sent: number; secs: number; tcpdump: Side; podscope: Side }> {
  // nsenter execs tcpdump in place (ip netns exec forks), so the pid we sample is tcpdump's own.
  const td = spawn('nsenter', [`--net=/run/netns/${RCV}`, 'tcpdump', '-i', 'eth0', '-n', '-s', '262144', ...(TCPDUMP_MODE === 'write' ? ['-w', '/dev/null'] : []), FILTER], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ps = spawn(process.execPath, ['--import', 'tsx', new URL('./pcapCapture.ts', import.meta.url).pathname, String(holderPid), 'eth0', FILTER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const tdReady = waitLine(td, 'stderr', /listening on/);
  await Promise.all([tdReady, waitLine(ps, 'stdout', /ready/)]);
  await sleep(300);
  const cpu0 = { td: cpuSeconds(td.pid!), ps: cpuSeconds(ps.pid!) };
  const [sent, secs] = sh('ip', 'netns', 'exec', SND, blaster, '10.201.0.2', '9000', String(rate), String(STEP_SECONDS), String(SIZE)).trim().split(' ').map(Number);
  await sleep(300);
  const cpu1 = { td: cpuSeconds(td.pid!), ps: cpuSeconds(ps.pid!) };
  const tdOut = waitLine(td, 'stderr', /dropped by kernel/);
  const psOut = waitLine(ps, 'stdout', /\{.*\}/);
  td.kill('SIGINT');
  ps.kill('SIGINT');
  const tdText = await tdOut;
  const psText = await psOut;
  if (process.env.PCAP_BENCH_DEBUG === "1") console.log(psText.trim());
  const psJson = JSON.parse(/\{.*\}/.exec(psText)![0]) as { captured: number; drops: number };
  const num = (re: RegExp): number => Number(re.exec(tdText)?.[1] ?? NaN);
  const wall = secs! + 0.6;
  return {
    sent: sent!,
    secs: secs!,
    tcpdump: { captured: num(/(\d+) packets captured/), received: num(/(\d+) packets received by filter/), drops: num(/(\d+) packets dropped by kernel/), cpu: (100 * (cpu1.td - cpu0.td)) / wall },
    podscope: { captured: psJson.captured, drops: psJson.drops, cpu: (100 * (cpu1.ps - cpu0.ps)) / wall },
  };
}

const holderPid = setup();
try {
  console.log(`capture benchmark: UDP ${SIZE} B payloads over a veth between two bench namespaces, filter "${FILTER}", ${STEP_SECONDS} s per step; both capture concurrently`);
  console.log(`tcpdump ${TCPDUMP_MODE === 'write' ? '-w /dev/null (no decoding)' : '-n > /dev/null (decodes and prints every packet)'}; podscope decodes every packet into event fields + base64 and writes pcap-ng to /dev/null`);
  console.log('target/s   sent/s  | tcpdump: captured (by filter)  dropped  CPU%  | podscope: captured  dropped  CPU%  | captured ratio  CPU ratio');
  for (const rate of rates) {
    const r = await step(rate, holderPid);
    const pad = (v: number | string, n: number): string => String(v).padStart(n);
    console.log(
      `${pad(rate, 8)} ${pad(Math.round(r.sent / r.secs), 8)}  | ${pad(r.tcpdump.captured, 17)} ${pad(`(${r.tcpdump.received ?? '?'})`, 11)} ${pad(r.tcpdump.drops, 8)} ${pad(r.tcpdump.cpu.toFixed(1), 5)}  | ` +
        `${pad(r.podscope.captured, 18)} ${pad(r.podscope.drops, 8)} ${pad(r.podscope.cpu.toFixed(1), 5)}  | ${pad((r.podscope.captured / r.tcpdump.captured).toFixed(3), 14)} ${pad((r.podscope.cpu / r.tcpdump.cpu).toFixed(2), 10)}`,
    );
  }
} finally {
  process.kill(holderPid);
  for (const ns of [SND, RCV]) sh('ip', 'netns', 'del', ns);
  rmSync(work, { recursive: true, force: true });
}
