// Starts the test API server with a small demo cluster and writes a kubeconfig for it, so the hub's cluster mode and
// `kubectl` can be tried without a cluster:
//   tsx apps/server/src/k8s/testing/devApiServer.ts [kubeconfig-path] [node,...]
//   PODSCOPE_KUBECONFIG=<kubeconfig-path> bash scripts/run.sh
//   kubectl --kubeconfig <kubeconfig-path> get pods -A
import path from 'node:path';
import { namespace, node, pod } from './fixtures.ts';
import { TestApiServer } from './testApiServer.ts';

async function main(): Promise<void> {
  const file = path.resolve(process.argv[2] ?? '.podscope/kubeconfig-test');
  const nodes = (process.argv[3] ?? 'local').split(',').filter((n) => n !== '');
  const api = await TestApiServer.start();
  // The person trying it out is allowed everything.
  api.accessRules = [{ users: ['*'], namespaces: ['*'], verbs: ['*'], resources: ['*'] }];
  for (const n of nodes) api.apply('nodes', node(n));
  for (const ns of ['default', 'demo', 'kube-system']) api.apply('namespaces', namespace(ns));
  api.apply('pods', pod({ namespace: 'demo', name: 'web-1', node: nodes[0] ?? 'local', labels: { app: 'web' }, containers: [{ name: 'web' }] }));
  await api.writeKubeconfig(file);
  console.log(`test API server on ${api.url}; kubeconfig written to ${file}`);
  const stop = (): void => void api.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
