import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { parseHttpHead } from '@podscope/bpf/spec';
import { podLabels, podman, setupPodman } from '../test/podman.ts';
import type { RealNode } from '../test/gadgetRun.ts';
import { CollectedRun, startRealNode, until } from '../test/gadgetRun.ts';

// Seed 001, the 502 hunt: a client behind a real HAProxy (Debian's haproxy binary, bind-mounted read-only into a
// busybox container labelled as the pod) gets 502 because the backend answers with the header line
// `text/plain: Content-type`. trace_io on the balancer pod, snaplen 256, through the agent's RunPipeline, shows both.
//
// Network safety (platform.md): the three containers run with --network none and are joined to a bridge that lives in
// a namespace this test creates, on 10.0.0.0/24 only; no container has a route anywhere else. Needs root, eBPF,
// podman and haproxy; fails, never skips.
const run = promisify(execFile);
const suffix = `${process.pid}-${Date.now() % 100000}`;
const tag = `io${(process.pid % 10000).toString(36)}${(Date.now() % 1000).toString(36)}`;
const NS = 'ticket-generator';
const BALANCER_POD = 'ticket-balancer-7c9f';
const BALANCER = { name: `podscope-io-bal-${suffix}`, addr: '10.0.0.5' };
const BACKEND = { name: `podscope-io-srv-${suffix}`, addr: '10.0.0.6' };
const CLIENT = { name: `podscope-io-cli-${suffix}`, addr: '10.0.0.7' };
const bridgeNs = `ps-br-${tag}`;
const fixtureDir = new URL('../test/fixtures/seed001', import.meta.url).pathname;
let node: RealNode;
const runs: CollectedRun[] = [];

const sh = (args: readonly string[]): string => execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const textOf = (e: EventRecord): string => Buffer.from(String(e['data'] ?? ''), 'base64').toString('latin1');

/** Joins a container's network namespace to the test bridge as eth1 with `addr`. */
function attach(container: string, addr: string, i: number): void {
  const pid = podman(['inspect', '-f', '{{.State.Pid}}', container])!.trim();
  const host = `v${tag}${i}`;
  const peer = `p${tag}${i}`;
  sh(['ip', '-n', bridgeNs, 'link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
  sh(['ip', '-n', bridgeNs, 'link', 'set', peer, 'netns', pid]);
  sh(['ip', '-n', bridgeNs, 'link', 'set', host, 'master', 'br0', 'up']);
  const inNs = (args: string[]): string => sh(['nsenter', '-t', pid, '-n', 'ip', ...args]);
  inNs(['link', 'set', peer, 'name', 'eth1']);
  inNs(['addr', 'add', `${addr}/24`, 'dev', 'eth1']);
  inNs(['link', 'set', 'eth1', 'up']);
  inNs(['link', 'set', 'lo', 'up']);
}

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  sh(['test', '-x', '/usr/sbin/haproxy']); // Debian package haproxy (scripts/setup.sh)
  const image = setupPodman();
  sh(['ip', 'netns', 'add', bridgeNs]);
  sh(['ip', '-n', bridgeNs, 'link', 'add', 'br0', 'type', 'bridge']);
  sh(['ip', '-n', bridgeNs, 'link', 'set', 'br0', 'up']);

  // The backend's script and HAProxy's config (shared with the e2e test of the same seed).
  const cfg = ['-v', `${fixtureDir}:/cfg:ro`];
  // HAProxy binds its address at start: the container waits for eth1 before exec'ing it (the host's binary and libs, read-only).
  const hostHaproxy = ['-v', '/usr:/usr:ro', '-v', '/usr/lib:/lib:ro', '-v', '/lib64:/lib64:ro'];
  podman(['run', '-d', '--name', BALANCER.name, '--network', 'none', ...cfg, ...hostHaproxy, ...podLabels(NS, BALANCER_POD, 'haproxy'), image, '/bin/sh', '-c', 'while ! ip addr show eth1 2>/dev/null | grep -q inet; do sleep 0.1; done; exec /usr/sbin/haproxy -db -f /cfg/haproxy.cfg']);
  podman(['run', '-d', '--name', BACKEND.name, '--network', 'none', ...cfg, ...podLabels(NS, 'ticket-server-56c7', 'server'), image, '/bin/nc', '-ll', '-p', '8080', '-e', '/cfg/backend.sh']);
  podman(['run', '-d', '--name', CLIENT.name, '--network', 'none', ...podLabels(NS, 'ticket-client-68df', 'client'), image, 'sleep', '300']);
  attach(BALANCER.name, BALANCER.addr, 1);
  attach(BACKEND.name, BACKEND.addr, 2);
  attach(CLIENT.name, CLIENT.addr, 3);
  node = await startRealNode();
  await until('the three pods in the index', () => node.index.list().filter((c) => c.k8s?.namespace === NS).length === 3, 10_000);
  // HAProxy listening (its own log is silent, like the seed's balancer).
  await until('haproxy listening on :80', () => (podman(['exec', BALANCER.name, '/bin/netstat', '-ltn'], true) ?? '').includes(`${BALANCER.addr}:80`), 10_000);
});

