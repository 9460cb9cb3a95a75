import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../hubTestKit.ts';
import { namespace, node, pod } from './fixtures.ts';
import { TestApiServer } from './testApiServer.ts';

interface WatchEvent {
  type: string;
  object: { kind?: string; code?: number; reason?: string; metadata?: { name?: string; resourceVersion?: string }; rows?: unknown[] };
}

/** Opens a watch and collects its events line by line. */
function openWatch(url: string, headers: Record<string, string> = {}): { events: WatchEvent[]; status: Promise<number>; ended: Promise<void>; close(): void } {
  const events: WatchEvent[] = [];
  let close = (): void => {};
  let endedResolve = (): void => {};
  const ended = new Promise<void>((r) => (endedResolve = r));
  const status = new Promise<number>((resolve, reject) => {
    const req = get(url, { headers }, (res) => {
      resolve(res.statusCode ?? 0);
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)) as WatchEvent);
          buf = buf.slice(nl + 1);
        }
      });
      res.on('end', endedResolve);
      res.on('close', endedResolve);
    });
    req.on('error', reject);
    close = () => req.destroy();
  });
  return { events, status, ended, close: () => close() };
}

let api: TestApiServer;
let dir: string;
beforeEach(async () => {
  api = await TestApiServer.start({ bookmarkIntervalMs: 0 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'podscope-k8s-'));
  api.apply('nodes', node('node-a'));
  api.apply('namespaces', namespace('demo'));
  api.apply('pods', pod({ namespace: 'demo', name: 'web-1', node: 'node-a', labels: { app: 'web' }, containers: [{ name: 'web', id: 'containerd://aaa' }] }));
  api.apply('pods', pod({ namespace: 'demo', name: 'canary-1', node: 'node-b', labels: { app: 'web', canary: 'true' }, owner: { kind: 'ReplicaSet', name: 'canary-5d8f' } }));
});
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

const getJson = async (route: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(api.url + route, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const names = (body: Record<string, unknown>): string[] => (body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);

describe('test API server: list', () => {
  it('lists with a resourceVersion and filters by label and field selectors', async () => {
    const all = await getJson('/api/v1/pods');
    expect(all.body).toMatchObject({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(api.store.resourceVersion) } });
    expect(names(all.body).sort()).toEqual(['canary-1', 'web-1']);
    expect(names((await getJson(`/api/v1/pods?labelSelector=${encodeURIComponent('app=web,!canary')}`)).body)).toEqual(['web-1']);
    expect(names((await getJson('/api/v1/namespaces/demo/pods?fieldSelector=spec.nodeName%3Dnode-b')).body)).toEqual(['canary-1']);
    expect(names((await getJson('/api/v1/namespaces/other/pods')).body)).toEqual([]);
    const bad = await getJson('/api/v1/pods?fieldSelector=spec.bogus%3Dx');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'field label not supported: spec.bogus' });
    const missing = await getJson('/api/v1/namespaces/demo/pods/nope');
    expect(missing).toMatchObject({ status: 404, body: { kind: 'Status', reason: 'NotFound', code: 404 } });
  });

  it('pages with limit/continue, and answers 410 Expired for a continue token from before a compaction', async () => {
    const first = await getJson('/api/v1/pods?limit=1');
    const meta = first.body.metadata as { continue: string; remainingItemCount: number };
    expect(names(first.body)).toEqual(['canary-1']);
    expect(meta.remainingItemCount).toBe(1);
    expect(names((await getJson(`/api/v1/pods?limit=1&continue=${meta.continue}`)).body)).toEqual(['web-1']);
    api.apply('pods', pod({ namespace: 'demo', name: 'db-1' }));
    api.compact();
    const gone = await getJson(`/api/v1/pods?limit=1&continue=${meta.continue}`);
    expect(gone).toMatchObject({ status: 410, body: { kind: 'Status', reason: 'Expired', code: 410 } });
  });

  it('serves Tables to clients that ask for them', async () => {
    const t = await getJson('/api/v1/pods', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(t.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    const rows = t.body.rows as { cells: unknown[]; object: { metadata: { namespace: string } } }[];
    expect(rows.map((r) => r.cells.slice(0, 3))).toEqual([
      ['canary-1', '0/1', 'ContainerCreating'],
      ['web-1', '1/1', 'Running'],
    ]);
    expect(rows[0]?.object.metadata.namespace).toBe('demo');
  });

  it('requires the bearer token when one is configured', async () => {
    const locked = await TestApiServer.start({ token: 'sekrit', bookmarkIntervalMs: 0 });
    try {
      expect((await fetch(`${locked.url}/api/v1/pods`)).status).toBe(401);
      expect((await fetch(`${locked.url}/api/v1/pods`, { headers: { authorization: 'Bearer sekrit' } })).status).toBe(200);
    } finally {
      await locked.close();
    }
  });
});

describe('test API server: watch', () => {
  it('streams ADDED/MODIFIED/DELETED after a resourceVersion, with selector transitions and bookmarks', async () => {
    const rv = api.store.resourceVersion;
    const w = openWatch(`${api.url}/api/v1/pods?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&labelSelector=app%3Dweb`);
    expect(await w.status).toBe(200);
    await waitFor('watch registered', () => api.watchCount('pods') === 1);
    api.apply('pods', pod({ namespace: 'demo', name: 'web-2', labels: { app: 'web' } }));
    api.apply('pods', pod({ namespace: 'demo', name: 'web-2', labels: { app: 'web' }, node: 'node-a', containers: [{ name: 'main', id: 'cri-o://bbb' }] }));
    api.apply('pods', pod({ namespace: 'demo', name: 'web-2', labels: { app: 'other' } })); // leaves the selector
    api.apply('pods', pod({ namespace: 'demo', name: 'db-1', labels: { app: 'db' } })); // never matched: not seen
    api.delete('pods', 'web-1', 'demo');
    api.sendBookmarks();
    await waitFor('5 events', () => w.events.length >= 5);
    w.close();
    expect(w.events.map((e) => `${e.type}:${e.object.metadata?.name ?? ''}`)).toEqual(['ADDED:web-2', 'MODIFIED:web-2', 'DELETED:web-2', 'DELETED:web-1', 'BOOKMARK:']);
    expect(w.events[0]?.object.kind).toBe('Pod');
    expect(w.events[4]?.object.metadata?.resourceVersion).toBe(String(api.store.resourceVersion));
    const rvs = w.events.slice(0, 4).map((e) => Number(e.object.metadata?.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
  });

  it('replays changes a client missed, and sends synthetic ADDED events without a resourceVersion', async () => {
    const rv = api.store.resourceVersion;
    api.delete('pods', 'canary-1', 'demo');
    const resumed = openWatch(`${api.url}/api/v1/namespaces/demo/pods?watch=1&resourceVersion=${rv}`);
    await waitFor('replayed event', () => resumed.events.length === 1);
    expect(resumed.events[0]).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'canary-1' } } });
    resumed.close();
    const fresh = openWatch(`${api.url}/api/v1/pods?watch=true`);
    await waitFor('synthetic ADDED', () => fresh.events.length === 1);
    expect(fresh.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'web-1' } } });
    fresh.close();
  });

  it('answers a watch from a compacted resourceVersion with 410 Expired (as an ERROR event, or as HTTP 410)', async () => {
    const old = api.store.resourceVersion;
    api.apply('pods', pod({ namespace: 'demo', name: 'web-3' }));
    api.compact();
    const w = openWatch(`${api.url}/api/v1/pods?watch=true&resourceVersion=${old}`);
    expect(await w.status).toBe(200);
    await w.ended;
    expect(w.events).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) as unknown }]);

    const strict = await TestApiServer.start({ expiredWatch: 'status', bookmarkIntervalMs: 0 });
    try {
      strict.apply('namespaces', namespace('a'));
      strict.compact();
      const res = await fetch(`${strict.url}/api/v1/namespaces?watch=true&resourceVersion=1`);
      expect(res.status).toBe(410);
      expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'Expired' });
    } finally {
      await strict.close();
    }
  });
});

