import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoDir } from './paths.ts';
import { podman, testImage } from './podman.ts';

const execFileAsync = promisify(execFile);

// Seed 001, the 502 hunt: a client behind a real HAProxy (Debian's binary, bind-mounted read-only into a busybox
// container labelled as pod ticket-generator/ticket-balancer-…) gets 502 because the backend answers with the header
// line `text/plain: Content-type`.
//
// Network safety (platform.md): the three containers run with --network none and are joined to a bridge inside a
// network namespace this scenario creates, on 10.0.0.0/24 only; no container has a route anywhere else, and every
// request is sent from inside the client container.

export const SEED_NAMESPACE = 'ticket-generator';
export const BALANCER_ADDR = '10.0.0.5';
export const BACKEND_ADDR = '10.0.0.6';
export const CLIENT_ADDR = '10.0.0.7';
export const BACKEND_PORT = 8080;

export interface SeedScenario {
  /** e.g. ticket-balancer-3fa9c1 */
  balancerPod: string;
  /** One request from the client pod; resolves with the raw response (a 502 page). */
  clientRequest(): Promise<string>;
  stop(): Promise<void>;
}

const run = async (argv: readonly string[]): Promise<string> => (await execFileAsync(argv[0] ?? '', argv.slice(1), { timeout: 30_000 })).stdout;

// The backend's script and HAProxy's config (10.0.0.5:80 → 10.0.0.6:8080), shared with the agent's integration test.
const fixtureDir = join(repoDir, 'packages/agent/test/fixtures/seed001');

const labels = (pod: string, container: string): string[] => [
  '--label', `io.kubernetes.pod.namespace=${SEED_NAMESPACE}`,
  '--label', `io.kubernetes.pod.name=${pod}`,
  '--label', `io.kubernetes.container.name=${container}`,
];

/** Starts backend, balancer and client on a private bridge; `stop` removes all of it. */
export async function startSeedScenario(): Promise<SeedScenario> {
  const id = randomBytes(3).toString('hex');
  const balancerPod = `ticket-balancer-${id}`;
  const names = { balancer: `podscope-e2e-bal-${id}`, backend: `podscope-e2e-srv-${id}`, client: `podscope-e2e-cli-${id}` };
  const bridgeNs = `ps-e2e-${id}`;
  const stop = async (): Promise<void> => {
    await podman(['rm', '--force', '--time', '0', '--ignore', names.balancer, names.backend, names.client]).catch(() => '');
    await run(['ip', 'netns', 'del', bridgeNs]).catch(() => '');
  };
  try {
    await run(['ip', 'netns', 'add', bridgeNs]);
    await run(['ip', '-n', bridgeNs, 'link', 'add', 'br0', 'type', 'bridge']);
    await run(['ip', '-n', bridgeNs, 'link', 'set', 'br0', 'up']);
    const cfg = ['-v', `${fixtureDir}:/cfg:ro`];
    const hostHaproxy = ['-v', '/usr:/usr:ro', '-v', '/usr/lib:/lib:ro', '-v', '/lib64:/lib64:ro'];
    // HAProxy binds its address at start: wait for eth1 before exec'ing it.
    await podman(['run', '-d', '--name', names.balancer, '--network', 'none', ...cfg, ...hostHaproxy, ...labels(balancerPod, 'haproxy'), testImage, '/bin/sh', '-c', 'while ! ip addr show eth1 2>/dev/null | grep -q inet; do sleep 0.1; done; exec /usr/sbin/haproxy -db -f /cfg/haproxy.cfg']);
    await podman(['run', '-d', '--name', names.backend, '--network', 'none', ...cfg, ...labels(`ticket-server-${id}`, 'server'), testImage, '/bin/nc', '-ll', '-p', String(BACKEND_PORT), '-e', '/cfg/backend.sh']);
    await podman(['run', '-d', '--name', names.client, '--network', 'none', ...labels(`ticket-client-${id}`, 'client'), testImage, 'sleep', '600']);
    const attach = async (container: string, addr: string, i: number): Promise<void> => {
      const pid = (await podman(['inspect', '-f', '{{.State.Pid}}', container])).trim();
      const host = `v${id}${i}`;
      const peer = `p${id}${i}`;
      await run(['ip', '-n', bridgeNs, 'link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
      await run(['ip', '-n', bridgeNs, 'link', 'set', peer, 'netns', pid]);
      await run(['ip', '-n', bridgeNs, 'link', 'set', host, 'master', 'br0', 'up']);
      const inNs = (args: string[]): Promise<string> => run(['nsenter', '-t', pid, '-n', 'ip', ...args]);
      await inNs(['link', 'set', peer, 'name', 'eth1']);
      await inNs(['addr', 'add', `${addr}/24`, 'dev', 'eth1']);
      await inNs(['link', 'set', 'eth1', 'up']);
      await inNs(['link', 'set', 'lo', 'up']);
    };
    await attach(names.balancer, BALANCER_ADDR, 1);
    await attach(names.backend, BACKEND_ADDR, 2);
    await attach(names.client, CLIENT_ADDR, 3);
    const deadline = Date.now() + 15_000;
    while (!(await podman(['exec', names.balancer, '/bin/netstat', '-ltn']).catch(() => '')).includes(`${BALANCER_ADDR}:80`)) {
      if (Date.now() > deadline) throw new Error('haproxy did not start listening');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const request = 'GET /getticket HTTP/1.1\\r\\nHost: ticket-balancer\\r\\nUser-Agent: ticket-client\\r\\n\\r\\n';
  return {
    balancerPod,
    clientRequest: () => podman(['exec', names.client, '/bin/sh', '-c', `printf '${request}' | /bin/nc -w 5 ${BALANCER_ADDR} 80`]),
    stop,
  };
}
