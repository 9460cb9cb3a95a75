import type { AgentConfig } from '../config.ts';
import { ContainerdBundles, CrioBundles, DockerFiles } from './bundleRuntimes.ts';
import { ContainerIndex } from './containerIndex.ts';
import { PodmanCli } from './podmanCli.ts';
import { ProcReader } from './procReader.ts';

export { ContainerIndex } from './containerIndex.ts';
export type { IndexChange, MntnsOwner } from './containerIndex.ts';

/** The node's container index with every runtime this agent knows, whichever are present. */
export function createContainerIndex(config: AgentConfig): ContainerIndex {
  return new ContainerIndex({
    node: config.node,
    proc: new ProcReader(config.procRoot),
    resolvers: [new ContainerdBundles(config.hostRoot), new CrioBundles(config.hostRoot), new DockerFiles(config.hostRoot), new PodmanCli()],
    rescanMs: config.rescanMs,
    exitedRetentionMs: config.exitedRetentionMs,
  });
}
