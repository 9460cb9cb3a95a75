import { EventEmitter } from 'node:events';
import type { ContainerInfo } from '@podscope/protocol';
import type { CgroupContainerRef } from './cgroupPath.ts';
import type { ProcEntry, ProcReader } from './procReader.ts';
import { monitoredContainerId } from './procReader.ts';
import { buildContainerInfo, unresolvedRecord } from './containerInfo.ts';
import type { RuntimeRecord, RuntimeResolver } from './runtimeRecord.ts';

export interface ContainerIndexOptions {
  node: string;
  proc: ProcReader;
  /** Tried in order for a cgroup whose runtime is unknown; otherwise the matching one is asked. */
  resolvers: readonly RuntimeResolver[];
  rescanMs?: number;
  /** How long an exited container stays, so late events are still enriched. */
  exitedRetentionMs?: number;
  /**
   * How often the first process of each live container is checked. Mount namespace inodes are reused at once
   * (measured: the next podman container got the inode of the one that had just exited), so an exit must be seen
   * well before the next container can start, or its events would be judged and enriched as the old one's.
   */
  exitPollMs?: number;
  now?: () => number;
}

/** The answer for one mount namespace: a container, a host (non-container) process, or not known (yet). */
export type MntnsOwner = { kind: 'container'; container: ContainerInfo } | { kind: 'host' } | { kind: 'unknown' };

export interface IndexChange {
  added: ContainerInfo[];
  exited: ContainerInfo[];
  removed: ContainerInfo[];
}

interface Entry {
  info: ContainerInfo;
  /** Whether a runtime answered; unresolved entries are asked again on the next scans. */
  resolved: boolean;
  /** The first process and its start time: when it is gone, the container has exited. */
  initPid?: number;
  initStartTime?: string;
}