afterAll(async () => {
  await Promise.allSettled(runs.map((r) => r.stop()));
  node?.index.stop();
  podman(['rm', '-f', '--ignore', '-t', '0', BALANCER.name, BACKEND.name, CLIENT.name], true);
  try {
    sh(['ip', 'netns', 'del', bridgeNs]);
  } catch {
    // already gone
  }
});

/** One request from the client pod (busybox nc: busybox-static wget crashes in these containers); returns the raw response. */
async function clientRequest(): Promise<string> {
  const request = 'GET /getticket HTTP/1.1\\r\\nHost: ticket-balancer\\r\\nUser-Agent: ticket-client\\r\\n\\r\\n';
  const out = await run('podman', ['exec', CLIENT.name, '/bin/sh', '-c', `printf '${request}' | /bin/nc -w 5 ${BALANCER.addr} 80`], { env: process.env, timeout: 15_000 }).then(
    (r) => r.stdout,
    (err: { stdout?: string; stderr?: string; message?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}${err.stdout === undefined ? String(err.message) : ''}`,
  );
  return out;
}

describe('seed 001: the 502 hunt with trace_io on the balancer pod', () => {
  it("shows the backend's malformed header in the balancer's reads and the 502 in its writes to the client", async () => {
    const r = new CollectedRun(node, 'trace_io', { selector: { namespaces: [NS], podName: BALANCER_POD }, params: { snaplen: 256 } });
    runs.push(r);
    await r.start();

    // A few requests, bounded: each one gets the 502.
    for (let i = 0; i < 3; i++) expect(await clientRequest()).toContain('502 Bad Gateway');

    const backendPeer = `${BACKEND.addr}:8080`;
    const fromBackend = await r.waitFor('a read from the backend with the malformed header', (e) => String(e['fd.name']).endsWith(`->${backendPeer}`) && textOf(e).includes('text/plain: Content-type'));
    const toClient = await r.waitFor('a write of the 502 to the client', (e) => String(e['raddr']).startsWith(`${CLIENT.addr}:`) && textOf(e).includes('502 Bad Gateway'));

    expect(fromBackend).toMatchObject({ 'k8s.namespace': NS, 'k8s.podName': BALANCER_POD, 'k8s.containerName': 'haproxy', 'proc.comm': 'haproxy', 'fd.type': 'socket', 'fd.proto': 'TCP', raddr: backendPeer, error: '' });
    expect(['READ', 'RECVFROM', 'READV', 'RECVMSG']).toContain(fromBackend['op']);
    expect(String(fromBackend['laddr'])).toMatch(/^10\.0\.0\.5:\d+$/);
    expect(fromBackend['bytes']).toBeGreaterThan(0);
    expect(fromBackend['data_len']).toBe(Math.min(256, fromBackend['bytes'] as number));

    expect(toClient).toMatchObject({ 'k8s.podName': BALANCER_POD, 'proc.comm': 'haproxy', 'fd.type': 'socket', laddr: `${BALANCER.addr}:80`, error: '' });
    expect(['WRITE', 'SENDTO', 'WRITEV', 'SENDMSG']).toContain(toClient['op']);
    expect(toClient['fd.name']).toBe(`${BALANCER.addr}:80->${String(toClient['raddr'])}`);
    // The 502 page is longer than 256 bytes? It is ~ 200 B of head + body: captured whole or truncated, never more than snaplen.
    expect(toClient['data_len'] as number).toBeLessThanOrEqual(256);

    // The request the balancer forwarded, and the request it received from the client.
    expect(r.matching((e) => String(e['fd.name']).endsWith(`->${backendPeer}`) && textOf(e).startsWith('GET /getticket HTTP/1.1')).length).toBeGreaterThan(0);
    expect(r.matching((e) => String(e['raddr']).startsWith(`${CLIENT.addr}:`) && textOf(e).startsWith('GET /getticket HTTP/1.1')).length).toBeGreaterThan(0);
    // fd lifecycle: the balancer's connect to the backend and accept from the client are named too.
    expect(r.matching((e) => e['op'] === 'CONNECT' && e['raddr'] === backendPeer).length).toBeGreaterThan(0);
    expect(r.matching((e) => e['op'] === 'ACCEPT' && String(e['raddr']).startsWith(`${CLIENT.addr}:`)).length).toBeGreaterThan(0);

    // Triage: the header block parses, with the swapped line flagged; the answer to the client is a flagged 5xx.
    const backendHead = parseHttpHead(Buffer.from(String(fromBackend['data']), 'base64'));
    expect(backendHead?.status).toBe(200);
    expect(backendHead?.problems.map((p) => [p.kind, p.line])).toEqual([['malformed-header', 'text/plain: Content-type']]);
    const clientHead = parseHttpHead(Buffer.from(String(toClient['data']), 'base64'));
    expect(clientHead).toMatchObject({ status: 502, reason: 'Bad Gateway' });
    expect(clientHead?.problems.map((p) => p.kind)).toContain('server-error');

    // Only the balancer pod was traced, and nothing was lost.
    expect(r.events.every((e) => e['k8s.podName'] === BALANCER_POD)).toBe(true);
    const st = r.status();
    expect(st).toMatchObject({ kernelDrops: 0, agentDrops: 0 });
    expect(st.events).toBe(r.events.length);
  });
});
