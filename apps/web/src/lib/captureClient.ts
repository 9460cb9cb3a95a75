import { z } from 'zod';
import {
  CaptureCreatedResponse,
  CaptureEventsResponse,
  CaptureStreamOpsResponse,
  CaptureStreamsResponse,
  CaptureResponse,
  CapturesResponse,
  CaptureSummary,
  CaptureTimelineResponse,
  CreateShareResponse,
  ReplayResponse,
  RetentionSettings,
  SharesResponse,
  type CaptureEventsQuery,
  type CaptureStreamOpsQuery,
  type CaptureStreamsQuery,
  type CaptureTimelineQuery,
  type CreateCaptureRequest,
  type RecordRunRequest,
  type ReplayControl,
  type ReplayRequest,
  type RunInfo,
  type ShareInfo,
} from '@podscope/protocol';
import { request } from './hubClient.ts';

const Anything = z.unknown();
const enc = encodeURIComponent;

/** The hub's capture routes (apps/server/src/apiRoutes.ts), in one place. */
export const captureRoutes = {
  list: '/api/captures',
  one: (id: string) => `/api/captures/${enc(id)}`,
  events: (id: string) => `/api/captures/${enc(id)}/events`,
  timeline: (id: string) => `/api/captures/${enc(id)}/timeline`,
  streams: (id: string) => `/api/captures/${enc(id)}/streams`,
  streamOps: (id: string) => `/api/captures/${enc(id)}/streams/ops`,
  shares: (id: string) => `/api/captures/${enc(id)}/shares`,
  share: (id: string, shareId: string) => `/api/captures/${enc(id)}/shares/${enc(shareId)}`,
  export: (id: string) => `/api/captures/${enc(id)}/export`,
  exportPcapng: (id: string) => `/api/captures/${enc(id)}/export.pcapng`,
  stop: (id: string) => `/api/captures/${enc(id)}/stop`,
  import: '/api/captures/import',
  retention: '/api/settings/retention',
  replay: (id: string) => `/api/captures/${enc(id)}/replay`,
  replayOfRun: (runId: string) => `/api/replays/${enc(runId)}`,
  replayControl: (runId: string) => `/api/replays/${enc(runId)}/control`,
  record: (runId: string) => `/api/runs/${enc(runId)}/record`,
};

/** Query string of defined values only (an absent `from` must not be sent as "undefined"). */
export function queryString(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

const RetentionResponse = z.union([z.object({ retention: RetentionSettings }), RetentionSettings]);
const retentionOf = (r: z.infer<typeof RetentionResponse>): RetentionSettings => ('retention' in r ? r.retention : r);
const CaptureOnly = z.object({ capture: CaptureSummary });

export const captureClient = {
  list: async (search?: string): Promise<CaptureSummary[]> => (await request(captureRoutes.list + queryString({ search }), CapturesResponse)).captures,
  get: async (id: string): Promise<CaptureResponse> => request(captureRoutes.one(id), CaptureResponse),
  rename: async (id: string, name: string): Promise<void> => {
    await request(captureRoutes.one(id), Anything, { method: 'PATCH', body: { name } });
  },
  stopRecording: async (id: string): Promise<CaptureSummary> => (await request(captureRoutes.stop(id), CaptureOnly, { method: 'POST' })).capture,
  remove: async (id: string): Promise<void> => {
    await request(captureRoutes.one(id), Anything, { method: 'DELETE' });
  },
  events: async (id: string, q: Partial<CaptureEventsQuery>, signal?: AbortSignal): Promise<CaptureEventsResponse> =>
    request(captureRoutes.events(id) + queryString({ ...q }), CaptureEventsResponse, signal !== undefined ? { signal } : {}),
  streams: async (id: string, q: Partial<CaptureStreamsQuery>, signal?: AbortSignal): Promise<CaptureStreamsResponse> =>
    request(captureRoutes.streams(id) + queryString({ ...q }), CaptureStreamsResponse, signal !== undefined ? { signal } : {}),
  streamOps: async (id: string, q: Partial<Omit<CaptureStreamOpsQuery, 'others'>> & { key: string; unmask?: 1 }, signal?: AbortSignal): Promise<CaptureStreamOpsResponse> =>
    request(captureRoutes.streamOps(id) + queryString({ ...q }), CaptureStreamOpsResponse, signal !== undefined ? { signal } : {}),
  timeline: async (id: string, q: Partial<CaptureTimelineQuery>, signal?: AbortSignal): Promise<CaptureTimelineResponse> =>
    request(captureRoutes.timeline(id) + queryString({ ...q }), CaptureTimelineResponse, signal !== undefined ? { signal } : {}),
  record: async (runId: string, req: z.input<typeof RecordRunRequest>): Promise<CaptureSummary> => (await request(captureRoutes.record(runId), CaptureOnly, { method: 'POST', body: req })).capture,
  create: async (req: z.input<typeof CreateCaptureRequest>): Promise<{ capture: CaptureSummary; run?: RunInfo | undefined }> => request(captureRoutes.list, CaptureCreatedResponse, { method: 'POST', body: req }),
  shares: async (id: string): Promise<ShareInfo[]> => (await request(captureRoutes.shares(id), SharesResponse)).shares,
  createShare: async (id: string, expiresInSec: number): Promise<CreateShareResponse> => request(captureRoutes.shares(id), CreateShareResponse, { method: 'POST', body: { expiresInSec } }),
  revokeShare: async (id: string, shareId: string): Promise<void> => {
    await request(captureRoutes.share(id, shareId), Anything, { method: 'DELETE' });
  },
  importFile: async (file: File): Promise<CaptureSummary> => (await request(captureRoutes.import + queryString({ name: file.name }), CaptureOnly, { method: 'POST', rawBody: file })).capture,
  retention: async (): Promise<RetentionSettings> => retentionOf(await request(captureRoutes.retention, RetentionResponse)),
  setRetention: async (r: RetentionSettings): Promise<RetentionSettings> => retentionOf(await request(captureRoutes.retention, RetentionResponse, { method: 'PUT', body: r })),
  replay: async (id: string, req: Partial<ReplayRequest>): Promise<ReplayResponse> => request(captureRoutes.replay(id), ReplayResponse, { method: 'POST', body: req }),
  replayStatus: async (runId: string): Promise<ReplayResponse> => request(captureRoutes.replayOfRun(runId), ReplayResponse),
  controlReplay: async (runId: string, control: ReplayControl): Promise<ReplayResponse> => request(captureRoutes.replayControl(runId), ReplayResponse, { method: 'POST', body: control }),
};
