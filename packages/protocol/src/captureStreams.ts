import { z } from 'zod';
import { CaptureEvent } from './captures.ts';
import { IoStreamSort, IoStreamSummary } from './payload/ioStreams.ts';

// I/O streams of a saved capture, grouped by the hub over every row (no row cap), paged.

const nsParam = z.coerce.number().finite().nonnegative();
const flagParam = z.enum(['1', 'true', '0', 'false']).default('0').transform((v) => v === '1' || v === 'true');

/** `GET /api/captures/:id/streams`: the streams of the events matching the filter and time range. */
export const CaptureStreamsQuery = z.object({
  filter: z.string().max(16_384).default(''),
  from: nsParam.optional(),
  to: nsParam.optional(),
  sort: IoStreamSort.default('bytes'),
  offset: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(5_000).default(500),
});
export type CaptureStreamsQuery = z.infer<typeof CaptureStreamsQuery>;

export const CaptureStreamsResponse = z.object({
  /** Streams in the filter and range (all of them, not just this page). */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  /** trace_io events grouped into the streams. */
  events: z.number().int().nonnegative(),
  streams: z.array(IoStreamSummary),
});
export type CaptureStreamsResponse = z.infer<typeof CaptureStreamsResponse>;

/** `GET /api/captures/:id/streams/ops`: one stream's operations in time order, paged. */
export const CaptureStreamOpsQuery = z.object({
  key: z.string().min(1).max(4_096),
  filter: z.string().max(16_384).default(''),
  from: nsParam.optional(),
  to: nsParam.optional(),
  /** Include connect/accept/open/close, not only reads and writes. */
  others: flagParam,
  offset: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(5_000).default(500),
});
export type CaptureStreamOpsQuery = z.infer<typeof CaptureStreamOpsQuery>;

export const CaptureStreamOpsResponse = z.object({
  stream: IoStreamSummary,
  /** Operations of the stream (all of them, not just this page). */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  ops: z.array(CaptureEvent),
});
export type CaptureStreamOpsResponse = z.infer<typeof CaptureStreamOpsResponse>;
