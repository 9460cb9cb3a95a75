import { decodeHubToClient, encodeFrame, redactEvents } from '@podscope/protocol';

// A run's event frame is encoded once and shared by every subscriber; its masked copy is too.
const masked = new WeakMap<Uint8Array, Uint8Array>();

/**
 * An events frame with credentials in its payload fields masked (the same bytes when there was nothing
 * to mask). A frame that does not decode is passed through: the hub encoded it itself.
 */
export function maskedEventsFrame(bytes: Uint8Array): Uint8Array {
  const hit = masked.get(bytes);
  if (hit !== undefined) return hit;
  let out = bytes;
  const decoded = decodeHubToClient(bytes);
  if (decoded.ok && decoded.message.type === 'events') {
    const r = redactEvents(decoded.message.events);
    if (r.count > 0) out = encodeFrame({ ...decoded.message, events: [...r.events] });
  }
  masked.set(bytes, out);
  return out;
}
