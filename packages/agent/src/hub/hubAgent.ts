import type { HubToAgent, RunNodeStatus } from '@podscope/protocol';
import { PROTOCOL_VERSION, resolveParams, toErrorEnvelope } from '@podscope/protocol';
import { AGENT_VERSION } from '../config.ts';
import type { ContainerIndex } from '../discovery/containerIndex.ts';
import type { GadgetHost } from '../pipeline/gadgetHost.ts';
import { gadgetMeta } from '../pipeline/gadgetLookup.ts';
import { RunPipeline } from '../pipeline/runPipeline.ts';
import { HubConnection } from './hubConnection.ts';
import { HubOutbox } from './hubOutbox.ts';

export interface HubAgentOptions {
  url: string;
  token: string;
  node: string;
  index: ContainerIndex;
  host: GadgetHost;
  statusIntervalMs?: number;
  /** After a reconnect, runs the hub does not re-send within this time are stopped. */
  orphanGraceMs?: number;
  minBackoffMs?: number;
}

interface ActiveRun {
  pipeline: RunPipeline | undefined;
  failed?: RunNodeStatus;
  /** Set on reconnect; cleared when the hub re-sends startRun for this run. */
  orphanSince?: number;
}

/** Serve mode: hello + inventory to the hub, startRun/stopRun handling, a status per run about once a second. */
export class HubAgent {
  private readonly conn: HubConnection;
  private readonly outbox: HubOutbox;
  private readonly runs = new Map<string, ActiveRun>();
  private statusTimer: NodeJS.Timeout | undefined;
  private inventoryTimer: NodeJS.Timeout | undefined;
  private readonly onIndexChange = (): void => this.scheduleInventory();

  constructor(private readonly opts: HubAgentOptions) {
    this.conn = new HubConnection({ url: opts.url, token: opts.token, ...(opts.minBackoffMs !== undefined ? { minBackoffMs: opts.minBackoffMs } : {}) });
    this.outbox = new HubOutbox(this.conn, { node: opts.node });
    this.conn.on('open', () => this.onOpen());
    this.conn.on('message', (m) => void this.onMessage(m));
    this.conn.on('badFrame', (error) => this.conn.send({ v: PROTOCOL_VERSION, type: 'error', error }));
  }

  get connection(): HubConnection {
    return this.conn;
  }

  async start(): Promise<void> {
    await this.opts.index.start();
    this.opts.index.on('change', this.onIndexChange);
    this.statusTimer = setInterval(() => this.tick(), this.opts.statusIntervalMs ?? 1000);
    this.conn.connect();
  }

  async stop(): Promise<void> {
    if (this.statusTimer) clearInterval(this.statusTimer);
    if (this.inventoryTimer) clearTimeout(this.inventoryTimer);
    this.opts.index.off('change', this.onIndexChange);
    await Promise.allSettled([...this.runs.keys()].map((id) => this.stopRun(id)));
    this.outbox.close();
    this.conn.close();
  }

  private onOpen(): void {
    const gadgets = [...this.opts.host.catalog.values()].map((g) => g.meta);
    const features = this.opts.host.features;
    this.conn.send({ v: PROTOCOL_VERSION, type: 'hello', node: this.opts.node, agentVersion: AGENT_VERSION, gadgets, ...(features !== undefined ? { features: { ...features } } : {}) });
    this.sendInventory();
    const now = Date.now();
    for (const run of this.runs.values()) run.orphanSince = now;
    this.outbox.pump();
  }

  private async onMessage(m: HubToAgent): Promise<void> {
    switch (m.type) {
      case 'welcome':
      case 'error':
        return;
      case 'startRun':
        return this.startRun(m.runId, m.request);
      case 'stopRun':
        return this.stopRun(m.runId);
      case 'retarget':
        this.runs.get(m.runId)?.pipeline?.selector.retarget(m.target);
        return;
    }
  }

  private async startRun(runId: string, request: Extract<HubToAgent, { type: 'startRun' }>['request']): Promise<void> {
    const existing = this.runs.get(runId);
    if (existing) {
      // The hub re-sends its runs after a reconnect: keep the one already running.
      delete existing.orphanSince;
      this.sendStatus(runId, existing);
      return;
    }
    const run: ActiveRun = { pipeline: undefined };
    this.runs.set(runId, run);
    try {
      const meta = gadgetMeta(this.opts.host, request.gadget);
      const params = resolveParams(meta, request.params);
      run.pipeline = new RunPipeline({
        gadget: request.gadget,
        params,
        selector: request.target,
        node: this.opts.node,
        index: this.opts.index,
        host: this.opts.host,
        sink: this.outbox.sinkFor(runId),
        filter: request.filter,
        onFinished: () => this.onRunFinished(runId, run),
      });
      this.sendStatus(runId, run);
      await run.pipeline.start();
    } catch (err) {
      run.failed = { node: this.opts.node, state: 'failed', error: toErrorEnvelope(err), kernelDrops: 0, agentDrops: 0, filtered: 0, events: 0 };
    }
    if (this.runs.get(runId) === run) this.sendStatus(runId, run);
    if (run.failed) this.runs.delete(runId);
  }

  private async stopRun(runId: string): Promise<void> {
    const run = this.runs.get(runId);
    if (!run) return;
    this.runs.delete(runId);
    try {
      await run.pipeline?.stop();
    } catch (err) {
      run.failed = { ...(run.pipeline?.status() ?? { node: this.opts.node, kernelDrops: 0, agentDrops: 0, filtered: 0, events: 0 }), state: 'failed', error: toErrorEnvelope(err) };
    }
    this.outbox.pump();
    this.sendStatus(runId, run);
    this.outbox.forget(runId);
  }

  /** A run that ended by itself (a snapshot): its last events go first, then the final status. */
  private onRunFinished(runId: string, run: ActiveRun): void {
    if (this.runs.get(runId) !== run) return;
    this.runs.delete(runId);
    this.outbox.pump();
    this.sendStatus(runId, run);
    this.outbox.forget(runId);
  }

  private sendStatus(runId: string, run: ActiveRun): void {
    const status = run.failed ?? run.pipeline?.status();
    if (status) this.conn.send({ v: PROTOCOL_VERSION, type: 'runStatus', runId, status });
  }

  private tick(): void {
    const now = Date.now();
    for (const [runId, run] of this.runs) {
      if (run.orphanSince !== undefined && now - run.orphanSince > (this.opts.orphanGraceMs ?? 10_000)) {
        void this.stopRun(runId);
        continue;
      }
      this.sendStatus(runId, run);
    }
  }

  private scheduleInventory(): void {
    this.inventoryTimer ??= setTimeout(() => {
      this.inventoryTimer = undefined;
      this.sendInventory();
    }, 200);
  }

  private sendInventory(): void {
    this.conn.send({ v: PROTOCOL_VERSION, type: 'inventory', node: this.opts.node, containers: this.opts.index.list(true) });
  }
}
