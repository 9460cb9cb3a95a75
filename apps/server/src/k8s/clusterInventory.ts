import { CoreV1Api, KubeConfig, ListWatch, Watch, type KubernetesObject, type V1Namespace, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { PodscopeError } from '@podscope/protocol';
import type { Logger } from '../logger.ts';
import { clusterPodOf, namespaceNameOf, nodeNameOf, type ClusterPod } from './clusterPods.ts';
import type { ClusterSnapshot } from './clusterView.ts';

/** `in-cluster` (the pod's service account) or the path of a kubeconfig file. */
export type ClusterSource = { kind: 'in-cluster' } | { kind: 'kubeconfig'; path: string; context?: string | undefined };

export function loadKubeConfig(source: ClusterSource): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (source.kind === 'in-cluster') kc.loadFromCluster();
    else {
      kc.loadFromFile(source.path);
      if (source.context !== undefined) kc.setCurrentContext(source.context);
    }
  } catch (err) {
    throw new PodscopeError('bad_request', `cannot load the Kubernetes configuration: ${err instanceof Error ? err.message : String(err)}`, { source });
  }
  if (kc.getCurrentCluster() === null) throw new PodscopeError('bad_request', 'the Kubernetes configuration names no current cluster', { source });
  return kc;
}

/** client-node's Watch, asking for bookmarks (they keep the informer's resourceVersion fresh, so a reconnect needs no relist). */
class BookmarkWatch extends Watch {
  override watch(path: string, queryParams: Record<string, unknown>, callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void, done: (err: unknown) => void): Promise<AbortController> {
    return super.watch(path, { ...queryParams, allowWatchBookmarks: true, timeoutSeconds: 300 }, callback, done);
  }
}

const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;

/**
 * Namespaces, pods and nodes followed with client-node informers (list, then watch from the list's resourceVersion;
 * a 410 Expired makes the informer relist). An informer that fails otherwise is restarted with backoff.
 */
export class ClusterInventory {
  private readonly informers: { name: string; lw: ListWatch<KubernetesObject>; synced: boolean; backoff: number; timer: NodeJS.Timeout | undefined }[] = [];
  private readonly listeners = new Set<() => void>();
  private cached: ClusterSnapshot | undefined;
  private notifyTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly pods: ListWatch<V1Pod>;
  private readonly nodes: ListWatch<V1Node>;
  private readonly namespaces: ListWatch<V1Namespace>;

  constructor(
    kc: KubeConfig,
    private readonly logger: Logger,
  ) {
    const core = kc.makeApiClient(CoreV1Api);
    const watch = new BookmarkWatch(kc);
    this.pods = new ListWatch<V1Pod>('/api/v1/pods', watch, () => core.listPodForAllNamespaces(), false);
    this.nodes = new ListWatch<V1Node>('/api/v1/nodes', watch, () => core.listNode(), false);
    this.namespaces = new ListWatch<V1Namespace>('/api/v1/namespaces', watch, () => core.listNamespace(), false);
    for (const [name, lw] of [
      ['pods', this.pods],
      ['nodes', this.nodes],
      ['namespaces', this.namespaces],
    ] as const) {
      const entry = { name, lw: lw as ListWatch<KubernetesObject>, synced: false, backoff: RESTART_MIN_MS, timer: undefined as NodeJS.Timeout | undefined };
      this.informers.push(entry);
      const changed = (): void => this.changed();
      entry.lw.on('add', changed);
      // Every successful list or watch event resets the retry backoff.
      entry.lw.on('change', () => (entry.backoff = RESTART_MIN_MS));
      entry.lw.on('update', changed);
      entry.lw.on('delete', changed);
      entry.lw.on('connect', () => {
        if (entry.lw.latestResourceVersion() !== '') entry.synced = true;
      });
      entry.lw.on('error', (err: unknown) => this.restartLater(entry, err));
    }
  }

  /** Starts every informer; resolves once each has listed (or failed and been scheduled to retry). */
  async start(): Promise<void> {
    await Promise.all(
      this.informers.map(async (i) => {
        await i.lw.start();
        this.changed();
      }),
    );
  }

  /** Whether every informer has listed at least once. */
  get synced(): boolean {
    return this.informers.every((i) => i.lw.latestResourceVersion() !== '' || i.synced);
  }

  snapshot(): ClusterSnapshot {
    this.cached ??= {
      pods: this.pods.list().flatMap((p) => clusterPodOf(p) ?? []),
      nodes: this.nodes.list().flatMap((n) => nodeNameOf(n) ?? []),
      namespaces: this.namespaces.list().flatMap((n) => namespaceNameOf(n) ?? []),
    };
    return this.cached;
  }

  /** Each informer's last seen resourceVersion (bookmarks advance it without any change to its objects). */
  resourceVersions(): Record<string, string> {
    return Object.fromEntries(this.informers.map((i) => [i.name, i.lw.latestResourceVersion()]));
  }

  pod(namespace: string, name: string): ClusterPod | undefined {
    const p = this.pods.get(name, namespace);
    return p === undefined ? undefined : clusterPodOf(p);
  }

  /** Called (coalesced, at most every 50 ms) after objects changed. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.notifyTimer);
    for (const i of this.informers) clearTimeout(i.timer);
    await Promise.all(this.informers.map((i) => i.lw.stop()));
  }

  private changed(): void {
    this.cached = undefined;
    if (this.notifyTimer !== undefined || this.closed) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      for (const l of this.listeners) l();
    }, 50);
    this.notifyTimer.unref();
  }

  private restartLater(entry: (typeof this.informers)[number], err: unknown): void {
    if (this.closed) return;
    // client-node's API errors span lines (code, message, body, headers): keep the first two, on one line.
    const message = (err instanceof Error ? err.message : String(err))
      .split('\n')
      .filter((l) => l.trim() !== '' && !/^(Body|Headers):/.test(l))
      .join('; ');
    this.logger.warn(`kubernetes: ${entry.name} informer failed (${message}); retrying in ${entry.backoff} ms`);
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (!this.closed) void entry.lw.start();
    }, entry.backoff);
    entry.timer.unref();
    entry.backoff = Math.min(entry.backoff * 2, RESTART_MAX_MS);
  }
}