describe('the real kubectl against the test API server', () => {
  const kubectl = (kubeconfig: string, args: string[]): string[] => ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args];
  // Asynchronous: the API server answering kubectl runs in this process's event loop.
  const run = (args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = execFile('/usr/bin/kubectl', args, { encoding: 'utf8', timeout: 30_000 }, (_err, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }));
    });

  it('get pods -A prints NAME/READY/STATUS rows', async () => {
    const kc = path.join(dir, 'kubeconfig');
    await api.writeKubeconfig(kc);
    const r = await run(kubectl(kc, ['get', 'pods', '-A']));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => l.split(/\s+/));
    expect(lines[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(lines.slice(1).map((l) => l.slice(0, 4))).toEqual([
      ['demo', 'canary-1', '0/1', 'ContainerCreating'],
      ['demo', 'web-1', '1/1', 'Running'],
    ]);
    const wide = await run(kubectl(kc, ['get', 'pods', '-n', 'demo', '-l', 'app=web,!canary', '-o', 'wide']));
    expect(wide.stdout).toMatch(/^web-1\s+1\/1\s+Running\s+0\s+\S+\s+<none>\s+node-a\s/m);
    expect(wide.stdout).not.toContain('canary-1');
    const nodes = await run(kubectl(kc, ['get', 'nodes']));
    expect(nodes.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\nnode-a\s+Ready\s+<none>\s+\S+\s+v1\.32\.0\n$/);
  });

  it('get pods -w prints the list, then a row per change', async () => {
    const kc = path.join(dir, 'kubeconfig');
    await api.writeKubeconfig(kc);
    const child = spawn('/usr/bin/kubectl', kubectl(kc, ['get', 'pods', '-n', 'demo', '-w']), { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor('the initial list', () => /web-1/.test(out), 30_000);
    await waitFor('kubectl watching', () => api.watchCount('pods') === 1, 30_000);
    api.apply('pods', pod({ namespace: 'demo', name: 'db-1', node: 'node-a' }));
    api.apply('pods', pod({ namespace: 'demo', name: 'db-1', node: 'node-a', containers: [{ name: 'main', id: 'containerd://ccc' }] }));
    await waitFor('the watch rows', () => /db-1\s+1\/1\s+Running/.test(out), 30_000);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ['canary-1', '0/1', 'ContainerCreating'],
      ['web-1', '1/1', 'Running'],
      ['db-1', '0/1', 'ContainerCreating'],
      ['db-1', '1/1', 'Running'],
    ]);
    expect(err).toBe('');
  });
});

it('kubectl is installed (the tests above run the real one)', () => {
  expect(spawnSync('/usr/bin/kubectl', ['version', '--client'], { encoding: 'utf8' }).status).toBe(0);
});
