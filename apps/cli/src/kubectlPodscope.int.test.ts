import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureEventsResponse, CaptureResponse, EventRecord, type EventRecord as EventRecordType } from '@podscope/protocol';
import { RealStack, podLabels, podman, setupPodman, until, type Plugin } from '../test/realStack.ts';

// `kubectl podscope` through kubectl's plugin lookup, against a real hub and a real agent tracing a real podman
// container with eBPF. Needs root, eBPF and podman: fails, never skips.
const suffix = `${process.pid % 100000}`;
const NS = 'demo';
const POD = `cli-web-${suffix}`;
const box = `podscope-cli-${suffix}`;
const work = mkdtempSync(join(tmpdir(), 'podscope-cli-work-'));
let stack: RealStack;
const plugins: Plugin[] = [];

function kubectl(args: readonly string[], env?: Record<string, string>, cwd?: string): Plugin {
  const p = stack.kubectl(args, env, cwd);
  plugins.push(p);
  return p;
}

const jsonLines = (text: string): EventRecordType[] =>
  text.split('\n').filter((l) => l.trim() !== '').map((l) => EventRecord.parse(JSON.parse(l)));

function tcpdumpRead(file: string): string[] {
  return execFileSync('tcpdump', ['-nr', file, '-t', '-A'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n');
}

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  const image = setupPodman();
  // Loopback only (no network): the HTTP exchange stays inside the container's own network namespace.
  podman(['run', '-d', '--name', box, '--network', 'none', ...podLabels(NS, POD, 'web'), image, 'sh', '-c', 'httpd -f -p 127.0.0.1:8080 -h /etc & sleep 600']);
  stack = await RealStack.start(`cli-node-${suffix}`);
  await stack.waitForPod(NS, POD);
});

afterAll(() => {
  for (const p of plugins) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  stack?.stop();
  podman(['rm', '-f', '-t', '0', box], true);
  rmSync(work, { recursive: true, force: true });
});

