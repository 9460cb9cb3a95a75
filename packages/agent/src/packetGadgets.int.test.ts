import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPcapng } from '@podscope/bpf/packets';
import type { RealNode } from '../test/gadgetRun.ts';
import { CollectedRun, sleep, startRealNode, until } from '../test/gadgetRun.ts';
import { DNS_ADDR, POD_ADDR, PodNetwork, WEB_ADDR } from '../test/podNetwork.ts';
import { podLabels, podman, setupPodman } from '../test/podman.ts';

// Seed 000 Task 1 without internet: pod network-debug/mypod resolves example.com through the test's dnsmasq and
// fetches it from the test's web server, all in namespaces this test creates. Needs root and podman; fails, never skips.
const suffix = `${process.pid % 100000}`;
const NS = 'network-debug';
const POD = 'mypod';
const box = `podscope-mypod-${suffix}`;
const bin = new URL('../bin/podscope-agent.mjs', import.meta.url).pathname;
const net = new PodNetwork(`t${suffix}`);
const work = mkdtempSync(join(tmpdir(), 'podscope-pcap-'));
let node: RealNode;
const runs: CollectedRun[] = [];
const clis: ChildProcess[] = [];

interface CliCapture {
  file: string;
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `podscope-agent run tcpdump -n network-debug -p mypod [--pf …] -o pcap-ng > file`, the seed's command. */
function captureCli(name: string, extra: string[]): CliCapture {
  const file = join(work, `${name}.pcapng`);
  const child = spawn(process.execPath, [bin, 'run', 'tcpdump', '-n', NS, '-p', POD, '-o', 'pcap-ng', '-t', '60', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PODSCOPE_AGENT_FROM_SOURCE: '1' },
  });
  clis.push(child);
  child.stdout.pipe(createWriteStream(file));
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { file, child, stderr: () => err, exited };
}

/** tcpdump's own reading of a capture file, one line per packet (timestamps left out). */
function tcpdumpRead(file: string): string[] {
  const out = execFileSync('tcpdump', ['-nr', file, '-t'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l !== '');
}

function wget(): string {
  return execFileSync('podman', ['exec', box, 'wget', '-q', '-O-', 'http://example.com/'], { encoding: 'utf8', env: process.env, timeout: 20_000 });
}

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  const image = setupPodman();
  net.setup();
  podman(['run', '-d', '--name', box, '--network', 'none', '-v', `${net.resolvConf}:/etc/resolv.conf:ro`, ...podLabels(NS, POD, POD), image, 'sleep', '600']);
  net.attachPod(Number(podman(['inspect', '-f', '{{.State.Pid}}', box])!.trim()));
  node = await startRealNode();
  await until('mypod in the index', () => node.index.list().some((c) => c.k8s?.podName === POD && c.netns !== undefined));
}, 60_000);

afterAll(async () => {
  for (const c of clis) if (c.exitCode === null) c.kill('SIGKILL');
  await Promise.allSettled(runs.map((r) => r.stop()));
  node?.index.stop();
  podman(['rm', '-f', '--ignore', '-t', '0', box], true);
  net.teardown();
  rmSync(work, { recursive: true, force: true });
});

