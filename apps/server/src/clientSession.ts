import type { RawData, WebSocket } from 'ws';
import { PROTOCOL_VERSION, PodscopeError, decodeClientToHub, encodeFrame, toErrorEnvelope, type ClientToHub, type ErrorEnvelope, type HubToClient } from '@podscope/protocol';
import type { AccessControl } from './accessControl.ts';
import type { HubConfig } from './config.ts';
import { maskedEventsFrame } from './liveRedaction.ts';
import type { Logger } from './logger.ts';
import type { RunManager } from './runManager.ts';
import type { RunSubscriber } from './runRecord.ts';
import { MalformedFrameCounter, rawDataBytes, textFrameError, webSocketSink } from './socketFrames.ts';
import { SubscriberQueue, type DeliveryStats } from './subscriberQueue.ts';

export interface ClientSessionDeps {
  runs: RunManager;
  config: Pick<HubConfig, 'clientQueue' | 'statsIntervalMs' | 'maxMalformedFrames'> & { captures?: Pick<HubConfig['captures'], 'payloadGadgets'> };
  logger: Logger;
  /** Who may unmask payloads; without it every payload gadget's frames are masked. */
  access?: AccessControl;
}

/** Drops are reported this soon after they happen (the periodic report is slower). */
const DROP_REPORT_DELAY_MS = 100;

/** One browser's `/ws` connection: subscriptions, its bounded outbound queue and its delivery stats. */
export class ClientSession implements RunSubscriber {
  private readonly queue: SubscriberQueue;
  private readonly subscriptions = new Set<string>();
  private closed = false;
  /** Runs whose payload bytes this browser gets masked. */
  private readonly masked = new Set<string>();
  private readonly lastReported = new Map<string, DeliveryStats>();
  private readonly malformed: MalformedFrameCounter;
  private readonly statsTimer: NodeJS.Timeout;
  private dropReportTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly user: string,
    private readonly deps: ClientSessionDeps,
  ) {
    this.malformed = new MalformedFrameCounter(deps.config.maxMalformedFrames);
    this.queue = new SubscriberQueue(webSocketSink(ws), deps.config.clientQueue, (runId, events) => this.onDropped(runId, events));
    this.statsTimer = setInterval(() => this.reportStats(), deps.config.statsIntervalMs);
    this.statsTimer.unref();
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('close', () => this.onClose());
    ws.on('error', (err) => deps.logger.warn(`browser connection of ${user}: ${err.message}`));
    this.sendControl({ v: PROTOCOL_VERSION, type: 'hello', user });
  }

  deliverEvents(runId: string, bytes: Uint8Array, events: number): void {
    this.queue.pushEvents(runId, this.masked.has(runId) ? maskedEventsFrame(bytes) : bytes, events);
  }

  deliverControl(bytes: Uint8Array, key: string): void {
    this.queue.pushControl(bytes, key);
  }

  private sendControl(message: HubToClient, key?: string): void {
    this.queue.pushControl(encodeFrame(message), key);
  }

  private sendError(error: ErrorEnvelope): void {
    this.sendControl({ v: PROTOCOL_VERSION, type: 'error', error });
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    const decoded = isBinary ? decodeClientToHub(rawDataBytes(data)) : ({ ok: false, error: textFrameError } as const);
    if (!decoded.ok) {
      this.sendError(decoded.error);
      if (this.malformed.bad()) this.ws.close(1008, 'too many malformed frames');
      return;
    }
    this.malformed.good();
    try {
      this.handle(decoded.message);
    } catch (err) {
      this.sendError(toErrorEnvelope(err));
    }
  }

  private handle(msg: ClientToHub): void {
    const { runs } = this.deps;
    switch (msg.type) {
      case 'subscribe': {
        const record = runs.recordOf(msg.runId);
        // Watching someone else's live run needs the same permission as starting it (a replay is saved data).
        if (record.createdBy !== this.user && record.replayOf === undefined) {
          runs
            .authorize(record.request, this.user)
            .then(() => {
              if (!this.closed) this.subscribe(msg.runId, msg.unmask === true);
            })
            .catch((err: unknown) => this.sendError(toErrorEnvelope(err)));
          return;
        }
        this.subscribe(msg.runId, msg.unmask === true);
        return;
      }
      case 'unsubscribe':
        this.leave(msg.runId);
        return;
      case 'clientDrops':
        runs.recordBrowserDrops(msg.runId, this, msg.dropped);
        return;
      case 'ping':
        this.sendControl({ v: PROTOCOL_VERSION, type: 'pong', t: msg.t });
        return;
    }
  }

  private subscribe(runId: string, unmask: boolean): void {
    const { runs } = this.deps;
    if (unmask) this.requireUnmask(runId);
    const payload = this.deps.config.captures?.payloadGadgets.includes(runs.get(runId).request.gadget) ?? true;
    // Decided before the first frame can arrive.
    if (payload && !unmask) this.masked.add(runId);
    else this.masked.delete(runId);
    const run = runs.subscribe(runId, this);
    this.subscriptions.add(runId);
    this.sendControl({ v: PROTOCOL_VERSION, type: 'run', run }, `run:${run.id}`);
  }

  /** Throws `forbidden` unless this user may unmask payloads; a granted unmask is audited. */
  private requireUnmask(runId: string): void {
    const access = this.deps.access;
    if (access === undefined) throw new PodscopeError('forbidden', 'this hub does not allow unmasking payloads', { permission: 'payload:unmask' });
    access.require(this.user, 'payload:unmask');
    access.audit.record({ user: this.user, action: 'payload.unmask', target: `run:${runId}`, details: { via: 'ws subscribe' } }).catch((err: unknown) => {
      this.deps.logger.warn(`audit log write failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private leave(runId: string): void {
    this.masked.delete(runId);
    if (!this.subscriptions.delete(runId)) return;
    this.deps.runs.unsubscribe(runId, this);
    this.queue.forget(runId);
    this.lastReported.delete(runId);
  }

  private onDropped(runId: string, events: number): void {
    this.deps.runs.recordHubDrops(runId, events);
    if (this.dropReportTimer !== undefined) return;
    this.dropReportTimer = setTimeout(() => {
      this.dropReportTimer = undefined;
      this.reportStats();
    }, DROP_REPORT_DELAY_MS);
    this.dropReportTimer.unref();
  }

  /** Sends `subscriberStats` for each subscribed run whose counters moved since the last report. */
  private reportStats(): void {
    for (const runId of this.subscriptions) {
      const now = this.queue.deliveryStats(runId);
      const last = this.lastReported.get(runId);
      if (last !== undefined && last.delivered === now.delivered && last.dropped === now.dropped) continue;
      this.lastReported.set(runId, now);
      this.sendControl({ v: PROTOCOL_VERSION, type: 'subscriberStats', runId, ...now }, `stats:${runId}`);
    }
    // A fallback pump in case the socket drained without a write callback reaching us.
    this.queue.pump();
  }

  private onClose(): void {
    this.closed = true;
    clearInterval(this.statsTimer);
    clearTimeout(this.dropReportTimer);
    for (const runId of [...this.subscriptions]) this.leave(runId);
  }
}
