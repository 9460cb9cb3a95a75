import type { ContainerInfo, EventRecord, TargetSelector } from '@podscope/protocol';
import { selectorMatches } from '@podscope/protocol';
import type { ContainerIndex, IndexChange, MntnsOwner } from '../discovery/containerIndex.ts';
import type { MountNsSelection, RunningGadget } from './gadgetHost.ts';
import type { Operator } from './operator.ts';
import type { RunCounters } from './runCounters.ts';

export interface MountNsSelectorOptions {
  selector: TargetSelector;
  node: string;
  index: ContainerIndex;
  counters: RunCounters;
  /** Where admitted events go next (enrich → filter → encode). */
  downstream: (events: EventRecord[]) => void;
  /** Most events held while their mount namespace is being resolved. */
  maxHeld?: number;
  /** Give up resolving a mount namespace after this long. */
  giveUpMs?: number;
}

interface Held {
  events: EventRecord[];
  pids: Set<number>;
}

/** Whether a selector covers every container and the host, so the kernel need not select at all. */
export function selectsEverything(sel: TargetSelector, node: string): boolean {
  return (
    sel.host &&
    sel.namespaces.length === 0 &&
    sel.excludeNamespaces.length === 0 &&
    sel.podName === undefined &&
    sel.containerName === undefined &&
    sel.labels.length === 0 &&
    sel.pods === undefined &&
    (sel.nodes.length === 0 || sel.nodes.includes(node))
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The select operator: sets kernel mount-namespace verdicts from the selector, and holds events flagged
 * `mntns_pending` (a namespace the kernel had no verdict for, i.e. a brand-new container) until that namespace is
 * resolved, so the first process of a new container is not lost.
 */
export class MountNsSelector implements Operator {
  readonly name = 'select';
  readonly selection: MountNsSelection;
  private gadget: RunningGadget | undefined;
  private readonly decided = new Map<number, boolean>();
  private readonly held = new Map<number, Held>();
  private heldCount = 0;
  private stopped = false;
  private selector: TargetSelector;
  private readonly onChange = (change: IndexChange): void => {
    this.forgetExited(change.exited);
    this.applyContainers(change.added);
  };

  constructor(private readonly opts: MountNsSelectorOptions) {
    this.selector = opts.selector;
    this.selection = { enabled: !selectsEverything(opts.selector, opts.node) };
  }

  /** Replaces a running run's selector (the hub's cluster view of this node's pods changed); verdicts follow at once. */
  retarget(selector: TargetSelector): void {
    this.selector = selector;
    if (!this.selection.enabled || !this.gadget) return;
    const host = this.opts.index.hostMntns;
    if (host !== undefined) this.setVerdict(host, selector.host);
    this.applyContainers(this.opts.index.list());
  }

  /** Containers the selector covers right now. */
  selectedContainers(): ContainerInfo[] {
    return this.opts.index.list().filter((c) => selectorMatches(this.selector, c));
  }

  async start(): Promise<void> {
    this.opts.index.on('change', this.onChange);
  }

  /** Called by the run operator once the gadget is attached: writes the verdicts for everything known. */
  attach(gadget: RunningGadget): void {
    this.gadget = gadget;
    if (!this.selection.enabled) return;
    const host = this.opts.index.hostMntns;
    if (host !== undefined) this.setVerdict(host, this.selector.host);
    this.applyContainers(this.opts.index.list());
  }

  /** Entry point for every drained batch. */
  admit(events: EventRecord[]): void {
    if (!this.selection.enabled || this.stopped) {
      if (!this.stopped) this.opts.downstream(events);
      return;
    }
    let out: EventRecord[] | undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.mntns_pending !== true) {
        if (out) out.push(e);
        continue;
      }
      out ??= events.slice(0, i);
      const mntns = Number(e.mntns_id);
      const verdict = this.decided.get(mntns);
      if (verdict === true) out.push(e);
      else if (verdict === false) this.opts.counters.filtered++;
      else this.hold(mntns, e);
    }
    const admitted = out ?? events;
    if (admitted.length > 0) this.opts.downstream(admitted);
  }

  /** Resolves once no event waits for a verdict (each wait ends by its give-up deadline at the latest). */
  async settled(): Promise<void> {
    while (this.heldCount > 0 && !this.stopped) await sleep(10);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.opts.index.off('change', this.onChange);
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.opts.index.off('change', this.onChange);
    // Events still waiting for a verdict when the run ends cannot be placed: count them, never drop silently.
    this.opts.counters.agentDrops += this.heldCount;
    this.held.clear();
    this.heldCount = 0;
  }

  private decide(owner: MntnsOwner): boolean {
    switch (owner.kind) {
      case 'container':
        return selectorMatches(this.selector, owner.container);
      case 'host':
        return this.selector.host;
      case 'unknown':
        return false;
    }
  }

  private applyContainers(containers: readonly ContainerInfo[]): void {
    if (!this.selection.enabled || !this.gadget) return;
    for (const c of containers) {
      if (c.mntns === undefined) continue;
      this.setVerdict(c.mntns, selectorMatches(this.selector, c));
    }
  }

  /** An exited container's mount namespace inode is soon reused by a new one: make the kernel ask again. */
  private forgetExited(containers: readonly ContainerInfo[]): void {
    if (!this.selection.enabled || !this.gadget) return;
    for (const c of containers) {
      if (c.mntns === undefined || c.mntns === this.opts.index.hostMntns) continue;
      const current = this.opts.index.byMntns(c.mntns);
      if (current && current.exitedAt === undefined) continue;
      if (this.decided.delete(c.mntns)) this.gadget.forgetMountNs([c.mntns]);
    }
  }

  private setVerdict(mntns: number, allow: boolean): void {
    if (this.decided.get(mntns) === allow) return;
    this.decided.set(mntns, allow);
    if (allow) this.gadget?.allowMountNs([mntns]);
    else this.gadget?.denyMountNs([mntns]);
    this.release(mntns, allow);
  }

  private hold(mntns: number, e: EventRecord): void {
    if (this.heldCount >= (this.opts.maxHeld ?? 16384)) {
      this.opts.counters.agentDrops++;
      return;
    }
    const pid = Number(e['proc.pid']);
    const ppid = Number(e['proc.ppid']);
    let h = this.held.get(mntns);
    if (!h) {
      h = { events: [], pids: new Set() };
      this.held.set(mntns, h);
      void this.resolve(mntns, h);
    }
    h.events.push(e);
    h.pids.add(pid).add(ppid);
    this.heldCount++;
  }

  private async resolve(mntns: number, h: Held): Promise<void> {
    const deadline = Date.now() + (this.opts.giveUpMs ?? 5000);
    let wait = 25;
    for (;;) {
      let owner: MntnsOwner = { kind: 'unknown' };
      try {
        owner = await this.opts.index.resolveMntns(mntns, [...h.pids]);
      } catch {
        // a /proc or runtime read failed: retry until the deadline
      }
      if (this.stopped || this.held.get(mntns) !== h) return;
      if (owner.kind !== 'unknown') {
        this.setVerdict(mntns, this.decide(owner));
        return;
      }
      if (Date.now() >= deadline) {
        this.opts.counters.pendingGivenUp += h.events.length;
        this.setVerdict(mntns, false);
        return;
      }
      await sleep(wait);
      wait = Math.min(wait * 2, 400);
    }
  }

  /** Releases (verdict 1) or discards as filtered (verdict 0) the events held for a namespace. */
  private release(mntns: number, allow: boolean): void {
    const h = this.held.get(mntns);
    if (!h) return;
    this.held.delete(mntns);
    this.heldCount -= h.events.length;
    if (allow) this.opts.downstream(h.events);
    else this.opts.counters.filtered += h.events.length;
  }
}
