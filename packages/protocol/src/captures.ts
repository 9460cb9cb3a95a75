import { z } from 'zod';
import { EventRecord } from './fields.ts';
import { GadgetMeta } from './gadget.ts';
import { DropCounts, RunInfo, RunRequest } from './messages.ts';

// Captures (issue 5): recorded runs kept by the hub, one SQLite file each. Times named `...Ns` are
// nanoseconds since the Unix epoch (event time); `...At` are milliseconds since the epoch (wall clock).

export const CaptureState = z.enum(['recording', 'complete', 'interrupted']);
export type CaptureState = z.infer<typeof CaptureState>;

export const CaptureSource = z.enum(['run', 'import', 'pcap']);
export type CaptureSource = z.infer<typeof CaptureSource>;

/** Losses of a capture: the run's per-stage counters plus what the capture writer itself had to drop. */
export const CaptureLosses = DropCounts.extend({
  /** Events the hub's capture writer dropped because it fell behind (never silent). */
  capture: z.number().int().nonnegative(),
});
export type CaptureLosses = z.infer<typeof CaptureLosses>;

/** A gadget's metadata as a capture keeps it; imported packet captures use IG's name `tcpdump` (not verb_noun). */
export const CaptureGadget = GadgetMeta.extend({ name: z.string().min(1).max(64) });
export type CaptureGadget = z.infer<typeof CaptureGadget>;

/** Everything a capture file says about itself (its `meta` table). */
export const CaptureMeta = z.object({
  id: z.string(),
  name: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  /** When recording began and ended (wall clock); `endedAt` is unset while recording. */
  startedAt: z.number(),
  endedAt: z.number().optional(),
  state: CaptureState,
  source: CaptureSource,
  /** The run that was recorded, when the capture came from a live run. */
  runId: z.string().optional(),
  request: RunRequest,
  /** Metadata of the capture's gadgets, so fields, filters and views work without any agent connected. */
  gadgets: z.array(CaptureGadget),
  nodes: z.array(z.string()),
  losses: CaptureLosses,
  /** Set when the recording asked for the run's start but the hub's replay buffer had already cut it. */
  startCut: z.boolean(),
  /** Events the run had before recording began and that are not in the capture. */
  eventsBeforeStart: z.number().int().nonnegative(),
  /** Whether events carry payload bytes (packet data, I/O buffers): warn before sharing. */
  payload: z.boolean(),
  podscopeVersion: z.string(),
  /** Set on an imported capture: where it came from. */
  importedFrom: z.object({ file: z.string(), signer: z.string().optional(), importedAt: z.number() }).optional(),
});
export type CaptureMeta = z.infer<typeof CaptureMeta>;

/** One row of the captures page. */
export const CaptureSummary = z.object({
  id: z.string(),
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  firstNs: z.number().nullable(),
  lastNs: z.number().nullable(),
  gadgets: z.array(z.string()),
  nodes: z.array(z.string()),
  state: CaptureState,
  source: CaptureSource,
  createdBy: z.string(),
  createdAt: z.number(),
  payload: z.boolean(),
  losses: CaptureLosses,
});
export type CaptureSummary = z.infer<typeof CaptureSummary>;

export const CountRow = z.object({ key: z.string(), count: z.number().int().nonnegative() });
export type CountRow = z.infer<typeof CountRow>;

/** Counts for the overview tiles; each key is one click away from a filtered table. */
export const CaptureOverview = z.object({
  byGadget: z.array(CountRow),
  byNode: z.array(CountRow),
  byPod: z.array(CountRow),
  byProcess: z.array(CountRow),
  /** Non-empty `error` values (errno names). */
  byError: z.array(CountRow),
});
export type CaptureOverview = z.infer<typeof CaptureOverview>;

export const CapturesResponse = z.object({ captures: z.array(CaptureSummary) });
export const CaptureResponse = z.object({ capture: CaptureSummary, meta: CaptureMeta, overview: CaptureOverview });
export type CaptureResponse = z.infer<typeof CaptureResponse>;
export const CaptureCreatedResponse = z.object({ capture: CaptureSummary, run: RunInfo.optional() });

// ---- requests ----
export const RecordRunRequest = z.object({
  from: z.enum(['start', 'now']).default('now'),
  name: z.string().trim().min(1).max(200).optional(),
});
export type RecordRunRequest = z.infer<typeof RecordRunRequest>;

/** Start a run that records for a duration and then stops, like `kubectl capture -M 30`. */
export const CreateCaptureRequest = z.object({
  request: RunRequest,
  durationSec: z.number().positive().max(7 * 24 * 3600).default(120),
  name: z.string().trim().min(1).max(200).optional(),
});
export type CreateCaptureRequest = z.infer<typeof CreateCaptureRequest>;

export const RenameCaptureRequest = z.object({ name: z.string().trim().min(1).max(200) });

