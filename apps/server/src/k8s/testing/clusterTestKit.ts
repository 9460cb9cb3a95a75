// Test helper: a real hub in cluster mode, following a test API server through a kubeconfig.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { login, startTestHub, type TestHub } from '../../hubTestKit.ts';
import { TestApiServer, type TestApiServerOptions } from './testApiServer.ts';

export interface ClusterTestHub {
  hub: TestHub;
  k8s: TestApiServer;
  /** The admin's session cookie. */
  cookie: string;
  stop(): Promise<void>;
}

/** Starts the test API server, lets `setUp` fill it, then starts a hub with PODSCOPE_KUBECONFIG pointing at it. */
export async function startClusterTestHub(setUp: (k8s: TestApiServer) => void, opts: TestApiServerOptions = {}): Promise<ClusterTestHub> {
  const k8s = await TestApiServer.start({ bookmarkIntervalMs: 0, ...opts });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'podscope-cluster-'));
  const stopK8s = async (): Promise<void> => {
    await k8s.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    setUp(k8s);
    await k8s.writeKubeconfig(path.join(dir, 'kubeconfig'));
    const hub = await startTestHub({}, { PODSCOPE_KUBECONFIG: path.join(dir, 'kubeconfig') });
    return {
      hub,
      k8s,
      cookie: await login(hub),
      async stop() {
        await hub.stop();
        await stopK8s();
      },
    };
  } catch (err) {
    await stopK8s();
    throw err;
  }
}
