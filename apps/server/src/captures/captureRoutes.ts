import {
  CaptureEventsQuery,
  CaptureStreamOpsQuery,
  CaptureStreamsQuery,
  CaptureTimelineQuery,
  CapturesQuery,
  CreateCaptureRequest,
  CreateShareRequest,
  PodscopeError,
  RecordRunRequest,
  RenameCaptureRequest,
  ReplayControl,
  ReplayRequest,
  RetentionSettings,
  type CaptureResponse,
  type ReplayResponse,
} from '@podscope/protocol';
import { json, readJsonBody, type HttpReply, type HttpRouter, type RouteContext } from '../httpRouter.ts';
import type { RunManager } from '../runManager.ts';
import { exportCapture, exportNdjson, exportPcapng, type Download } from './captureDownloads.ts';
import { importCapture } from './captureImport.ts';
import { requireNoPayloadFilter } from '../accessControl.ts';
import { maskCaptureEvents, maskEventsPage, maskPayloads } from './capturePayload.ts';
import { queryStreamOps, queryStreams } from './captureStreams.ts';
import { captureOverview } from './captureOverview.ts';
import { memoized, queryEvents } from './captureQuery.ts';
import type { CaptureRecorder } from './captureRecorder.ts';
import type { CaptureStore } from './captureStore.ts';
import { queryTimeline } from './captureTimeline.ts';
import type { HubKey } from './hubKey.ts';
import { ReplayRun, type ReplayRegistry } from './replayRun.ts';
import type { RetentionPolicy } from './retentionPolicy.ts';
import type { ShareTokens } from './shareTokens.ts';

export interface CaptureRouteDeps {
  store: CaptureStore;
  recorder: CaptureRecorder;
  shares: ShareTokens;
  key: HubKey;
  retention: RetentionPolicy;
  replays: ReplayRegistry;
  runs: RunManager;
  /** Deletes a capture and its share links (stopping its recording first). */
  removeCapture: (id: string) => Promise<void>;
  maxBodyBytes: number;
  importMaxBytes: number;
  now: () => number;
}

const query = (ctx: RouteContext): Record<string, string> => Object.fromEntries([...ctx.url.searchParams].filter(([k]) => k !== 'share'));
const idOf = (ctx: RouteContext): string => ctx.params.id ?? '';

function download(d: Download): HttpReply {
  const headers: Record<string, string> = {
    'content-type': d.contentType,
    'content-disposition': `attachment; filename="${d.fileName}"`,
  };
  if (d.bytes !== undefined) headers['content-length'] = String(d.bytes);
  return { status: 200, body: null, headers, stream: d.stream };
}

