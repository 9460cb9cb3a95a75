import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('../../../', import.meta.url).pathname;

/**
 * Points podman (and the agent under test, which inherits the environment) at a project-local config and
 * returns the busybox image name. Uses scripts/podman-env.sh + podman-image.sh when present; otherwise
 * writes an equivalent config itself (platform.md: runc, cgroupfs, file events, hard ulimits).
 */
export function setupPodman(): string {
  if (existsSync(join(repo, 'scripts/podman-env.sh'))) {
    const out = execFileSync('bash', ['-c', 'source scripts/podman-env.sh && bash scripts/podman-image.sh >&2 && env -0'], { cwd: repo, encoding: 'utf8' });
    for (const kv of out.split('\0')) {
      const eq = kv.indexOf('=');
      const key = kv.slice(0, eq);
      if (key.startsWith('CONTAINERS_') || key === 'PODSCOPE_TEST_IMAGE') process.env[key] = kv.slice(eq + 1);
    }
    return process.env.PODSCOPE_TEST_IMAGE ?? 'localhost/podscope-busybox:latest';
  }
  const dir = join(repo, '.var/agent-podman');
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const hard = (flag: string): number => Number(execFileSync('bash', ['-c', `ulimit -H${flag}`], { encoding: 'utf8' }).trim());
  // podman 4.3 lowers its own RLIMIT_NPROC to 32768 before starting runc.
  const nproc = Math.min(hard('u'), 32768);
  const nofile = hard('n');
  writeFileSync(join(dir, 'containers.conf'), `[containers]\ndefault_ulimits = ["nofile=${nofile}:${nofile}","nproc=${nproc}:${nproc}"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\ntmp_dir = "${dir}/tmp"\n`);
  writeFileSync(join(dir, 'storage.conf'), `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/storage"\nrunroot = "${dir}/run"\n`);
  process.env.CONTAINERS_CONF = join(dir, 'containers.conf');
  process.env.CONTAINERS_STORAGE_CONF = join(dir, 'storage.conf');
  const image = 'localhost/podscope-agent-busybox:latest';
  if (podman(['image', 'exists', image], true) === null) {
    const root = join(tmpdir(), `podscope-bb-${process.pid}`);
    mkdirSync(join(root, 'bin'), { recursive: true });
    execFileSync('cp', ['/bin/busybox', join(root, 'bin/busybox')]);
    execFileSync('bash', ['-c', `cd ${root}/bin && for a in $(./busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$a"; done`]);
    execFileSync('bash', ['-c', `tar -C ${root} -c . | podman import --change 'ENV PATH=/bin' - ${image}`]);
    rmSync(root, { recursive: true, force: true });
  }
  return image;
}

/**
 * Runs podman; returns stdout, or null on failure when `tolerate` (else throws). `cwd` matters for containers that
 * get OOM kills: conmon (measured, podman 4.3) writes an empty `oom` marker file into the directory podman ran in.
 */
export function podman(args: readonly string[], tolerate = false, cwd?: string): string | null {
  try {
    return execFileSync('podman', [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: process.env, ...(cwd !== undefined ? { cwd } : {}) });
  } catch (err) {
    if (tolerate) return null;
    throw err;
  }
}

export const podLabels = (ns: string, pod: string, container: string): string[] => [
  '--label', `io.kubernetes.pod.namespace=${ns}`,
  '--label', `io.kubernetes.pod.name=${pod}`,
  '--label', `io.kubernetes.container.name=${container}`,
];
