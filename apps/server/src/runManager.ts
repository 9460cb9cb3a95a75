import { randomBytes } from 'node:crypto';
import {
  PROTOCOL_VERSION,
  PodscopeError,
  encodeFrame,
  encodeEventColumns,
  eventColumnsOf,
  compileFilter,
  resolveParams,
  selectorMatches,
  type EventRecord,
  type RunInfo,
  type RunNodeStatus,
  type RunRequest,
  type RunState,
  type TargetSelector,
} from '@podscope/protocol';
import type { AgentRegistry } from './agentRegistry.ts';
import type { RunLifecycleConfig } from './config.ts';
import type { Logger } from './logger.ts';
import { RunRecord, emptyNodeStatus, type RunSubscriber } from './runRecord.ts';

/** At most ~4 `run` updates per second per run. */
const UPDATE_INTERVAL_MS = 250;

/** Cluster mode: where a run goes, and the target each node's agent gets. */
export interface RunPlacer {
  /** Nodes → per-node targets; `matched` counts the pods the selector covers (scheduled or not). */
  place(sel: TargetSelector): { nodes: Map<string, TargetSelector>; matched: number };
}

/** Checks, before a run is created, that `user` may run it (Kubernetes RBAC or the role file); throws `forbidden`. */
export type RunAuthorizer = (request: RunRequest, user: string) => Promise<void>;

/** Creates, feeds, fans out and stops runs; agents are reached through the registry. */
export class RunManager {
  private readonly runs = new Map<string, RunRecord>();
  private placer: RunPlacer | undefined;
  private authorizer: RunAuthorizer | undefined;

