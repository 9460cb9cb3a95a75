import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { waitFor } from '../hubTestKit.ts';
import { ClusterInventory, loadKubeConfig } from './clusterInventory.ts';
import { namespace, node, pod } from './testing/fixtures.ts';
import { TestApiServer } from './testing/testApiServer.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function follow(): Promise<{ k8s: TestApiServer; cluster: ClusterInventory }> {
  const k8s = await TestApiServer.start({ bookmarkIntervalMs: 0 });
  cleanups.push(() => k8s.close());
  k8s.apply('namespaces', namespace('demo'));
  k8s.apply('pods', pod({ namespace: 'demo', name: 'web-1', node: 'node-a' }));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'podscope-informer-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await k8s.writeKubeconfig(path.join(dir, 'kubeconfig'));
  const cluster = new ClusterInventory(loadKubeConfig({ kind: 'kubeconfig', path: path.join(dir, 'kubeconfig') }), silentLogger);
  cleanups.push(() => cluster.close());
  await cluster.start();
  expect(cluster.synced).toBe(true);
  expect(cluster.snapshot().pods.map((p) => p.name)).toEqual(['web-1']);
  return { k8s, cluster };
}

const podLists = (k8s: TestApiServer): number => k8s.requests.filter((r) => r.path === '/api/v1/pods' && r.query.watch === undefined).length;
const podWatches = (k8s: TestApiServer): number => k8s.requests.filter((r) => r.path === '/api/v1/pods' && r.query.watch === 'true').length;

it('asks for bookmarks, which keep its resourceVersion fresh so a reconnect after a compaction needs no relist', async () => {
  const { k8s, cluster } = await follow();
  expect(k8s.requests.find((r) => r.path === '/api/v1/pods' && r.query.watch === 'true')?.query).toMatchObject({ allowWatchBookmarks: 'true' });
  k8s.apply('nodes', node('node-a')); // moves the store's resourceVersion past the pods informer's
  await waitFor('pods watch', () => k8s.watchCount('pods') === 1);
  k8s.sendBookmarks();
  await waitFor('bookmark seen', () => cluster.resourceVersions().pods === String(k8s.store.resourceVersion));
  const lists = podLists(k8s);
  const watches = podWatches(k8s);
  k8s.closeWatches();
  k8s.compact();
  await waitFor('watch re-opened', () => podWatches(k8s) === watches + 1 && k8s.watchCount('pods') === 1);
  expect(podLists(k8s)).toBe(lists);
});

it('relists when its resourceVersion was compacted away (no bookmark), and reports deletions it missed', async () => {
  const { k8s, cluster } = await follow();
  await waitFor('pods watch', () => k8s.watchCount('pods') === 1);
  const lists = podLists(k8s);
  k8s.closeWatches();
  k8s.delete('pods', 'web-1', 'demo');
  k8s.apply('pods', pod({ namespace: 'demo', name: 'web-2' }));
  k8s.compact();
  await waitFor('relisted', () => cluster.snapshot().pods.map((p) => p.name).join() === 'web-2');
  expect(podLists(k8s)).toBe(lists + 1);
});

it('retries with backoff when the API server refuses it', async () => {
  const k8s = await TestApiServer.start({ token: 'right', bookmarkIntervalMs: 0 });
  cleanups.push(() => k8s.close());
  k8s.apply('pods', pod({ namespace: 'demo', name: 'web-1' }));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'podscope-informer-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await k8s.writeKubeconfig(path.join(dir, 'kubeconfig'), 'wrong');
  const warnings: string[] = [];
  const cluster = new ClusterInventory(loadKubeConfig({ kind: 'kubeconfig', path: path.join(dir, 'kubeconfig') }), { info: () => undefined, warn: (m) => warnings.push(m) });
  cleanups.push(() => cluster.close());
  await cluster.start();
  expect(cluster.synced).toBe(false);
  await waitFor('a retry', () => podLists(k8s) >= 2);
  expect(warnings).toContain('kubernetes: pods informer failed (HTTP-Code: 401; Message: Unauthorized); retrying in 500 ms');
});
