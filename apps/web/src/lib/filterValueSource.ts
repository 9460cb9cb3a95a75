import type { ContainerInfo, EventRecord } from '@podscope/protocol';
import type { ValueSource } from './filterCompletion.ts';
import { recentRows, topValues } from './valueStats.ts';

interface RowsLike {
  readonly firstIndex: number;
  readonly endIndex: number;
  get(abs: number): EventRecord | undefined;
}

/** Pod and container names the inventory knows, so a source filter can name them before any event arrived. */
function inventoryValues(containers: readonly ContainerInfo[], field: string): string[] {
  const pick = (c: ContainerInfo): string | undefined => {
    switch (field) {
      case 'k8s.namespace':
        return c.k8s?.namespace;
      case 'k8s.podName':
        return c.k8s?.podName;
      case 'k8s.containerName':
        return c.k8s?.containerName;
      case 'k8s.node':
        return c.node;
      case 'runtime.containerName':
        return c.name;
      case 'runtime.containerImageName':
        return c.image;
      default:
        return undefined;
    }
  };
  return [...new Set(containers.map(pick).filter((v): v is string => v !== undefined && v !== ''))];
}

/** Values to suggest: the most frequent among the newest rows held, then inventory names not seen yet. */
export function valueSourceOf(rows: RowsLike, containers: readonly ContainerInfo[] = [], sample = 5000): ValueSource {
  return (field) => {
    const seen = topValues(recentRows((i) => rows.get(i), rows.firstIndex, rows.endIndex, sample), field);
    const known = new Set(seen.map((v) => v.value));
    const extra = inventoryValues(containers, field).filter((v) => !known.has(v)).sort().map((value) => ({ value, count: 0 }));
    return [...seen, ...extra].slice(0, 20);
  };
}