describe('kubectl podscope (real hub, agent, eBPF and podman)', () => {
  it('is found by kubectl as a plugin', () => {
    const out = execFileSync('kubectl', ['plugin', 'list'], { encoding: 'utf8', env: { ...process.env, PATH: `${new URL('../bin', import.meta.url).pathname}:${process.env.PATH ?? ''}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/kubectl-podscope/);
  });

  it('run trace_exec -n demo -o json prints enriched events of the pod, then a summary on Ctrl-C', async () => {
    const run = kubectl(['run', 'trace_exec', '-n', NS, '-o', 'json']);
    await until('the run to attach', () => run.stderr().includes('running on'), 30_000, () => run.stderr() + stack.log);
    const marker = `cli-marker-${suffix}`;
    podman(['exec', box, '/bin/echo', marker]);
    await until('the exec event on stdout', () => run.stdout().includes(marker), 20_000, () => run.stderr());
    const e = jsonLines(run.stdout()).find((x) => x.args === `/bin/echo ${marker}`);
    expect(e).toMatchObject({ 'k8s.node': stack.node, 'k8s.namespace': NS, 'k8s.podName': POD, 'k8s.containerName': 'web', 'runtime.containerName': box, 'runtime.runtimeName': 'podman', 'proc.comm': 'echo' });
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toMatch(/trace_exec: \d+ events from 1 node; lost: kernel 0, agent 0, hub 0, kubectl-podscope 0/);
  });

  it('run tcpdump -o pcap-ng writes a stream tcpdump -r reads, with the pod\'s HTTP exchange', async () => {
    const file = join(work, 'http.pcapng');
    const run = kubectl(['run', 'tcpdump', '-n', NS, '-p', POD, '--pf', 'tcp port 8080', '-o', 'pcap-ng']);
    await until('the run to attach', () => run.stderr().includes('running on'), 30_000, () => run.stderr());
    expect(podman(['exec', box, 'wget', '-q', '-O-', 'http://127.0.0.1:8080/passwd'])).toContain('root:');
    await until('the GET in the pcap-ng stream', () => {
      writeFileSync(file, run.stdoutBytes());
      return run.stdoutBytes().length > 0 && tcpdumpRead(file).some((l) => l.includes('GET /passwd'));
    }, 20_000, () => run.stderr());
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    writeFileSync(file, run.stdoutBytes());
    const lines = tcpdumpRead(file);
    expect(lines.some((l) => l.includes('127.0.0.1.8080') && l.includes('Flags [S.]'))).toBe(true);
    expect(lines.some((l) => l.includes('HTTP/1.1 200 OK'))).toBe(true);
  });

  it('capture POD -ns demo -M 3 --snaplen 256 shows progress, writes a verified file, and the hub imports it', async () => {
    const marker = `cli-capture-${suffix}`;
    const cap = kubectl(['capture', POD, '-ns', NS, '-M', '3', '--snaplen', '256', '--progress-every', '1'], undefined, work);
    await until('the capture to attach', () => cap.stderr().includes('attached on'), 30_000, () => cap.stderr());
    podman(['exec', box, 'sh', '-c', `echo ${marker} > /tmp/m; cat /tmp/m`]);
    expect(await cap.exited).toBe(0);
    expect(cap.stderr()).toMatch(/capturing: \d+\/3 s, \d+ events/);
    expect(cap.stderr()).toMatch(/verified: .*signed by this hub's key [0-9a-f]{16}/);
    const file = /downloaded to your hard disk at: (\S+\.podscope)/.exec(cap.stdout())?.[1];
    expect(file).toBeDefined();

    // What the web UI's capture page loads: import the file, then page through its events.
    const auth = { authorization: `Bearer ${stack.token}` };
    const imported = await fetch(`${stack.url}/api/captures/import?name=${encodeURIComponent(file!)}`, { method: 'POST', headers: auth, body: readFileSync(file!) });
    expect(imported.status).toBe(201);
    const { capture } = (await imported.json()) as { capture: { id: string } };
    const page = CaptureResponse.parse(await (await fetch(`${stack.url}/api/captures/${capture.id}`, { headers: auth })).json());
    expect(page.meta).toMatchObject({ source: 'run', request: { gadget: 'trace_io', target: { namespaces: [NS], podName: POD } }, importedFrom: { signer: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown } });
    const q = new URLSearchParams({ filter: 'data_len > 0', limit: '1000' });
    const events = CaptureEventsResponse.parse(await (await fetch(`${stack.url}/api/captures/${capture.id}/events?${q.toString()}`, { headers: auth })).json());
    const payloads = events.events.map((e) => Buffer.from(String(e.event['data'] ?? ''), 'base64').toString('latin1'));
    expect(payloads.some((d) => d.includes(marker)), JSON.stringify(events.events.slice(0, 5))).toBe(true);
    expect(events.events.every((e) => e.event['k8s.podName'] === POD)).toBe(true);

    // A file changed after download is refused by the hub too.
    const bad = readFileSync(file!);
    bad[bad.length - 500]! ^= 0xff;
    const refused = await fetch(`${stack.url}/api/captures/import?name=bad.podscope`, { method: 'POST', headers: auth, body: bad });
    expect(refused.status).toBe(400);
  });

  it('lists, opens and shares captures; logs in with a user and password too', async () => {
    const list = kubectl(['captures', 'list'], { PODSCOPE_USER: 'admin', PODSCOPE_PASSWORD: RealStack.password, PODSCOPE_TOKEN: '' });
    expect(await list.exited).toBe(0);
    const row = list.stdout().split('\n').find((l) => l.includes(`capture-${POD}-`));
    expect(list.stdout().split('\n')[0]).toMatch(/^ID\s+NAME\s+STATE\s+GADGETS\s+EVENTS\s+SIZE\s+AGE$/);
    expect(row).toMatch(/complete\s+trace_io/);
    const id = row!.split(/\s+/)[0]!;

    const open = kubectl(['captures', 'open', id]);
    expect(await open.exited).toBe(0);
    expect(open.stdout().trim()).toBe(`${stack.url}/capture?id=${id}`);

    const share = kubectl(['captures', 'share', id, '--expires', '1h']);
    expect(await share.exited).toBe(0);
    const link = new URL(share.stdout().trim());
    expect(share.stderr()).toMatch(/expires \d{4}-/);
    // The link works without a login, for that capture only.
    const shared = await fetch(`${stack.url}/api/captures/${id}?share=${link.searchParams.get('share') ?? ''}`);
    expect(shared.status).toBe(200);
  });

  it('reports errors as kubectl does: "error: …" on stderr and exit code 1', async () => {
    const unknown = kubectl(['run', 'trace_nothing', '-n', NS]);
    expect(await unknown.exited).toBe(1);
    expect(unknown.stderr()).toMatch(/^error: unknown gadget "trace_nothing"; the hub's agents offer: .*trace_exec/);
    const badToken = kubectl(['captures', 'list'], { PODSCOPE_TOKEN: 'psu_wrong' });
    expect(await badToken.exited).toBe(1);
    expect(badToken.stderr()).toBe('error: the API token is not valid (mistyped, or removed from api-tokens.json)\n');
    const badFilter = kubectl(['run', 'trace_exec', '-n', NS, '--filter', 'proc.comm=='], undefined);
    expect(await badFilter.exited).toBe(1);
    expect(badFilter.stderr()).toMatch(/^error: .*filter/i);
  });
});
