import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A cgroup filesystem mounted on this host: v1 with its controllers, or the v2 (unified) hierarchy. */
export interface CgroupMount {
  version: 1 | 2;
  /** v1 controllers on this hierarchy (e.g. ["cpu", "cpuacct"]); empty for v2. */
  controllers: string[];
  /** The cgroup path that the mount point shows (the mountinfo root field). */
  root: string;
  mountPoint: string;
}

/** The directories of one process's cgroups that the throttling/memory gadgets read. */
export interface CgroupDirs {
  /** v1 `cpu` controller directory (cpu.stat with throttling, cpu.cfs_quota_us). */
  cpuV1?: string;
  /** v1 `memory` controller directory. */
  memoryV1?: string;
  /** The v2 directory: cpu/memory files on a pure v2 host; PSI (cpu.pressure, memory.pressure) on hybrid hosts too. */
  unified?: string;
}

const unescapeMount = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));

/** The cgroup mounts in /proc/<pid>/mountinfo text (proc(5): fields, optional fields, "-", fstype, source, super options). */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const parts = line.split(' ');
    const dash = parts.indexOf('-');
    if (dash < 6 || parts.length < dash + 4) continue;
    const fstype = parts[dash + 1];
    const root = unescapeMount(parts[3] ?? '');
    const mountPoint = unescapeMount(parts[4] ?? '');
    if (fstype === 'cgroup2') out.push({ version: 2, controllers: [], root, mountPoint });
    else if (fstype === 'cgroup') {
      const controllers = (parts[dash + 3] ?? '').split(',').filter((o) => o !== 'rw' && o !== 'ro' && !o.includes('=') && /^[a-z_]+$/.test(o));
      out.push({ version: 1, controllers, root, mountPoint });
    }
  }
  return out;
}

/** Lines of /proc/<pid>/cgroup: v1 controller lists → path, and the v2 path (hierarchy 0). */
export function parseProcCgroupPaths(text: string): { v1: Map<string, string>; v2: string | undefined } {
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, hier, controllers, path] = m as unknown as [string, string, string, string];
    if (hier === '0' && controllers === '') v2 = path;
    else for (const c of controllers.split(',')) if (c !== '') v1.set(c, path);
  }
  return { v1, v2 };
}

/** Where a cgroup path lives under a mount, or undefined when the mount does not show it. */
function dirUnder(mount: CgroupMount, path: string): string | undefined {
  if (mount.root === '/') return join(mount.mountPoint, path);
  if (path === mount.root || path.startsWith(`${mount.root}/`)) return join(mount.mountPoint, path.slice(mount.root.length));
  return undefined;
}

export function cgroupDirsOf(procCgroup: string, mounts: readonly CgroupMount[]): CgroupDirs {
  const { v1, v2 } = parseProcCgroupPaths(procCgroup);
  const dirs: CgroupDirs = {};
  const v1Dir = (controller: string): string | undefined => {
    const path = v1.get(controller);
    const mount = mounts.find((m) => m.version === 1 && m.controllers.includes(controller));
    return path !== undefined && mount ? dirUnder(mount, path) : undefined;
  };
  const cpu = v1Dir('cpu');
  if (cpu !== undefined) dirs.cpuV1 = cpu;
  const memory = v1Dir('memory');
  if (memory !== undefined) dirs.memoryV1 = memory;
  const unifiedMount = mounts.find((m) => m.version === 2);
  // The root's files describe the whole machine, not a container (a process left in the root on hybrid hosts).
  if (v2 !== undefined && v2 !== '/' && unifiedMount) {
    const d = dirUnder(unifiedMount, v2);
    if (d !== undefined) dirs.unified = d;
  }
  return dirs;
}

/** Resolves processes' cgroup directories on the live host; mounts are read once per resolver. */
export class CgroupResolver {
  private mounts: Promise<CgroupMount[]> | undefined;

  constructor(private readonly procRoot = '/proc') {}

  async dirsOf(pid: number): Promise<CgroupDirs | null> {
    this.mounts ??= readFile(join(this.procRoot, 'self', 'mountinfo'), 'utf8').then(parseCgroupMounts);
    let text: string;
    try {
      text = await readFile(join(this.procRoot, String(pid), 'cgroup'), 'utf8');
    } catch {
      return null;
    }
    return cgroupDirsOf(text, await this.mounts);
  }
}
