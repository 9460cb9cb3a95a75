import type { ErrorEnvelope, RunInfo, RunNodeStatus, RunRequest, RunState, TargetSelector } from '@podscope/protocol';
import { RunHistory, type RunHistoryLimits } from './runHistory.ts';

/** Whoever receives a run's frames (a browser connection). Frames are already encoded, once, for everyone. */
export interface RunSubscriber {
  deliverEvents(runId: string, bytes: Uint8Array, events: number): void;
  /** Control frames with the same key supersede each other while queued. */
  deliverControl(bytes: Uint8Array, key: string): void;
  /** Called once when the run stops or fails (recorders close their capture here). */
  runFinished?(run: RunInfo): void;
}

export const emptyNodeStatus = (node: string, state: RunState, error?: ErrorEnvelope): RunNodeStatus => ({
  node,
  state,
  kernelDrops: 0,
  agentDrops: 0,
  filtered: 0,
  events: 0,
  ...(error === undefined ? {} : { error }),
});

/** The hub's state of one run: its nodes' statuses, counters, subscribers and timers. */
export class RunRecord {
  state: RunState = 'starting';
  readonly nodes = new Map<string, RunNodeStatus>();
  /** Events the hub received. */
  events = 0;
  hubDrops = 0;
  browserDrops = 0;
  /** Last hub batch sequence number handed out. */
  seq = 0;
  finishedAt: number | undefined;
  readonly subscribers = new Set<RunSubscriber>();
  /** Each subscriber's last cumulative `clientDrops` report. */
  readonly browserReported = new Map<RunSubscriber, number>();
  lifecycleTimer: NodeJS.Timeout | undefined;
  updateTimer: NodeJS.Timeout | undefined;
  lastUpdateAt = 0;
  /** The run's frames since its start (bounded), for recordings that start from the beginning. */
  readonly history: RunHistory;
  /** Cluster mode: the nodes this run goes to, each with the target its agent is given (see k8s/clusterView.ts). */
  placement: Map<string, TargetSelector> | undefined;

  constructor(
    readonly id: string,
    readonly request: RunRequest,
    readonly createdAt: number,
    readonly createdBy: string,
    historyLimits: RunHistoryLimits,
    /** Set on a replay pseudo-run: its events come from this capture, not from agents. */
    readonly replayOf?: string,
  ) {
    this.history = new RunHistory(replayOf === undefined ? historyLimits : { maxEvents: 0, maxBytes: 0 });
  }

  get active(): boolean {
    return this.state === 'starting' || this.state === 'running';
  }

  /** Whether the selector lets this run use `node`. */
  targets(node: string): boolean {
    if (this.replayOf !== undefined) return false;
    if (this.placement !== undefined) return this.placement.has(node);
    return this.request.target.nodes.length === 0 || this.request.target.nodes.includes(node);
  }

  clearTimers(): void {
    clearTimeout(this.lifecycleTimer);
    clearTimeout(this.updateTimer);
    this.lifecycleTimer = undefined;
    this.updateTimer = undefined;
  }

  info(): RunInfo {
    const nodes = [...this.nodes.values()].sort((a, b) => a.node.localeCompare(b.node));
    const sum = (pick: (s: RunNodeStatus) => number): number => nodes.reduce((n, s) => n + pick(s), 0);
    return {
      id: this.id,
      request: this.request,
      state: this.state,
      createdAt: this.createdAt,
      createdBy: this.createdBy,
      nodes,
      events: this.events,
      drops: { kernel: sum((s) => s.kernelDrops), agent: sum((s) => s.agentDrops), hub: this.hubDrops, browser: this.browserDrops },
      ...(this.replayOf === undefined ? {} : { replayOf: this.replayOf }),
    };
  }
}
