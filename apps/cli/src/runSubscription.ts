import type { RawData, WebSocket } from 'ws';
import type { BatchSink } from '@podscope/agent/terminal';
import { PROTOCOL_VERSION, PodscopeError, decodeHubToClient, encodeFrame, type ClientToHub, type RunInfo } from '@podscope/protocol';
import type { HubClient } from './hubClient.ts';

const isFinal = (run: RunInfo): boolean => run.state === 'stopped' || run.state === 'failed';
const bytesOf = (data: RawData): Uint8Array => (Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data);

/** What this client received and lost, for the end-of-run summary. */
export interface DeliveryCounts {
  events: number;
  /** Dropped by the hub for this client's queue (its subscriberStats). */
  hub: number;
  /** Refused by the output because the terminal or pipe could not keep up (reported to the hub as clientDrops). */
  client: number;
  /** Frames that did not decode (never expected). */
  badFrames: number;
}

/**
 * One run followed over the hub's `/ws`, as a browser follows it: every frame decoded with the protocol schema,
 * events handed to the output sink, run updates to `onRun`. Resolves `finished` when the run has stopped or failed.
 */
export class RunSubscription {
  readonly counts: DeliveryCounts = { events: 0, hub: 0, client: 0, badFrames: 0 };
  lastRun: RunInfo | undefined;
  readonly finished: Promise<RunInfo>;
  private settle!: { resolve: (run: RunInfo) => void; reject: (err: Error) => void };
  private reported = 0;
  private readonly reportTimer: NodeJS.Timeout;

  private constructor(
    private readonly ws: WebSocket,
    readonly runId: string,
    private readonly sink: BatchSink,
    private readonly onRun: (run: RunInfo) => void,
  ) {
    this.finished = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Nobody awaits `finished` until the run is under way; a failure before then must not be unhandled.
    this.finished.catch(() => undefined);
    ws.on('message', (data: RawData) => this.onFrame(bytesOf(data)));
    ws.on('close', (code, reason) => this.settle.reject(new PodscopeError('internal', `the hub closed the connection (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`)));
    this.reportTimer = setInterval(() => this.reportDrops(), 1000);
  }

  static async open(client: HubClient, runId: string, sink: BatchSink, onRun: (run: RunInfo) => void): Promise<RunSubscription> {
    const sub = new RunSubscription(await client.openSocket(), runId, sink, onRun);
    sub.send({ v: PROTOCOL_VERSION, type: 'subscribe', runId });
    return sub;
  }

  private send(msg: ClientToHub): void {
    this.ws.send(encodeFrame(msg));
  }

  private onFrame(bytes: Uint8Array): void {
    const d = decodeHubToClient(bytes);
    if (!d.ok) {
      this.counts.badFrames++;
      return;
    }
    const m = d.message;
    switch (m.type) {
      case 'events':
        if (m.runId !== this.runId) return;
        if (this.sink.offer(m.events)) this.counts.events += m.events.length;
        else this.counts.client += m.events.length;
        return;
      case 'run':
        if (m.run.id !== this.runId) return;
        this.lastRun = m.run;
        this.onRun(m.run);
        if (isFinal(m.run)) this.settle.resolve(m.run);
        return;
      case 'subscriberStats':
        if (m.runId === this.runId) this.counts.hub = m.dropped;
        return;
      case 'error':
        this.settle.reject(new PodscopeError(m.error.code, m.error.message, m.error.details));
        return;
      case 'hello':
      case 'pong':
        return;
    }
  }

  /** The run's drop counts include this client's, as they include a browser's (the message carries the total). */
  private reportDrops(): void {
    if (this.counts.client === this.reported || this.ws.readyState !== this.ws.OPEN) return;
    this.send({ v: PROTOCOL_VERSION, type: 'clientDrops', runId: this.runId, dropped: this.counts.client });
    this.reported = this.counts.client;
  }

  close(): void {
    clearInterval(this.reportTimer);
    this.reportDrops();
    this.ws.removeAllListeners('close');
    this.ws.close();
  }
}
