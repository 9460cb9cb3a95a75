import { PROTOCOL_VERSION, decodeHubToClient, encodeFrame, type ClientToHub, type ErrorEnvelope, type HubToClient } from '@podscope/protocol';

export type SocketStatus = 'connecting' | 'open' | 'closed';

export interface LiveSocketHandlers {
  onMessage: (message: HubToClient) => void;
  onStatus?: (status: SocketStatus) => void;
  /** A frame that did not parse with the protocol schema; it is dropped, never guessed at. */
  onBadFrame?: (error: ErrorEnvelope) => void;
}

export interface LiveSocketOptions {
  url?: string;
  /** First reconnect delay; doubles up to maxDelayMs. */
  minDelayMs?: number;
  maxDelayMs?: number;
  pingIntervalMs?: number;
}

/** Same-origin hub socket: `ws(s)://<this host>/ws`. */
export function hubSocketUrl(): string {
  return `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`;
}

/**
 * The browser's one WebSocket to the hub. Reconnects with backoff and re-sends the current
 * subscription on every (re)connect, so a hub restart or a network blip resumes the live view.
 */
export class LiveSocket {
  private ws: WebSocket | null = null;
  private runId: string | null = null;
  private unmask = false;
  private closed = false;
  private delay: number;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private readonly url: string;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly pingInterval: number;

  constructor(
    private readonly handlers: LiveSocketHandlers,
    options: LiveSocketOptions = {},
  ) {
    this.url = options.url ?? hubSocketUrl();
    this.minDelay = options.minDelayMs ?? 500;
    this.maxDelay = options.maxDelayMs ?? 10_000;
    this.pingInterval = options.pingIntervalMs ?? 20_000;
    this.delay = this.minDelay;
    this.connect();
  }

  /**
   * Subscribes to a run (replacing any previous subscription). `unmask` asks for payload bytes with credentials
   * unmasked (needs the payload:unmask permission; the hub audits it); subscribing again changes it in place.
   */
  subscribe(runId: string, unmask = false): void {
    if (this.runId !== null && this.runId !== runId) this.send({ v: PROTOCOL_VERSION, type: 'unsubscribe', runId: this.runId });
    this.runId = runId;
    this.unmask = unmask;
    this.send(this.subscribeMessage(runId));
  }

  private subscribeMessage(runId: string): ClientToHub {
    return this.unmask ? { v: PROTOCOL_VERSION, type: 'subscribe', runId, unmask: true } : { v: PROTOCOL_VERSION, type: 'subscribe', runId };
  }

  unsubscribe(): void {
    if (this.runId !== null) this.send({ v: PROTOCOL_VERSION, type: 'unsubscribe', runId: this.runId });
    this.runId = null;
  }

  /** Sends a frame if connected; returns whether it went out. */
  send(message: ClientToHub): boolean {
    if (this.ws === null || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(encodeFrame(message));
    return true;
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.ws?.close();
    this.ws = null;
  }

  private connect(): void {
    if (this.closed) return;
    this.handlers.onStatus?.('connecting');
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.delay = this.minDelay;
      this.handlers.onStatus?.('open');
      if (this.runId !== null) this.send(this.subscribeMessage(this.runId));
      this.pingTimer = setInterval(() => this.send({ v: PROTOCOL_VERSION, type: 'ping', t: Date.now() }), this.pingInterval);
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (!(ev.data instanceof ArrayBuffer)) {
        this.handlers.onBadFrame?.({ code: 'bad_frame', message: 'text frame received; the hub sends binary MessagePack frames' });
        return;
      }
      const decoded = decodeHubToClient(ev.data);
      if (decoded.ok) this.handlers.onMessage(decoded.message);
      else this.handlers.onBadFrame?.(decoded.error);
    };
    ws.onclose = () => {
      if (this.pingTimer !== null) clearInterval(this.pingTimer);
      this.pingTimer = null;
      if (this.ws === ws) this.ws = null;
      if (this.closed) return;
      this.handlers.onStatus?.('closed');
      this.reconnectTimer = setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.maxDelay, this.delay * 2);
    };
  }
}
