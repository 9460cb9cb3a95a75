import type { InventoryResponse } from '@podscope/protocol';
import type { AgentRegistry } from '../agentRegistry.ts';
import { RoleFileReviewer } from '../authz/roleFile.ts';
import { runAuthorizer } from '../authz/runAuthorizer.ts';
import type { AccessReviewer } from '../authz/accessReview.ts';
import type { HubConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { RunManager } from '../runManager.ts';
import type { ClusterMode } from './clusterMode.ts';

export interface ClusterSupport {
  /** What `GET /api/inventory` answers: the cluster's pods joined with the agents' containers, or the agents' alone. */
  inventory(): InventoryResponse;
  close(): Promise<void>;
}

/**
 * Cluster mode when PODSCOPE_KUBECONFIG is set (inventory and placement from the API server, SubjectAccessReviews);
 * otherwise the embedded default: the agents' discovery, and the role file when PODSCOPE_ROLES is set.
 */
export async function startClusterSupport(config: Pick<HubConfig, 'cluster' | 'rolesFile' | 'captures'>, deps: { registry: AgentRegistry; runs: RunManager; logger: Logger }): Promise<ClusterSupport> {
  const { registry, runs, logger } = deps;
  let mode: ClusterMode | undefined;
  let reviewer: AccessReviewer | undefined;
  if (config.cluster !== undefined) {
    // client-node costs ~0.7 s and ~70 MB to load: only cluster mode pays for it.
    const [{ startClusterMode }, { SubjectAccessReviewer }] = await Promise.all([import('./clusterMode.ts'), import('../authz/subjectAccessReviewer.ts')]);
    mode = await startClusterMode(config.cluster, deps);
    reviewer = new SubjectAccessReviewer(mode.kubeConfig);
  } else if (config.rolesFile !== undefined) {
    reviewer = await RoleFileReviewer.load(config.rolesFile);
  }
  if (reviewer !== undefined) {
    const isPayload = (gadget: string): boolean => registry.gadgetCatalog().get(gadget)?.payload === true || config.captures.payloadGadgets.includes(gadget);
    runs.setAuthorizer(runAuthorizer(reviewer, isPayload));
    logger.info(`runs are authorized by ${reviewer.kind === 'kubernetes' ? 'Kubernetes SubjectAccessReviews' : `the role file ${config.rolesFile ?? ''}`}`);
  }
  return {
    inventory: () => mode?.inventory() ?? { ...registry.inventory(), source: 'agents' },
    close: async () => mode?.close(),
  };
}