/** Containers on this node keyed by id and mount namespace, from /proc plus the runtimes; rescanned periodically and on demand. */
export class ContainerIndex extends EventEmitter<{ change: [IndexChange] }> {
  private readonly byIdMap = new Map<string, Entry>();
  private readonly byMntnsMap = new Map<number, string>();
  private readonly procCache = new Map<number, ProcEntry>();
  private readonly lookups = new Map<string, Promise<RuntimeRecord | null>>();
  private timer: NodeJS.Timeout | undefined;
  private exitTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private scanning: Promise<void> | undefined;
  private host: number | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: ContainerIndexOptions) {
    super();
    this.now = opts.now ?? Date.now;
  }

  get hostMntns(): number | undefined {
    return this.host;
  }

  async start(): Promise<void> {
    this.host = await this.opts.proc.hostMntns();
    await this.rescan();
    this.timer ??= setInterval(() => void this.rescan().catch(() => undefined), this.opts.rescanMs ?? 1500);
    this.timer.unref();
    this.exitTimer ??= setInterval(() => void this.pollExits(), this.opts.exitPollMs ?? 100);
    this.exitTimer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.exitTimer) clearInterval(this.exitTimer);
    this.timer = undefined;
    this.exitTimer = undefined;
  }

  byMntns(mntns: number): ContainerInfo | undefined {
    const id = this.byMntnsMap.get(mntns);
    return id === undefined ? undefined : this.byIdMap.get(id)?.info;
  }

  byId(id: string): ContainerInfo | undefined {
    return this.byIdMap.get(id)?.info;
  }

  /** Running containers, plus the recently exited ones when asked. */
  list(includeExited = false): ContainerInfo[] {
    return [...this.byIdMap.values()].map((e) => e.info).filter((c) => includeExited || c.exitedAt === undefined);
  }

  /** Scans /proc once; concurrent callers share the scan in progress. */
  rescan(): Promise<void> {
    this.scanning ??= this.scan().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  /**
   * Who owns a mount namespace, right now: reads the given pids (the event's process and its parent) first,
   * since a brand-new container is not in the index yet, then falls back to a full scan.
   */
  async resolveMntns(mntns: number, pids: readonly number[]): Promise<MntnsOwner> {
    if (mntns === this.host) return { kind: 'host' };
    const known = this.byMntns(mntns);
    if (known && known.exitedAt === undefined) return { kind: 'container', container: known };
    for (const pid of pids) {
      if (pid <= 0) continue;
      const proc = await this.opts.proc.read(pid);
      if (!proc || proc.mntns !== mntns) continue;
      if (!proc.container) return { kind: 'host' };
      return { kind: 'container', container: this.admitted(await this.admit(proc.container, proc)) };
    }
    // The process may already be gone (a container whose only command exited): its parent, the runtime's monitor, names the container.
    for (const pid of pids) {
      const args = pid > 0 ? await this.opts.proc.cmdline(pid) : null;
      const id = args ? monitoredContainerId(args) : undefined;
      const live = id === undefined ? undefined : this.byId(id);
      if (id === undefined || (live && live.exitedAt === undefined && live.mntns !== mntns)) continue;
      const ref: CgroupContainerRef = { id, runtime: 'unknown', cgroupPath: '' };
      const gone: ProcEntry = { pid: pids[0] ?? 0, ppid: pid, startTime: '', mntns, netns: undefined, container: ref };
      return { kind: 'container', container: this.admitted(await this.admit(ref, gone)) };
    }
    await this.rescan();
    const found = this.byMntns(mntns);
    return found && found.exitedAt === undefined ? { kind: 'container', container: found } : { kind: 'unknown' };
  }

  private admitted(r: { info: ContainerInfo; isNew: boolean }): ContainerInfo {
    if (r.isNew) this.emit('change', { added: [r.info], exited: [], removed: [] });
    return r.info;
  }

  private async scan(): Promise<void> {
    this.host ??= await this.opts.proc.hostMntns();
    const pids = await this.opts.proc.listPids();
    const seen = new Set<number>();
    const members = new Map<string, ProcEntry[]>();
    for (const pid of pids) {
      const st = await this.opts.proc.stat(pid);
      if (!st) continue;
      seen.add(pid);
      let proc = this.procCache.get(pid);
      if (proc?.startTime !== st.startTime) {
        const fresh = await this.opts.proc.read(pid);
        if (!fresh) continue;
        proc = fresh;
        this.procCache.set(pid, proc);
      }
      if (!proc.container) continue;
      const list = members.get(proc.container.id);
      if (list) list.push(proc);
      else members.set(proc.container.id, [proc]);
    }
    const live = new Map<string, { ref: CgroupContainerRef; proc: ProcEntry }>();
    for (const [id, procs] of members) {
      const proc = firstProcess(procs);
      if (proc.container) live.set(id, { ref: proc.container, proc });
    }
    for (const pid of this.procCache.keys()) if (!seen.has(pid)) this.procCache.delete(pid);

    const change: IndexChange = { added: [], exited: [], removed: [] };
    for (const { ref, proc } of live.values()) {
      const existing = this.byIdMap.get(ref.id);
      if (existing?.resolved && existing.info.exitedAt === undefined) continue;
      const wasLive = existing !== undefined && existing.info.exitedAt === undefined;
      const { info } = await this.admit(ref, proc);
      if (!wasLive) change.added.push(info);
    }
    const now = this.now();
    for (const [id, entry] of this.byIdMap) {
      if (live.has(id)) continue;
      if (entry.info.exitedAt === undefined) {
        entry.info = { ...entry.info, exitedAt: now };
        change.exited.push(entry.info);
      } else if (now - entry.info.exitedAt > (this.opts.exitedRetentionMs ?? 300_000)) {
        this.byIdMap.delete(id);
        if (entry.info.mntns !== undefined && this.byMntnsMap.get(entry.info.mntns) === id) this.byMntnsMap.delete(entry.info.mntns);
        change.removed.push(entry.info);
      }
    }
    if (change.added.length + change.exited.length + change.removed.length > 0) this.emit('change', change);
  }

  /** Marks containers whose first process is gone as exited, between full scans. */
  private async pollExits(): Promise<void> {
    if (this.polling || this.scanning) return;
    this.polling = true;
    try {
      const exited: ContainerInfo[] = [];
      const now = this.now();
      for (const entry of this.byIdMap.values()) {
        if (entry.info.exitedAt !== undefined || entry.initPid === undefined) continue;
        const st = await this.opts.proc.stat(entry.initPid);
        if (st?.startTime === entry.initStartTime) continue;
        entry.info = { ...entry.info, exitedAt: now };
        exited.push(entry.info);
      }
      if (exited.length > 0) this.emit('change', { added: [], exited, removed: [] });
    } finally {
      this.polling = false;
    }
  }

  /** Adds (or refreshes) a container seen in /proc, asking its runtime once per id. */
  private async admit(ref: CgroupContainerRef, proc: ProcEntry): Promise<{ info: ContainerInfo; isNew: boolean }> {
    const existing = this.byIdMap.get(ref.id);
    if (existing?.resolved && existing.info.exitedAt === undefined) return { info: existing.info, isNew: false };
    const record = await this.lookup(ref);
    const info = buildContainerInfo(this.opts.node, ref, proc, record ?? unresolvedRecord(ref));
    const entry: Entry = { info, resolved: record !== null };
    if (proc) {
      entry.initPid = proc.pid;
      entry.initStartTime = proc.startTime;
    }
    this.byIdMap.set(ref.id, entry);
    if (info.mntns !== undefined) this.byMntnsMap.set(info.mntns, ref.id);
    return { info, isNew: existing === undefined || existing.info.exitedAt !== undefined };
  }

  private lookup(ref: CgroupContainerRef): Promise<RuntimeRecord | null> {
    let pending = this.lookups.get(ref.id);
    if (!pending) {
      const resolvers = ref.runtime === 'unknown' ? this.opts.resolvers : this.opts.resolvers.filter((r) => r.runtime === ref.runtime);
      pending = (async () => {
        for (const r of resolvers) {
          const rec = await r.lookup(ref.id);
          if (rec) return rec;
        }
        return null;
      })().finally(() => this.lookups.delete(ref.id));
      this.lookups.set(ref.id, pending);
    }
    return pending;
  }
}

/** The container's first process: the one whose parent is outside the container (lowest pid on a tie). */
function firstProcess(procs: readonly ProcEntry[]): ProcEntry {
  const pids = new Set(procs.map((p) => p.pid));
  const roots = procs.filter((p) => !pids.has(p.ppid));
  const pool = roots.length > 0 ? roots : procs;
  return pool.reduce((a, b) => (b.pid < a.pid ? b : a));
}
