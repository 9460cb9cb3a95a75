// The test API server's state: versioned objects per resource and the event history that watches replay.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  [key: string]: unknown;
}

/** An object as JSON, the way the API server stores and returns it. */
export interface KubeObject {
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

export type Resource = 'pods' | 'nodes' | 'namespaces';
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  rv: number;
  resource: Resource;
  type: WatchEventType;
  object: KubeObject;
  /** The object before this change (for selector transitions: a watch with a selector sees a DELETED when it stops matching). */
  previous: KubeObject | undefined;
}

export const resourceInfo: Record<Resource, { kind: string; namespaced: boolean }> = {
  pods: { kind: 'Pod', namespaced: true },
  nodes: { kind: 'Node', namespaced: false },
  namespaces: { kind: 'Namespace', namespaced: false },
};

const keyOf = (meta: ObjectMeta): string => `${meta.namespace ?? ''}/${meta.name}`;

/** Thrown when a resourceVersion older than the compacted history is asked for (HTTP 410, reason Expired). */
export class ExpiredError extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

let uidCounter = 0;
const newUid = (): string => {
  const n = (++uidCounter).toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${n}`;
};

/**
 * Objects and a bounded history of changes, all under one resourceVersion counter like etcd's revision.
 * `compact()` forgets the history, so a watch from before it gets 410 Expired and its client must relist.
 */
export class ObjectStore {
  private rv = 1;
  private readonly objects = new Map<Resource, Map<string, KubeObject>>([
    ['pods', new Map()],
    ['nodes', new Map()],
    ['namespaces', new Map()],
  ]);
  private history: StoredEvent[] = [];
  /** The oldest resourceVersion a watch may still start from. */
  private oldest = 1;
  private readonly listeners = new Set<(e: StoredEvent) => void>();

  constructor(
    private readonly maxHistory = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get resourceVersion(): number {
    return this.rv;
  }

  get oldestResourceVersion(): number {
    return this.oldest;
  }

  list(resource: Resource): KubeObject[] {
    return [...this.objects.get(resource)!.values()];
  }

  get(resource: Resource, name: string, namespace?: string): KubeObject | undefined {
    return this.objects.get(resource)!.get(`${namespace ?? ''}/${name}`);
  }

  /** Creates or replaces an object; fills uid, creationTimestamp and a new resourceVersion. */
  apply(resource: Resource, object: KubeObject): KubeObject {
    const map = this.objects.get(resource)!;
    const key = keyOf(object.metadata);
    const previous = map.get(key);
    const rv = ++this.rv;
    const stored: KubeObject = structuredClone(object);
    stored.metadata = {
      ...stored.metadata,
      uid: previous?.metadata.uid ?? stored.metadata.uid ?? newUid(),
      creationTimestamp: previous?.metadata.creationTimestamp ?? stored.metadata.creationTimestamp ?? new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
      resourceVersion: String(rv),
    };
    map.set(key, stored);
    this.record({ rv, resource, type: previous === undefined ? 'ADDED' : 'MODIFIED', object: stored, previous });
    return stored;
  }

  /** Deletes an object; returns it (with the deletion's resourceVersion) or undefined when there was none. */
  delete(resource: Resource, name: string, namespace?: string): KubeObject | undefined {
    const map = this.objects.get(resource)!;
    const key = `${namespace ?? ''}/${name}`;
    const previous = map.get(key);
    if (previous === undefined) return undefined;
    map.delete(key);
    const rv = ++this.rv;
    const object = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(rv) } };
    this.record({ rv, resource, type: 'DELETED', object, previous });
    return object;
  }

  /** Changes after `fromRv` (exclusive); throws ExpiredError when they were compacted away. */
  eventsSince(fromRv: number): StoredEvent[] {
    if (fromRv < this.oldest - 1) throw new ExpiredError(fromRv, this.oldest);
    return this.history.filter((e) => e.rv > fromRv);
  }

  /** Forgets all history: a watch from an older resourceVersion gets 410 Expired. */
  compact(): void {
    this.history = [];
    this.oldest = this.rv + 1;
  }

  subscribe(listener: (e: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(event: StoredEvent): void {
    this.history.push(event);
    if (this.history.length > this.maxHistory) {
      const dropped = this.history.splice(0, this.history.length - this.maxHistory);
      this.oldest = (dropped[dropped.length - 1]?.rv ?? this.oldest) + 1;
    }
    for (const l of this.listeners) l(event);
  }
}