export const CapturesQuery = z.object({ search: z.string().max(200).optional() });

const nsParam = z.coerce.number().finite().nonnegative();

/** `GET /api/captures/:id/events`: the protocol filter language, IG's sort spec, paging and a time range. */
export const CaptureEventsQuery = z.object({
  filter: z.string().max(16_384).default(''),
  sort: z.string().max(1_000).default('timestamp'),
  offset: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Inclusive time range in ns. */
  from: nsParam.optional(),
  to: nsParam.optional(),
});
export type CaptureEventsQuery = z.infer<typeof CaptureEventsQuery>;

/** One stored event with its row id (stable within the capture; a share link can select it). */
export const CaptureEvent = z.object({ id: z.number().int().positive(), event: EventRecord });
export type CaptureEvent = z.infer<typeof CaptureEvent>;

export const CaptureEventsResponse = z.object({
  /** Events matching the filter and range (all of them, not just this page). */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  events: z.array(CaptureEvent),
});
export type CaptureEventsResponse = z.infer<typeof CaptureEventsResponse>;

export const TimelineGroupBy = z.enum(['none', 'pod', 'node', 'gadget', 'comm']);
export type TimelineGroupBy = z.infer<typeof TimelineGroupBy>;

export const CaptureTimelineQuery = z.object({
  buckets: z.coerce.number().int().min(1).max(5_000).default(200),
  filter: z.string().max(16_384).default(''),
  groupBy: TimelineGroupBy.default('pod'),
  from: nsParam.optional(),
  to: nsParam.optional(),
});
export type CaptureTimelineQuery = z.infer<typeof CaptureTimelineQuery>;

/** Event rate over time: `counts[i]` covers `[fromNs + i*bucketNs, fromNs + (i+1)*bucketNs)`. */
export const CaptureTimelineResponse = z.object({
  fromNs: z.number(),
  toNs: z.number(),
  bucketNs: z.number().positive(),
  total: z.number().int().nonnegative(),
  series: z.array(z.object({ key: z.string(), counts: z.array(z.number().int().nonnegative()) })),
});
export type CaptureTimelineResponse = z.infer<typeof CaptureTimelineResponse>;

export const RetentionSettings = z.object({
  /** Captures whose recording ended longer ago than this are deleted. */
  maxAgeDays: z.number().positive().max(36_500),
  /** Oldest captures are deleted while all captures together are larger than this. */
  maxTotalBytes: z.number().int().positive(),
});
export type RetentionSettings = z.infer<typeof RetentionSettings>;

// ---- share links ----
export const CreateShareRequest = z.object({
  expiresInSec: z.number().int().positive().max(365 * 24 * 3600).default(7 * 24 * 3600),
});
export const ShareInfo = z.object({
  id: z.string(),
  captureId: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  revokedAt: z.number().optional(),
});
export type ShareInfo = z.infer<typeof ShareInfo>;
export const CreateShareResponse = z.object({
  share: ShareInfo,
  /** Shown once; the hub keeps only its hash. */
  token: z.string(),
  /** Path (same origin) of the capture page with the token, e.g. `/captures/<id>?share=<token>`. */
  url: z.string(),
  expiresAt: z.number(),
});
export type CreateShareResponse = z.infer<typeof CreateShareResponse>;
export const SharesResponse = z.object({ shares: z.array(ShareInfo) });

// ---- replay ----
export const ReplaySpeed = z.union([z.literal(1), z.literal(10), z.literal('max')]);
export type ReplaySpeed = z.infer<typeof ReplaySpeed>;

export const ReplayRequest = z.object({
  speed: ReplaySpeed.default(1),
  /** Event time (ns) to start at; default the capture's first event. */
  from: z.number().nonnegative().optional(),
});
export type ReplayRequest = z.infer<typeof ReplayRequest>;

export const ReplayControl = z.discriminatedUnion('action', [
  z.object({ action: z.literal('pause') }),
  z.object({ action: z.literal('resume') }),
  z.object({ action: z.literal('seek'), position: z.number().nonnegative() }),
  z.object({ action: z.literal('speed'), speed: ReplaySpeed }),
]);
export type ReplayControl = z.infer<typeof ReplayControl>;

export const ReplayStatus = z.object({
  runId: z.string(),
  captureId: z.string(),
  speed: ReplaySpeed,
  paused: z.boolean(),
  done: z.boolean(),
  /** Event time (ns) of the next event to play. */
  positionNs: z.number(),
  firstNs: z.number(),
  lastNs: z.number(),
  played: z.number().int().nonnegative(),
});
export type ReplayStatus = z.infer<typeof ReplayStatus>;
export const ReplayResponse = z.object({ run: RunInfo, replay: ReplayStatus });
export type ReplayResponse = z.infer<typeof ReplayResponse>;
