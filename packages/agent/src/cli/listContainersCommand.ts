import type { ContainerInfo } from '@podscope/protocol';
import type { ContainerIndex } from '../discovery/containerIndex.ts';

const pad = (s: string, w: number): string => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w)) + ' ';

function row(c: ContainerInfo): string {
  return pad(c.runtime, 10) + pad(c.id.slice(0, 12), 12) + pad(c.name, 20) + pad(c.k8s?.namespace ?? '', 14) + pad(c.k8s?.podName ?? '', 16) + pad(c.k8s?.containerName ?? '', 14) + pad(String(c.pid ?? ''), 7) + pad(String(c.mntns ?? ''), 11) + c.image;
}

/** `podscope-agent list-containers`: what discovery sees on this node. */
export async function listContainers(index: ContainerIndex, output: 'columns' | 'json'): Promise<void> {
  await index.start();
  index.stop();
  const containers = index.list();
  if (output === 'json') {
    for (const c of containers) process.stdout.write(JSON.stringify(c) + '\n');
    return;
  }
  process.stdout.write(`host mntns: ${index.hostMntns ?? 'unknown'}\n`);
  process.stdout.write(pad('RUNTIME', 10) + pad('ID', 12) + pad('NAME', 20) + pad('NAMESPACE', 14) + pad('POD', 16) + pad('CONTAINER', 14) + pad('PID', 7) + pad('MNTNS', 11) + 'IMAGE\n');
  for (const c of containers) process.stdout.write(row(c) + '\n');
}
