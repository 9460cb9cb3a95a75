import type { ChildProcessByStdio } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { EventRecord as EventRecordSchema } from '@podscope/protocol';
import { podLabels, podman, setupPodman } from '../test/podman.ts';

// Needs root, eBPF and podman: it fails (never skips) when they are missing.
const suffix = `${process.pid}-${Date.now() % 100000}`;
const web = `podscope-int-web-${suffix}`;
const fresh = `podscope-int-new-${suffix}`;
const bin = new URL('../bin/podscope-agent.mjs', import.meta.url).pathname;

let image = '';
let agent: ChildProcessByStdio<null, Readable, Readable> | undefined;
const events: EventRecord[] = [];
let stderr = '';

const until = async (what: string, cond: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; agent stderr:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  image = setupPodman();
  podman(['run', '-d', '--name', web, '--network', 'none', ...podLabels('demo', 'web-1', 'web'), image, 'sleep', '120']);
  agent = spawn(process.execPath, [bin, 'run', 'trace_exec', '-n', 'demo', '-o', 'json', '-t', '60'], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let buf = '';
  agent.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(EventRecordSchema.parse(JSON.parse(line)));
  });
  agent.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await until('the gadget to attach', () => stderr.includes('attached in'), 30_000);
});

afterAll(async () => {
  if (agent && agent.exitCode === null) agent.kill('SIGINT');
  podman(['rm', '-f', '-t', '0', web, fresh], true);
});

describe('podscope-agent run trace_exec -n demo (real eBPF, real podman)', () => {
  it('sees `podman exec ls /` in the demo pod, enriched with its pod identity', async () => {
    podman(['exec', web, 'ls', '/']);
    await until('the ls / exec event', () => events.some((e) => e.args === 'ls /'));
    const e = events.find((x) => x.args === 'ls /')!;
    expect(e).toMatchObject({ 'k8s.namespace': 'demo', 'k8s.podName': 'web-1', 'k8s.containerName': 'web', 'runtime.containerName': web, 'runtime.runtimeName': 'podman', 'proc.comm': 'ls' });
    expect(e).toHaveProperty('mntns_pending', false);
  });

  it('does not lose the first process of a container started while the run is active', async () => {
    // /bin/ls, not ls: busybox sh runs applets named bare in a fork without exec.
    podman(['run', '-d', '--name', fresh, '--network', 'none', ...podLabels('demo', 'new-1', 'app'), image, 'sh', '-c', '/bin/ls /proc >/dev/null; sleep 5']);
    await until('the /bin/ls /proc exec event', () => events.some((e) => e.args === '/bin/ls /proc'));
    const e = events.find((x) => x.args === '/bin/ls /proc')!;
    expect(e).toMatchObject({ 'k8s.namespace': 'demo', 'k8s.podName': 'new-1', 'k8s.containerName': 'app', 'runtime.runtimeName': 'podman' });
    // Its container's very first exec (the sh itself) is there too.
    expect(events.some((x) => x['k8s.podName'] === 'new-1' && String(x.args).startsWith('sh -c'))).toBe(true);
  });

  it('does not show host processes without --host', async () => {
    const marker = `podscope-host-marker-${suffix}`;
    execFileSync('/bin/sh', ['-c', `/bin/echo ${marker} >/dev/null`]);
    podman(['exec', web, '/bin/echo', 'after-host']);
    await until('a later container event', () => events.some((e) => e.args === '/bin/echo after-host'));
    expect(events.filter((e) => String(e.args).includes(marker))).toEqual([]);
    expect(events.every((e) => e['k8s.namespace'] === 'demo')).toBe(true);
  });

  it('stops on SIGINT and prints a drop summary', async () => {
    agent!.kill('SIGINT');
    const code = await new Promise<number | null>((r) => agent!.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(stderr).toMatch(/trace_exec on .*: \d+ events, lost: kernel 0, agent 0; filtered \d+/);
  });
});
