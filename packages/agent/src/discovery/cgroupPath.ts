import type { ContainerRuntime } from '@podscope/protocol';

/** What a process's cgroup path says about the container it runs in. */
export interface CgroupContainerRef {
  id: string;
  runtime: ContainerRuntime;
  /** Pod UID when the path is a kubelet one (`pod<uid>`). */
  podUid?: string;
  cgroupPath: string;
}

const HEX64 = '[0-9a-f]{64}';
// Ordered: the most specific prefixes first. conmon/crio-conmon cgroups belong to the host-side monitor, not the container.
const patterns: readonly { re: RegExp; runtime: ContainerRuntime }[] = [
  { re: new RegExp(`(?:^|/)libpod-(${HEX64})(?:\\.scope)?(?:/|$)`), runtime: 'podman' },
  { re: new RegExp(`(?:^|/)cri-containerd-(${HEX64})\\.scope(?:/|$)`), runtime: 'containerd' },
  { re: new RegExp(`(?:^|/)crio-(${HEX64})\\.scope(?:/|$)`), runtime: 'cri-o' },
  { re: new RegExp(`(?:^|/)docker-(${HEX64})\\.scope(?:/|$)`), runtime: 'docker' },
  { re: new RegExp(`(?:^|/)docker/(${HEX64})(?:/|$)`), runtime: 'docker' },
  { re: new RegExp(`(?:^|/)crio-(${HEX64})(?:/|$)`), runtime: 'cri-o' },
  // kubelet with the cgroupfs driver: /kubepods/<qos>/pod<uid>/<id>; the runtime is not in the path.
  { re: new RegExp(`(?:^|/)pod[0-9a-f_-]{36}/(${HEX64})(?:/|$)`), runtime: 'unknown' },
];
const podUidRe = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})/;

/** Parses one cgroup path (e.g. `/libpod_parent/libpod-<id>`) into a container reference, or null for host cgroups. */
export function parseCgroupPath(path: string): CgroupContainerRef | null {
  for (const { re, runtime } of patterns) {
    const m = re.exec(path);
    if (!m?.[1]) continue;
    const uid = podUidRe.exec(path)?.[1]?.replaceAll('_', '-');
    return uid === undefined ? { id: m[1], runtime, cgroupPath: path } : { id: m[1], runtime, podUid: uid, cgroupPath: path };
  }
  return null;
}

/**
 * Parses the content of /proc/<pid>/cgroup (v1 `N:ctrl:/path` lines, v2 `0::/path`, or both in hybrid mode).
 * The unified line wins when it names a container; otherwise the first v1 hierarchy that does.
 */
export function parseProcCgroup(content: string): CgroupContainerRef | null {
  const paths: string[] = [];
  for (const line of content.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m?.[3]) continue;
    if (m[1] === '0' && m[2] === '') paths.unshift(m[3]);
    else paths.push(m[3]);
  }
  for (const p of paths) {
    const ref = parseCgroupPath(p);
    if (ref) return ref;
  }
  return null;
}

/** Parses `mnt:[4026531840]` (the readlink of /proc/<pid>/ns/mnt) into the inode number. */
export function parseNsLink(link: string): number | undefined {
  const m = /^[a-z_]+:\[(\d+)\]$/.exec(link.trim());
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