/** The captures API (issue 5). GET routes of one capture also accept that capture's share token. */
export function addCaptureRoutes(router: HttpRouter, deps: CaptureRouteDeps): HttpRouter {
  const { store, recorder, shares, key, retention, replays, runs } = deps;
  const body = (ctx: RouteContext): Promise<unknown> => readJsonBody(ctx.req, deps.maxBodyBytes);
  const replayReply = (r: ReplayRun): { run: ReplayResponse['run']; replay: ReplayResponse['replay'] } => ({ run: r.run.info(), replay: r.status() });

  return router
    .add('GET', '/api/captures', async (ctx) => json({ captures: store.list(CapturesQuery.parse(query(ctx)).search) }))
    .add('POST', '/api/captures', async (ctx) => {
      const req = CreateCaptureRequest.parse(await body(ctx));
      if (!ctx.access.can('payload:unmask')) requireNoPayloadFilter(req.request.filter, 'an admin may run it');
      await runs.authorize(req.request, ctx.user);
      return json(recorder.createTimed(req.request, req.durationSec, req.name, ctx.user), 201);
    })
    .add('POST', '/api/runs/:id/record', async (ctx) => {
      const req = RecordRunRequest.parse(await body(ctx));
      return json({ capture: recorder.recordRun(idOf(ctx), { from: req.from, name: req.name, user: ctx.user }) }, 201);
    })
    .add('POST', '/api/captures/import', async (ctx) => {
      const fileName = ctx.url.searchParams.get('name') ?? 'upload';
      const capture = await importCapture(ctx.req, fileName, ctx.user, { store, key, maxBytes: deps.importMaxBytes, now: deps.now });
      await retention.enforce();
      return json({ capture }, 201);
    })
    .add(
      'GET',
      '/api/captures/:id',
      async (ctx) => {
        const id = idOf(ctx);
        const reader = store.reader(id);
        const res: CaptureResponse = { capture: store.summary(id), meta: store.meta(id), overview: memoized(reader, 'overview', () => captureOverview(reader)) };
        return json(res);
      },
      { shareable: true },
    )
    .add('PATCH', '/api/captures/:id', async (ctx) => {
      const { name } = RenameCaptureRequest.parse(await body(ctx));
      store.rename(idOf(ctx), name);
      return json({ capture: store.summary(idOf(ctx)) });
    })
    .add('DELETE', '/api/captures/:id', async (ctx) => {
      const id = idOf(ctx);
      if (!store.exists(id)) throw new PodscopeError('not_found', `no capture with id ${id}`, { captureId: id });
      await deps.removeCapture(id);
      return json({ ok: true });
    })
    .add('POST', '/api/captures/:id/stop', async (ctx) => json({ capture: await recorder.stop(idOf(ctx)) }))
    .add(
      'GET',
      '/api/captures/:id/events',
      async (ctx) => {
        const q = CaptureEventsQuery.parse(query(ctx));
        const id = idOf(ctx);
        const meta = store.meta(id);
        const mask = await maskPayloads(ctx, id, meta, 'events', q.filter);
        const page = queryEvents(store.reader(id), meta, q);
        return json(mask ? maskEventsPage(page) : page);
      },
      { shareable: true },
    )
    .add(
      'GET',
      '/api/captures/:id/timeline',
      async (ctx) => {
        const q = CaptureTimelineQuery.parse(query(ctx));
        const id = idOf(ctx);
        const meta = store.meta(id);
        await maskPayloads(ctx, id, meta, 'timeline', q.filter);
        return json(queryTimeline(store.reader(id), meta, q));
      },
      { shareable: true },
    )
    .add('GET', '/api/captures/:id/export', async (ctx) => {
      const mask = await maskPayloads(ctx, idOf(ctx), store.meta(idOf(ctx)), 'export');
      return download(await exportCapture(store, idOf(ctx), key, { mask }));
    }, { shareable: true })
    .add('GET', '/api/captures/:id/export.pcapng', async (ctx) => {
      const meta = store.meta(idOf(ctx));
      const mask = await maskPayloads(ctx, idOf(ctx), meta, 'export.pcapng');
      return download(exportPcapng(store, idOf(ctx), meta, { mask }));
    }, { shareable: true })
    .add('GET', '/api/captures/:id/export.ndjson', async (ctx) => {
      const meta = store.meta(idOf(ctx));
      const mask = await maskPayloads(ctx, idOf(ctx), meta, 'export.ndjson');
      return download(exportNdjson(store, idOf(ctx), meta, { mask }));
    }, { shareable: true })
    .add('GET', '/api/captures/:id/streams', async (ctx) => {
      const id = idOf(ctx);
      const meta = store.meta(id);
      const q = CaptureStreamsQuery.parse(query(ctx));
      await maskPayloads(ctx, id, meta, 'streams', q.filter);
      return json(queryStreams(store.reader(id), meta, q));
    }, { shareable: true })
    .add('GET', '/api/captures/:id/streams/ops', async (ctx) => {
      const id = idOf(ctx);
      const meta = store.meta(id);
      const q = CaptureStreamOpsQuery.parse(query(ctx));
      const mask = await maskPayloads(ctx, id, meta, 'streams', q.filter);
      const res = queryStreamOps(store.reader(id), meta, q);
      return json(mask ? { ...res, ops: maskCaptureEvents(res.ops) } : res);
    }, { shareable: true })
    .add('GET', '/api/captures/:id/shares', async (ctx) => {
      store.meta(idOf(ctx));
      return json({ shares: shares.list(idOf(ctx)) });
    })
    .add('POST', '/api/captures/:id/shares', async (ctx) => {
      const id = idOf(ctx);
      store.meta(id);
      const req = CreateShareRequest.parse(await body(ctx));
      const { share, token } = await shares.create(id, ctx.user, req.expiresInSec);
      const host = ctx.req.headers.host ?? 'localhost';
      const url = `http://${host}/capture?id=${encodeURIComponent(id)}&share=${encodeURIComponent(token)}`;
      return json({ share, token, url, expiresAt: share.expiresAt }, 201);
    })
    .add('DELETE', '/api/captures/:id/shares/:shareId', async (ctx) => json({ share: await shares.revoke(idOf(ctx), ctx.params.shareId ?? '') }))
    .add('POST', '/api/captures/:id/replay', async (ctx) => {
      const id = idOf(ctx);
      const req = ReplayRequest.parse(await body(ctx));
      const meta = store.meta(id);
      const reader = store.openReader(id);
      let replay: ReplayRun;
      try {
        replay = new ReplayRun(runs, reader, meta, { speed: req.speed, from: req.from, user: ctx.user });
      } catch (err) {
        reader.db.close();
        throw err;
      }
      replays.add(replay);
      return json(replayReply(replay), 201);
    })
    .add('GET', '/api/replays/:runId', async (ctx) => json(replayReply(replays.get(ctx.params.runId ?? ''))))
    .add('POST', '/api/replays/:runId/control', async (ctx) => {
      const replay = replays.get(ctx.params.runId ?? '');
      replay.control(ReplayControl.parse(await body(ctx)));
      return json(replayReply(replay));
    })
    .add('GET', '/api/settings/retention', async () => json({ retention: retention.get() }))
    .add('PUT', '/api/settings/retention', async (ctx) => {
      const deleted = await retention.set(RetentionSettings.parse(await body(ctx)));
      return json({ retention: retention.get(), deleted });
    })
    .add('GET', '/api/hub-key', async () => json({ publicKeyPem: key.publicPem, fingerprint: key.fingerprint }));
}