  constructor(
    private readonly registry: AgentRegistry,
    private readonly cfg: RunLifecycleConfig,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Cluster mode: runs go to the nodes of the pods their selector covers, resolved against the API server. */
  setPlacer(placer: RunPlacer): void {
    this.placer = placer;
  }

  setAuthorizer(authorizer: RunAuthorizer): void {
    this.authorizer = authorizer;
  }

  /** Throws `forbidden` (with the reason) when `user` may not run this request; every way of creating a run calls it first. */
  async authorize(request: RunRequest, user: string): Promise<void> {
    await this.authorizer?.(request, user);
  }

  list(): RunInfo[] {
    return [...this.runs.values()].sort((a, b) => b.createdAt - a.createdAt).map((r) => r.info());
  }

  get(id: string): RunInfo {
    return this.record(id).info();
  }

  create(request: RunRequest, user: string): RunInfo {
    const sel = request.target;
    const catalog = this.registry.gadgetCatalog();
    const meta = catalog.get(request.gadget);
    if (meta === undefined) {
      const known = [...catalog.keys()].sort();
      throw new PodscopeError(
        'unknown_gadget',
        known.length > 0
          ? `unknown gadget "${request.gadget}"; known gadgets: ${known.join(', ')}`
          : `unknown gadget "${request.gadget}": no agent is connected, so no gadget is known`,
        { gadget: request.gadget, known },
      );
    }
    const params = resolveParams(meta, request.params);
    if (request.filter !== undefined) {
      // Refused here, before any agent starts, so the user sees where the filter is wrong.
      const compiled = compileFilter(request.filter, meta.fields);
      if (!compiled.ok) {
        const { position, message } = compiled.error;
        throw new PodscopeError('bad_param', `filter: ${message} (at position ${position + 1})`, { param: 'filter', ...compiled.error });
      }
    }
    const placed = this.placer?.place(sel);
    const nodes = placed !== undefined ? this.clusterNodes(sel, placed) : this.agentNodes(sel);
    const run = new RunRecord(randomBytes(6).toString('hex'), { ...request, params }, this.now(), user, this.cfg.history);
    run.placement = placed?.nodes;
    this.runs.set(run.id, run);
    this.armLifecycle(run, this.cfg.unclaimedMs, 'nobody subscribed to it');
    for (const node of nodes) this.startOn(run, node);
    this.settle(run);
    this.logger.info(`run ${run.id} (${request.gadget}) created by ${user} on ${nodes.join(', ')}`);
    return run.info();
  }

  /** Embedded default: the connected agents (the selector's nodes), once some agent reports a matching container. */
  private agentNodes(sel: TargetSelector): string[] {
    if (!sel.host && !this.registry.runningContainers().some((c) => selectorMatches(sel, c))) {
      const desc = describeSelector(sel);
      throw new PodscopeError(
        'no_targets',
        desc === '' ? 'no running container was found on any connected node' : `no running container matches ${desc}`,
        { target: sel },
      );
    }
    const nodes = this.registry.connectedNodes().filter((n) => sel.nodes.length === 0 || sel.nodes.includes(n));
    if (nodes.length === 0) {
      throw new PodscopeError('no_targets', sel.nodes.length > 0 ? `no agent is connected on node ${sel.nodes.join(', ')}` : 'no agent is connected', {
        target: sel,
      });
    }
    return nodes;
  }

  /** Cluster mode: the nodes of the pods the selector covers; a run whose pods are all unscheduled waits for them. */
  private clusterNodes(sel: TargetSelector, placed: { nodes: Map<string, TargetSelector>; matched: number }): string[] {
    if (placed.matched === 0 && placed.nodes.size === 0) {
      const desc = describeSelector(sel);
      throw new PodscopeError('no_targets', desc === '' ? 'no pod was found in the cluster' : `no pod in the cluster matches ${desc}`, { target: sel });
    }
    return [...placed.nodes.keys()];
  }

  /** Cluster mode: pods came, went or moved; each run's nodes and per-node pods follow. */
  clusterChanged(): void {
    if (this.placer === undefined) return;
    for (const run of this.runs.values()) {
      const prev = run.placement;
      if (!run.active || prev === undefined) continue;
      const next = this.placer.place(run.request.target).nodes;
      // A node whose pods are gone keeps the run, narrowed to no pod, so the run's nodes only grow.
      for (const [node, target] of prev) if (!next.has(node)) next.set(node, { ...target, pods: [] });
      run.placement = next;
      for (const [node, target] of next) {
        const before = prev.get(node);
        if (before === undefined) this.startOn(run, node);
        else if (JSON.stringify(before.pods) !== JSON.stringify(target.pods) || before.host !== target.host) {
          this.registry.send(node, { v: PROTOCOL_VERSION, type: 'retarget', runId: run.id, target });
        }
      }
      this.settle(run);
      this.scheduleUpdate(run);
    }
  }

  /**
   * A replay pseudo-run: no agent runs it; its events come from `emit`. Subscribers, fan-out, drop counting and
   * the lifecycle timers are those of any run, so every live view works on it.
   */
  createReplay(request: RunRequest, user: string, captureId: string, nodes: readonly string[]): RunRecord {
    const run = new RunRecord(randomBytes(6).toString('hex'), request, this.now(), user, this.cfg.history, captureId);
    for (const node of nodes) run.nodes.set(node, emptyNodeStatus(node, 'running'));
    run.state = 'running';
    this.runs.set(run.id, run);
    this.armLifecycle(run, this.cfg.unclaimedMs, 'nobody subscribed to it');
    return run;
  }

  /** Fans out events of a replay pseudo-run. */
  emit(run: RunRecord, node: string, events: EventRecord[]): void {
    if (!run.active || events.length === 0) return;
    const status = run.nodes.get(node);
    if (status !== undefined) status.events += events.length;
    this.fanOut(run, node, events.length, eventColumnsOf(events) ?? encodeEventColumns(events));
  }

  /** The run's record, for recorders (history, subscribers). */
  recordOf(id: string): RunRecord {
    return this.record(id);
  }

  stop(id: string): RunInfo {
    const run = this.record(id);
    this.finish(run, 'stopped');
    return run.info();
  }

  subscribe(id: string, sub: RunSubscriber): RunInfo {
    const run = this.record(id);
    run.subscribers.add(sub);
    if (run.active) {
      clearTimeout(run.lifecycleTimer);
      run.lifecycleTimer = undefined;
    }
    return run.info();
  }

  unsubscribe(id: string, sub: RunSubscriber): void {
    const run = this.runs.get(id);
    if (run === undefined || !run.subscribers.delete(sub)) return;
    if (run.subscribers.size === 0 && run.active) this.armLifecycle(run, this.cfg.leaveGraceMs, 'its last subscriber left');
  }

  recordHubDrops(id: string, events: number): void {
    const run = this.runs.get(id);
    if (run === undefined) return;
    run.hubDrops += events;
    this.scheduleUpdate(run);
  }

  /** `total` is the subscriber's cumulative count for this run, so repeated reports are not double-counted. */
  recordBrowserDrops(id: string, sub: RunSubscriber, total: number): void {
    const run = this.record(id);
    const prev = run.browserReported.get(sub) ?? 0;
    if (total <= prev) return;
    run.browserReported.set(sub, total);
    run.browserDrops += total - prev;
    this.scheduleUpdate(run);
  }

  /** A (re)connected agent gets every active run that targets its node. */
  agentReady(node: string): void {
    for (const run of this.runs.values()) {
      if (!run.active || !run.targets(node)) continue;
      this.startOn(run, node);
      // An agent that kept the run across a reconnect ignores startRun; its pods may have changed meanwhile.
      const target = run.placement?.get(node);
      if (target !== undefined) this.registry.send(node, { v: PROTOCOL_VERSION, type: 'retarget', runId: run.id, target });
      this.settle(run);
      this.scheduleUpdate(run);
    }
  }

  agentGone(node: string): void {
    for (const run of this.runs.values()) {
      const status = run.nodes.get(node);
      if (!run.active || run.replayOf !== undefined || status === undefined || (status.state !== 'running' && status.state !== 'starting')) continue;
      run.nodes.set(node, {
        ...status,
        state: 'starting',
        error: { code: 'internal', message: `agent on node ${node} disconnected; the run resumes when it reconnects` },
      });
      this.settle(run);
      this.scheduleUpdate(run);
    }
  }

  /**
   * Fans an agent's batch out to the run's subscribers: `columns` are its encoded events, already checked
   * (decodeAgentToHubRelayed) and never decoded here. False means the agent should not be running this run.
   */
  agentEvents(node: string, runId: string, count: number, columns: Uint8Array): boolean {
    const run = this.runs.get(runId);
    if (run === undefined || !run.active || !run.targets(node)) return false;
    if (count === 0) return true;
    this.fanOut(run, node, count, columns);
    return true;
  }

  private fanOut(run: RunRecord, node: string, count: number, columns: Uint8Array): void {
    run.events += count;
    const seq = ++run.seq;
    // Encoded once; every subscriber's queue (and the run's history) holds the same bytes. The agent's
    // encoded columns are forwarded as they are: the hub never modifies an agent's events.
    const bytes = encodeFrame({ v: PROTOCOL_VERSION, type: 'events', runId: run.id, node, seq, events: [] }, { columns });
    if (run.replayOf === undefined) run.history.push(bytes, count);
    for (const sub of run.subscribers) sub.deliverEvents(run.id, bytes, count);
    this.scheduleUpdate(run);
  }

  /** Records a node's status report; false means the agent should not be running this run. */
  agentRunStatus(node: string, runId: string, status: RunNodeStatus): boolean {
    const run = this.runs.get(runId);
    if (run === undefined || !run.targets(node)) return false;
    if (!run.active) {
      // Keep the final counters, but the run itself stays finished.
      const state: RunState = status.state === 'failed' ? 'failed' : 'stopped';
      run.nodes.set(node, { ...status, node, state });
      this.scheduleUpdate(run);
      return status.state === state;
    }
    run.nodes.set(node, { ...status, node });
    this.settle(run);
    this.scheduleUpdate(run);
    return true;
  }

  close(): void {
    for (const run of this.runs.values()) run.clearTimers();
  }

  private record(id: string): RunRecord {
    const run = this.runs.get(id);
    if (run === undefined) throw new PodscopeError('not_found', `no run with id ${id}`, { runId: id });
    return run;
  }

  private startOn(run: RunRecord, node: string): void {
    if (run.placement !== undefined && !this.registry.isConnected(node)) {
      const message = `no agent is connected on node ${node}; the run starts there when one connects`;
      run.nodes.set(node, emptyNodeStatus(node, 'starting', { code: 'no_targets', message }));
      return;
    }
    if (!this.registry.hasGadget(node, run.request.gadget)) {
      const message = `the agent on node ${node} has no gadget ${run.request.gadget}`;
      run.nodes.set(node, emptyNodeStatus(node, 'failed', { code: 'unknown_gadget', message }));
      return;
    }
    const prev = run.nodes.get(node);
    run.nodes.set(node, prev === undefined ? emptyNodeStatus(node, 'starting') : withoutError({ ...prev, state: 'starting' }));
    const target = run.placement?.get(node);
    this.registry.send(node, { v: PROTOCOL_VERSION, type: 'startRun', runId: run.id, request: target === undefined ? run.request : { ...run.request, target } });
  }

  /** Derives the run's state from its nodes: running once any node runs, finished when none can any more. */
  private settle(run: RunRecord): void {
    if (!run.active) return;
    const states = [...run.nodes.values()].map((s) => s.state);
    if (states.includes('running')) run.state = 'running';
    else if (states.length > 0 && !states.includes('starting')) this.finish(run, states.includes('stopped') ? 'stopped' : 'failed');
  }

  private finish(run: RunRecord, state: 'stopped' | 'failed'): void {
    if (!run.active) return;
    run.state = state;
    run.finishedAt = this.now();
    run.clearTimers();
    for (const [node, status] of run.nodes) {
      if (status.state === 'starting' || status.state === 'running') run.nodes.set(node, { ...status, state: 'stopped' });
      if (run.replayOf === undefined) this.registry.send(node, { v: PROTOCOL_VERSION, type: 'stopRun', runId: run.id });
    }
    run.history.clear();
    this.broadcast(run);
    const info = run.info();
    for (const sub of [...run.subscribers]) sub.runFinished?.(info);
    this.pruneFinished();
  }

  private armLifecycle(run: RunRecord, ms: number, why: string): void {
    clearTimeout(run.lifecycleTimer);
    run.lifecycleTimer = setTimeout(() => {
      this.logger.info(`run ${run.id} stopped: ${why}`);
      this.finish(run, 'stopped');
    }, ms);
    run.lifecycleTimer.unref();
  }

  private scheduleUpdate(run: RunRecord): void {
    if (run.updateTimer !== undefined) return;
    const wait = run.lastUpdateAt + UPDATE_INTERVAL_MS - this.now();
    if (wait <= 0) return this.broadcast(run);
    run.updateTimer = setTimeout(() => this.broadcast(run), wait);
    run.updateTimer.unref();
  }

  private broadcast(run: RunRecord): void {
    clearTimeout(run.updateTimer);
    run.updateTimer = undefined;
    run.lastUpdateAt = this.now();
    if (run.subscribers.size === 0) return;
    const bytes = encodeFrame({ v: PROTOCOL_VERSION, type: 'run', run: run.info() });
    for (const sub of run.subscribers) sub.deliverControl(bytes, `run:${run.id}`);
  }

  private pruneFinished(): void {
    const finished = [...this.runs.values()].filter((r) => !r.active).sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
    for (const run of finished.slice(0, Math.max(0, finished.length - this.cfg.keepFinished))) {
      run.clearTimers();
      this.runs.delete(run.id);
    }
  }
}

function withoutError(status: RunNodeStatus): RunNodeStatus {
  const { error: _error, ...rest } = status;
  return rest;
}

/** Words for a selector in an error message, e.g. `namespace "demo", pod "web-1"`. */
export function describeSelector(sel: TargetSelector): string {
  const list = (noun: string, xs: readonly string[]): string => `${noun}${xs.length > 1 ? 's' : ''} ${xs.map((x) => `"${x}"`).join(', ')}`;
  const parts: string[] = [];
  if (sel.namespaces.length > 0) parts.push(list('namespace', sel.namespaces));
  if (sel.excludeNamespaces.length > 0) parts.push(`outside ${list('namespace', sel.excludeNamespaces)}`);
  if (sel.podName !== undefined) parts.push(`pod "${sel.podName}"`);
  if (sel.containerName !== undefined) parts.push(`container "${sel.containerName}"`);
  if (sel.labels.length > 0) parts.push(list('label', sel.labels));
  if (sel.nodes.length > 0) parts.push(list('node', sel.nodes));
  return parts.join(', ');
}
