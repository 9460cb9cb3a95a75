import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoDir } from './paths.ts';

const execFileAsync = promisify(execFile);

export const testImage = 'localhost/podscope-busybox:latest';

/** Runs podman with the project's config and store (scripts/podman-env.sh), returning its stdout. */
export async function podman(args: readonly string[]): Promise<string> {
  const script = 'source "$0" && exec podman "$@"';
  const { stdout } = await execFileAsync('bash', ['-c', script, join(repoDir, 'scripts/podman-env.sh'), ...args], {
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

export async function buildTestImage(): Promise<void> {
  await execFileAsync('bash', [join(repoDir, 'scripts/podman-image.sh')], { timeout: 60_000 });
}

export interface PodContainer {
  /** podman's container name. */
  name: string;
  namespace: string;
  pod: string;
  container: string;
}

/**
 * Starts a long-running container labelled the way kubelet labels one, so the agent reports it as
 * namespace/pod/container. The podman name gets a random suffix so runs never collide.
 */
export async function startPodContainer(k8s: Omit<PodContainer, 'name'>, opts: { network?: string; cpusetCpus?: string } = {}): Promise<PodContainer> {
  const name = `podscope-e2e-${k8s.pod}-${randomBytes(3).toString('hex')}`;
  await podman([
    'run', '-d', '--name', name,
    '--network', opts.network ?? 'none',
    ...(opts.cpusetCpus !== undefined ? ['--cpuset-cpus', opts.cpusetCpus] : []),
    '--label', `io.kubernetes.pod.namespace=${k8s.namespace}`,
    '--label', `io.kubernetes.pod.name=${k8s.pod}`,
    '--label', `io.kubernetes.container.name=${k8s.container}`,
    testImage, 'sleep', 'infinity',
  ]);
  return { name, ...k8s };
}

export async function removeContainer(name: string): Promise<void> {
  await podman(['rm', '--force', '--time', '0', '--ignore', name]);
}

/** `podman exec -d`: starts argv in the container and returns at once; it ends by itself or with the container. */
export async function execDetached(name: string, argv: readonly string[]): Promise<void> {
  await podman(['exec', '-d', name, ...argv]);
}

/** `podman exec <name> argv...`: the process runc starts is exactly argv (no shell in between). */
export async function execInContainer(name: string, argv: readonly string[]): Promise<string> {
  return podman(['exec', name, ...argv]);
}

/** A podman network the test owns; `--internal`, so nothing on it can reach beyond this machine. */
export async function createInternalNetwork(): Promise<string> {
  const name = `podscope-e2e-net-${randomBytes(3).toString('hex')}`;
  await podman(['network', 'create', '--internal', name]);
  return name;
}

export async function removeNetwork(name: string): Promise<void> {
  await podman(['network', 'rm', '--force', name]);
}

/** A plain busybox httpd on `network` serving `/www/index.html` with `body`; returns its name and address. */
export async function startWebServer(network: string, body: string): Promise<{ name: string; ip: string }> {
  const name = `podscope-e2e-web-${randomBytes(3).toString('hex')}`;
  const script = `mkdir -p /www && printf '%s\\n' "$0" > /www/index.html && exec httpd -f -p 80 -h /www`;
  await podman(['run', '-d', '--name', name, '--network', network, testImage, 'sh', '-c', script, body]);
  const ip = (await podman(['inspect', name, '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}'])).trim();
  if (ip === '') throw new Error(`web server ${name} has no address on ${network}`);
  return { name, ip };
}