describe('tcpdump and trace_dns on network-debug/mypod (seed 000 Task 1, local DNS + web server)', () => {
  it('a bad --pf is refused with libpcap’s message before anything starts', async () => {
    const cli = captureCli('bad', ['--pf', 'port eighty']);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(/--pf "port eighty": .*(illegal|unknown port|syntax)/);
    expect(cli.stderr()).not.toMatch(/attached/);
    expect(readFileSync(cli.file).length).toBe(0);
  }, 60_000);

  it('pcap-ng read by the real tcpdump shows DNS, handshake, GET, 200 and teardown; --pf narrows it in the kernel', async () => {
    const all = captureCli('all', []);
    const web = captureCli('port80', ['--pf', 'port 80']);
    const dns = captureCli('port53', ['--pf', 'port 53']);
    const events = new CollectedRun(node, 'tcpdump', { selector: { namespaces: [NS], podName: POD } });
    const lookups = new CollectedRun(node, 'trace_dns', { selector: { namespaces: [NS], podName: POD } });
    runs.push(events, lookups);
    await Promise.all([events.start(), lookups.start()]);
    await until('three CLI captures attached', () => [all, web, dns].every((c) => /attached/.test(c.stderr())), 45_000, () => [all, web, dns].map((c) => c.stderr()));
    await sleep(1200); // the captures open their sockets right after attach (and re-check every second)

    expect(wget()).toContain('hello from the test web server');
    await sleep(800);
    for (const c of [all, web, dns]) c.child.kill('SIGINT');
    expect(await Promise.all([all.exited, web.exited, dns.exited])).toEqual([0, 0, 0]);

    const lines = tcpdumpRead(all.file);
    if (process.env.PODSCOPE_SHOW_PCAP === "1") process.stderr.write(lines.join("\n") + "\n---\n" + tcpdumpRead(dns.file).join("\n") + "\n");
    const has = (re: RegExp): void => void expect(lines.some((l) => re.test(l)), `${re} in\n${lines.join('\n')}`).toBe(true);
    const pod = POD_ADDR.replace(/\./g, '\\.');
    const srv = WEB_ADDR.replace(/\./g, '\\.');
    const ns = DNS_ADDR.replace(/\./g, '\\.');
    has(new RegExp(`IP ${pod}\\.\\d+ > ${ns}\\.53: \\d+\\+ A\\? example\\.com\\. \\(29\\)`));
    has(new RegExp(`IP ${ns}\\.53 > ${pod}\\.\\d+: \\d+\\*? 1/0/0 A ${srv} \\(\\d+\\)`));
    has(new RegExp(`IP ${pod}\\.\\d+ > ${ns}\\.53: \\d+\\+ AAAA\\? example\\.com\\.`));
    has(new RegExp(`IP ${ns}\\.53 > ${pod}\\.\\d+: \\d+\\*? 0/\\d/0 \\(\\d+\\)`)); // AAAA: no IPv6 address, not an error
    has(new RegExp(`IP ${pod}\\.\\d+ > ${srv}\\.80: Flags \\[S\\], seq \\d+`));
    has(new RegExp(`IP ${srv}\\.80 > ${pod}\\.\\d+: Flags \\[S\\.\\], seq \\d+, ack \\d+`));
    has(new RegExp(`IP ${pod}\\.\\d+ > ${srv}\\.80: Flags \\[\\.\\], ack 1,`));
    has(new RegExp(`IP ${pod}\\.\\d+ > ${srv}\\.80: Flags \\[P\\.\\], seq 1:\\d+, ack 1, .*HTTP: GET / HTTP/1\\.1`));
    has(new RegExp(`IP ${srv}\\.80 > ${pod}\\.\\d+: Flags \\[P\\.\\], .*HTTP: HTTP/1\\.[01] 200 OK`));
    has(new RegExp(`IP ${pod}\\.\\d+ > ${srv}\\.80: Flags \\[F\\.\\]`));
    has(new RegExp(`IP ${srv}\\.80 > ${pod}\\.\\d+: Flags \\[F\\.\\]`));

    // Our own reader agrees, and the interface names the pod.
    const file = readPcapng(readFileSync(all.file));
    expect(file.packets.length).toBe(lines.length);
    expect(file.interfaces.some((i) => i.name === 'eth1' && /namespace=network-debug pod=mypod container=mypod/.test(i.description ?? ''))).toBe(true);
    const ts = file.packets.map((p) => p.tsNs);
    expect(ts).toEqual([...ts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    const port80 = tcpdumpRead(web.file);
    expect(port80.length).toBeGreaterThanOrEqual(8);
    expect(port80.every((l) => /\.80[ :]/.test(l))).toBe(true);
    expect(port80.some((l) => /\.53[ :]/.test(l))).toBe(false);
    const port53 = tcpdumpRead(dns.file);
    expect(port53.length).toBeGreaterThanOrEqual(4);
    expect(port53.every((l) => /\.53[ :]/.test(l)), port53.join("\n")).toBe(true);
    expect(port53.some((l) => /\.80[ :]/.test(l))).toBe(false);

    // The same packets as events, named by pod.
    const get = await events.waitFor('the GET as an event', (e) => e['http.request'] === 'GET / HTTP/1.1');
    expect(get).toMatchObject({ 'k8s.namespace': NS, 'k8s.podName': POD, 'k8s.containerName': POD, ifname: 'eth1', direction: 'OUTGOING', proto: 'HTTP', 'dst.addr': WEB_ADDR, 'dst.port': 80, 'tcp.flags': 'P.' });
    expect(typeof get['data']).toBe('string');
    await events.waitFor('the 200', (e) => e['http.status'] === 200 && e['direction'] === 'HOST');
    await events.waitFor('the SYN', (e) => e['tcp.flags'] === 'S' && e['dst.port'] === 80);
    expect(events.status().kernelDrops).toBe(0);

    // trace_dns: query and response paired, with latency and the answer.
    const q = await lookups.waitFor('the A query', (e) => e['qr'] === 'Q' && e['qtype'] === 'A');
    expect(q).toMatchObject({ name: 'example.com', nameserver: `${DNS_ADDR}:53`, pkt_type: 'OUTGOING', latency_ns: null, 'k8s.podName': POD, 'k8s.namespace': NS });
    const r = await lookups.waitFor('the A response', (e) => e['qr'] === 'R' && e['qtype'] === 'A');
    expect(r).toMatchObject({ name: 'example.com', id: q['id'], addresses: WEB_ADDR, num_answers: 1, rcode: 'NoError', nameserver: `${DNS_ADDR}:53`, dst: q['src'], pkt_type: 'HOST', 'k8s.podName': POD });
    expect(r['latency_ns']).toBeGreaterThan(0);
    expect(r['latency_ns']).toBeLessThan(2e9);
    expect(r['timestamp'] as number).toBeGreaterThan(q['timestamp'] as number);
    expect(lookups.events.every((e) => e['name'] === 'example.com')).toBe(true);
  }, 120_000);
});
