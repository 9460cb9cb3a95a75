// Watch streams of the test API server: one JSON event per line on a chunked 200 response, as the real one sends them.
import type { ServerResponse } from 'node:http';
import { resourceInfo, type KubeObject, type ObjectStore, type Resource, type StoredEvent, type WatchEventType } from './objectStore.ts';
import { filterMatches, type ObjectFilter } from './selectors.ts';
import { toTable, type IncludeObject } from './tables.ts';

type Json = Record<string, unknown>;

export const statusBody = (code: number, reason: string, message: string, details?: Json): Json => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details !== undefined ? { details } : {}),
  code,
});

export interface WatchRequest {
  resource: Resource;
  filter: ObjectFilter;
  /** Set when the client asked for Tables (kubectl get -w). */
  table: IncludeObject | undefined;
  bookmarks: boolean;
  /** Changes to replay first; undefined = synthetic ADDED events for the current state. */
  replay: StoredEvent[] | undefined;
  timeoutSeconds: number;
}

interface Watcher {
  resource: Resource;
  filter: ObjectFilter;
  res: ServerResponse;
  table: { include: IncludeObject; columnsSent: boolean } | undefined;
  bookmarks: boolean;
}

export class WatchStreams {
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => number,
  ) {
    store.subscribe((e) => {
      for (const w of this.watchers) this.deliver(w, e);
    });
  }

  count(resource?: Resource): number {
    return [...this.watchers].filter((w) => resource === undefined || w.resource === resource).length;
  }

  closeAll(): void {
    for (const w of [...this.watchers]) w.res.end();
  }

  sendBookmarks(): void {
    for (const w of this.watchers) {
      if (!w.bookmarks || w.table !== undefined) continue;
      this.writeEvent(w, 'BOOKMARK', { kind: resourceInfo[w.resource].kind, apiVersion: 'v1', metadata: { resourceVersion: String(this.store.resourceVersion) } });
    }
  }

  /** The watch cache's answer to a too-old resourceVersion: one ERROR event carrying a 410 Status, then the end. */
  expired(res: ServerResponse, message: string): void {
    startStream(res);
    writeRaw(res, { type: 'ERROR', object: statusBody(410, 'Expired', message) });
    res.end();
  }

  open(res: ServerResponse, req: WatchRequest): void {
    startStream(res);
    const w: Watcher = { resource: req.resource, filter: req.filter, res, table: req.table === undefined ? undefined : { include: req.table, columnsSent: false }, bookmarks: req.bookmarks };
    if (req.replay === undefined) {
      for (const o of this.store.list(req.resource)) if (filterMatches(req.filter, o)) this.writeEvent(w, 'ADDED', o);
    } else {
      for (const e of req.replay) this.deliver(w, e);
    }
    this.watchers.add(w);
    const timer = setTimeout(() => res.end(), req.timeoutSeconds * 1000);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      this.watchers.delete(w);
    };
    res.on('close', done);
    res.on('finish', done);
  }

  /** A change as this watch sees it: with a selector, an object that stops matching is DELETED, one that starts is ADDED. */
  private deliver(w: Watcher, e: StoredEvent): void {
    if (e.resource !== w.resource) return;
    const now = e.type !== 'DELETED' && filterMatches(w.filter, e.object);
    const was = e.previous !== undefined && filterMatches(w.filter, e.previous);
    let type: WatchEventType | undefined;
    if (e.type === 'DELETED') type = was ? 'DELETED' : undefined;
    else if (now) type = was ? 'MODIFIED' : 'ADDED';
    else if (was) type = 'DELETED';
    if (type !== undefined) this.writeEvent(w, type, e.object);
  }

  private writeEvent(w: Watcher, type: WatchEventType | 'BOOKMARK', o: KubeObject | Json): void {
    const kind = resourceInfo[w.resource].kind;
    if (type === 'BOOKMARK' || w.table === undefined) {
      writeRaw(w.res, { type, object: type === 'BOOKMARK' ? o : { kind, apiVersion: 'v1', ...o } });
      return;
    }
    const obj = o as KubeObject;
    // Like the real server, only the first event's Table carries the column definitions.
    const table = toTable(w.resource, [obj], { includeObject: w.table.include, resourceVersion: obj.metadata.resourceVersion ?? '', withColumns: !w.table.columnsSent, now: this.now(), kind });
    w.table.columnsSent = true;
    writeRaw(w.res, { type, object: table });
  }
}

function startStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
  res.flushHeaders();
}

function writeRaw(res: ServerResponse, event: Json): void {
  if (!res.writableEnded) res.write(`${JSON.stringify(event)}\n`);
}
