// An in-process Kubernetes API server for tests and the dev script: real list/watch JSON for namespaces, pods and nodes,
// resourceVersions, watch streams with bookmarks, 410 Expired after compaction, label/field selectors, Tables for
// `kubectl get`, legacy discovery, and SubjectAccessReviews decided by a rule table the test sets.
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { review, SubjectAccessReviewRequest, type AccessRule } from './accessRules.ts';
import { apiGroups, authorizationV1Resources, coreV1Resources, coreVersions, versionInfo } from './discovery.ts';
import { ExpiredError, ObjectStore, resourceInfo, type KubeObject, type Resource, type StoredEvent } from './objectStore.ts';
import { filterMatches, parseObjectFilter, SelectorError, type ObjectFilter } from './selectors.ts';
import { toTable, wantsTable, type IncludeObject } from './tables.ts';
import { statusBody, WatchStreams } from './watchStreams.ts';

export interface TestApiServerOptions {
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** How often watches that allow bookmarks get one (0 = only on `sendBookmarks()`). */
  bookmarkIntervalMs?: number;
  /** How a watch from a compacted resourceVersion fails: an ERROR event in a 200 stream (the watch cache's way) or HTTP 410. */
  expiredWatch?: 'event' | 'status';
  /** Longest a watch stays open (the client's `timeoutSeconds` may shorten it). */
  maxWatchSeconds?: number;
  now?: () => number;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
}

type Json = Record<string, unknown>;

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Json,
  ) {
    super(message);
  }
}

const MAX_BODY = 1024 * 1024;
const MAX_LOG = 2000;

