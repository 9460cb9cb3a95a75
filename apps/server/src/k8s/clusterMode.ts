import type { InventoryResponse } from '@podscope/protocol';
import type { AgentRegistry } from '../agentRegistry.ts';
import type { Logger } from '../logger.ts';
import type { RunManager } from '../runManager.ts';
import { ClusterInventory, loadKubeConfig, type ClusterSource } from './clusterInventory.ts';
import { matchingPods, mergeInventory, placeRun } from './clusterView.ts';
import type { KubeConfig } from '@kubernetes/client-node';

export interface ClusterMode {
  readonly kubeConfig: KubeConfig;
  readonly cluster: ClusterInventory;
  /** `GET /api/inventory` in cluster mode. */
  inventory(): InventoryResponse;
  close(): Promise<void>;
}

const FIRST_SYNC_WAIT_MS = 10_000;

/** Follows the cluster and makes the run manager place runs on the nodes of the pods they cover. */
export async function startClusterMode(source: ClusterSource, deps: { registry: AgentRegistry; runs: RunManager; logger: Logger }): Promise<ClusterMode> {
  const { registry, runs, logger } = deps;
  const kubeConfig = loadKubeConfig(source);
  const cluster = new ClusterInventory(kubeConfig, logger);
  runs.setPlacer({
    place: (sel) => {
      const pods = cluster.snapshot().pods;
      return { nodes: placeRun(sel, pods, registry.connectedNodes()), matched: matchingPods(sel, pods).length };
    },
  });
  const unsubscribe = cluster.onChange(() => runs.clusterChanged());
  // The hub starts even when the API server is slow or down; the informers keep retrying.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([cluster.start(), new Promise<void>((r) => (timer = setTimeout(r, FIRST_SYNC_WAIT_MS)))]);
  clearTimeout(timer);
  logger.info(`kubernetes: following ${kubeConfig.getCurrentCluster()?.server ?? '?'} (${cluster.synced ? 'listed' : 'not listed yet'})`);
  return {
    kubeConfig,
    cluster,
    inventory: () => mergeInventory(registry.inventory(), cluster.snapshot()),
    async close() {
      unsubscribe();
      await cluster.close();
    },
  };
}
