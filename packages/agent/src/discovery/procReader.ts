import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupContainerRef } from './cgroupPath.ts';
import { parseNsLink, parseProcCgroup } from './cgroupPath.ts';

/** What /proc says about one process, as far as container discovery cares. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  /** Field 22 of /proc/<pid>/stat: tells a reused pid from the original. */
  startTime: string;
  mntns: number | undefined;
  netns: number | undefined;
  container: CgroupContainerRef | null;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so split after the last ')'. */
export function parseStat(text: string): { ppid: number; startTime: string } | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const rest = text.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  const startTime = rest[19];
  return Number.isInteger(ppid) && startTime !== undefined ? { ppid, startTime } : null;
}

/** Reads processes from a proc filesystem (the real /proc, or a recorded tree in tests). */
export class ProcReader {
  constructor(readonly procRoot = '/proc') {}

  async listPids(): Promise<number[]> {
    const names = await readdir(this.procRoot);
    const pids: number[] = [];
    for (const name of names) if (/^\d+$/.test(name)) pids.push(Number(name));
    return pids;
  }

  async stat(pid: number): Promise<{ ppid: number; startTime: string } | null> {
    try {
      return parseStat(await readFile(join(this.procRoot, String(pid), 'stat'), 'utf8'));
    } catch {
      return null;
    }
  }

  async nsInode(pid: number | 'self', ns: 'mnt' | 'net'): Promise<number | undefined> {
    try {
      return parseNsLink(await readlink(join(this.procRoot, String(pid), 'ns', ns)));
    } catch {
      return undefined;
    }
  }

  async cmdline(pid: number): Promise<string[] | null> {
    try {
      const raw = await readFile(join(this.procRoot, String(pid), 'cmdline'), 'utf8');
      return raw.split('\0').filter((a) => a.length > 0);
    } catch {
      return null;
    }
  }

  /** Reads one process; null when it is gone (or unreadable). */
  async read(pid: number): Promise<ProcEntry | null> {
    const st = await this.stat(pid);
    if (!st) return null;
    let cgroup: string;
    try {
      cgroup = await readFile(join(this.procRoot, String(pid), 'cgroup'), 'utf8');
    } catch {
      return null;
    }
    const [mntns, netns] = await Promise.all([this.nsInode(pid, 'mnt'), this.nsInode(pid, 'net')]);
    return { pid, ppid: st.ppid, startTime: st.startTime, mntns, netns, container: parseProcCgroup(cgroup) };
  }

  /**
   * The host's mount namespace. pid 1's link is the reference, but some sandboxes deny reading it
   * (measured here: EACCES on /proc/1/ns/mnt), so fall back to kthreadd (pid 2), then to ourselves.
   */
  async hostMntns(): Promise<number | undefined> {
    return (await this.nsInode(1, 'mnt')) ?? (await this.nsInode(2, 'mnt')) ?? (await this.nsInode('self', 'mnt'));
  }
}

/**
 * The container a runtime monitor process watches: conmon (`-c <id>`, podman and CRI-O) or containerd's shim
 * (`-id <id>`). Used when a brand-new container's only process has already exited and only its parent is left.
 */
export function monitoredContainerId(args: readonly string[]): string | undefined {
  const bin = args[0]?.split('/').pop() ?? '';
  const flag = bin === 'conmon' ? ['-c', '--cid'] : bin.startsWith('containerd-shim') ? ['-id'] : [];
  for (let i = 1; i < args.length - 1; i++) {
    if (flag.includes(args[i]!) && /^[0-9a-f]{64}$/.test(args[i + 1]!)) return args[i + 1];
  }
  return undefined;
}