export class TestApiServer {
  readonly store: ObjectStore;
  /** The authorization table SubjectAccessReviews are decided by; tests replace it at will. */
  accessRules: AccessRule[] = [];
  /** Recent requests, oldest first (bounded). */
  readonly requests: RequestRecord[] = [];
  private readonly watches: WatchStreams;
  private readonly now: () => number;
  private bookmarkTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: Server,
    private readonly opts: TestApiServerOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.store = new ObjectStore(10_000, this.now);
    this.watches = new WatchStreams(this.store, this.now);
  }

  static async start(opts: TestApiServerOptions = {}): Promise<TestApiServer> {
    const server = createServer();
    const api = new TestApiServer(server, opts);
    server.on('request', (req, res) => api.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const every = opts.bookmarkIntervalMs ?? 1000;
    if (every > 0) {
      api.bookmarkTimer = setInterval(() => api.sendBookmarks(), every);
      api.bookmarkTimer.unref();
    }
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Open watch streams (per resource when given). */
  watchCount(resource?: Resource): number {
    return this.watches.count(resource);
  }

  apply(resource: Resource, object: KubeObject): KubeObject {
    if (resourceInfo[resource].namespaced && object.metadata.namespace === undefined) throw new Error(`${resource} need a namespace`);
    return this.store.apply(resource, object);
  }

  delete(resource: Resource, name: string, namespace?: string): KubeObject | undefined {
    return this.store.delete(resource, name, namespace);
  }

  /** Forgets the change history: watches resuming from before now get 410 Expired and must relist. */
  compact(): void {
    this.store.compact();
  }

  /** Ends every open watch stream (as an API server restart or a load balancer would). */
  closeWatches(): void {
    this.watches.closeAll();
  }

  sendBookmarks(): void {
    this.watches.sendBookmarks();
  }

  /**
   * Writes a kubeconfig whose current context points at this server (with the bearer token when one is required).
   * The server speaks plain HTTP on loopback; client-node accepts that only with insecure-skip-tls-verify.
   */
  async writeKubeconfig(file: string, token = this.opts.token): Promise<void> {
    const user = token === undefined ? '{}' : `\n    token: ${JSON.stringify(token)}`;
    await writeFile(
      file,
      `apiVersion: v1
kind: Config
clusters:
- name: podscope-test
  cluster:
    server: ${this.url}
    insecure-skip-tls-verify: true
contexts:
- name: podscope-test
  context:
    cluster: podscope-test
    user: podscope-test
current-context: podscope-test
users:
- name: podscope-test
  user: ${user}
`,
      { mode: 0o600 },
    );
  }

  async close(): Promise<void> {
    clearInterval(this.bookmarkTimer);
    this.closeWatches();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://api.invalid');
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) });
    if (this.requests.length > MAX_LOG) this.requests.splice(0, this.requests.length - MAX_LOG);
    this.route(req, res, url).catch((err: unknown) => {
      const e = err instanceof HttpError ? err : new HttpError(500, 'InternalError', err instanceof Error ? err.message : String(err));
      if (res.headersSent) res.end();
      else send(res, e.code, statusBody(e.code, e.reason, e.message, e.details));
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (this.opts.token !== undefined && req.headers.authorization !== `Bearer ${this.opts.token}`) throw new HttpError(401, 'Unauthorized', 'Unauthorized');
    const method = req.method ?? 'GET';
    const p = url.pathname.replace(/\/+$/, '');
    if (method === 'POST' && p === '/apis/authorization.k8s.io/v1/subjectaccessreviews') return this.subjectAccessReview(req, res);
    if (method !== 'GET') throw new HttpError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    const discovery: Record<string, Json> = {
      '/version': versionInfo,
      '/api': coreVersions(`127.0.0.1:${(this.server.address() as AddressInfo).port}`),
      '/api/v1': coreV1Resources,
      '/apis': apiGroups,
      '/apis/authorization.k8s.io/v1': authorizationV1Resources,
    };
    const doc = discovery[p];
    if (doc !== undefined) return send(res, 200, doc);
    const m = /^\/api\/v1\/(?:namespaces\/([^/]+)\/(pods)(?:\/([^/]+))?|(pods|nodes|namespaces)(?:\/([^/]+))?)$/.exec(p);
    if (m === null) throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    const resource = (m[2] ?? m[4]) as Resource;
    const namespace = m[1];
    const name = m[3] ?? m[5];
    if (m[4] === 'pods' && name !== undefined) throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
    if (name !== undefined) return this.getOne(req, res, url, resource, name, namespace);
    let filter: ObjectFilter;
    try {
      filter = parseObjectFilter(resource, namespace, url.searchParams);
    } catch (err) {
      if (err instanceof SelectorError) throw new HttpError(400, 'BadRequest', err.message);
      throw err;
    }
    const watch = url.searchParams.get('watch');
    if (watch === 'true' || watch === '1') return this.watch(req, res, url, resource, filter);
    return this.list(req, res, url, resource, filter);
  }

  private getOne(req: IncomingMessage, res: ServerResponse, url: URL, resource: Resource, name: string, namespace: string | undefined): void {
    const o = this.store.get(resource, name, namespace);
    if (o === undefined) throw new HttpError(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });
    const kind = resourceInfo[resource].kind;
    if (wantsTable(req.headers.accept)) {
      return send(res, 200, toTable(resource, [o], { includeObject: includeObjectOf(url), resourceVersion: o.metadata.resourceVersion ?? '', withColumns: true, now: this.now(), kind }));
    }
    send(res, 200, { kind, apiVersion: 'v1', ...o });
  }

  private list(req: IncomingMessage, res: ServerResponse, url: URL, resource: Resource, filter: ObjectFilter): void {
    const kind = resourceInfo[resource].kind;
    const all = this.store
      .list(resource)
      .filter((o) => filterMatches(filter, o))
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    let start = 0;
    const cont = url.searchParams.get('continue');
    let rv = this.store.resourceVersion;
    if (cont !== null && cont !== '') {
      const token = parseContinue(cont);
      if (token.rv < this.store.oldestResourceVersion - 1) {
        throw new HttpError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      rv = token.rv;
      start = all.findIndex((o) => keyOf(o) > token.after);
      if (start < 0) start = all.length;
    }
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const page = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
    const rest = all.length - start - page.length;
    const last = page[page.length - 1];
    const metadata: Json = { resourceVersion: String(rv) };
    if (rest > 0 && last !== undefined) {
      metadata.continue = Buffer.from(JSON.stringify({ rv, after: keyOf(last) })).toString('base64url');
      metadata.remainingItemCount = rest;
    }
    if (wantsTable(req.headers.accept)) {
      const table = toTable(resource, page, { includeObject: includeObjectOf(url), resourceVersion: String(rv), withColumns: true, now: this.now(), kind });
      return send(res, 200, { ...table, metadata });
    }
    send(res, 200, { kind: `${kind}List`, apiVersion: 'v1', metadata, items: page });
  }

  private watch(req: IncomingMessage, res: ServerResponse, url: URL, resource: Resource, filter: ObjectFilter): void {
    const rvParam = url.searchParams.get('resourceVersion');
    let replay: StoredEvent[] | undefined;
    if (rvParam !== null && rvParam !== '' && rvParam !== '0') {
      const from = Number(rvParam);
      if (!Number.isSafeInteger(from) || from < 0) throw new HttpError(400, 'BadRequest', `invalid resource version: ${rvParam}`);
      try {
        replay = this.store.eventsSince(from);
      } catch (err) {
        if (!(err instanceof ExpiredError)) throw err;
        if (this.opts.expiredWatch === 'status') throw new HttpError(410, 'Expired', err.message);
        return this.watches.expired(res, err.message);
      }
    }
    const requested = Number(url.searchParams.get('timeoutSeconds') ?? Infinity) || Infinity;
    this.watches.open(res, {
      resource,
      filter,
      table: wantsTable(req.headers.accept) ? includeObjectOf(url) : undefined,
      bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
      replay,
      timeoutSeconds: Math.min(requested, this.opts.maxWatchSeconds ?? 1800),
    });
  }

  private async subjectAccessReview(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'BadRequest', 'the request body is not JSON');
    }
    const parsed = SubjectAccessReviewRequest.safeParse(raw);
    if (!parsed.success) throw new HttpError(400, 'BadRequest', `invalid SubjectAccessReview: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const verdict = review(this.accessRules, parsed.data.spec);
    send(res, 201, { ...parsed.data, metadata: { creationTimestamp: null }, status: verdict });
  }
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function includeObjectOf(url: URL): IncludeObject {
  const v = url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function parseContinue(token: string): { rv: number; after: string } {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (v !== null && typeof v === 'object' && 'rv' in v && 'after' in v && typeof v.rv === 'number' && typeof v.after === 'string') return { rv: v.rv, after: v.after };
  } catch {
    // fall through
  }
  throw new HttpError(400, 'BadRequest', 'continue key is not valid');
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private' });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'RequestEntityTooLarge', 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
