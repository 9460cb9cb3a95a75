import type { RawData, WebSocket } from 'ws';
import type { ErrorEnvelope } from '@podscope/protocol';
import type { FrameSink } from './subscriberQueue.ts';

export function rawDataBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** A text frame is a protocol error too: every podscope frame is binary MessagePack. */
export const textFrameError: ErrorEnvelope = { code: 'bad_frame', message: 'text frames are not accepted; send binary MessagePack frames' };

export function webSocketSink(ws: WebSocket): FrameSink {
  return {
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    get isOpen() {
      return ws.readyState === ws.OPEN;
    },
    send(bytes, written) {
      ws.send(bytes, { binary: true }, () => written());
    },
  };
}

/** Counts malformed frames in a row; a peer that only sends garbage is eventually closed with 1008. */
export class MalformedFrameCounter {
  private inARow = 0;

  constructor(private readonly limit: number) {}

  /** Returns true when the limit is reached. */
  bad(): boolean {
    this.inARow++;
    return this.inARow >= this.limit;
  }

  good(): void {
    this.inARow = 0;
  }
}
