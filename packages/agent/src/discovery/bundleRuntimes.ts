import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DockerConfigV2, OciBundleConfig, StringMap, parseJsonWith } from './runtimeSchemas.ts';
import { imageFromAnnotations } from './k8sIdentity.ts';
import type { RuntimeRecord, RuntimeResolver } from './runtimeRecord.ts';
import { parseTime } from './runtimeRecord.ts';

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

async function readBundle(path: string): Promise<OciBundleConfig | null> {
  const text = await readText(path);
  return text === null ? null : parseJsonWith(OciBundleConfig, text);
}

/** containerd: OCI bundles under /run/containerd/io.containerd.runtime.v2.task/<namespace>/<id>/config.json. */
export class ContainerdBundles implements RuntimeResolver {
  readonly runtime = 'containerd' as const;
  constructor(private readonly hostRoot: string) {}

  async lookup(id: string): Promise<RuntimeRecord | null> {
    const taskDir = join(this.hostRoot, 'run/containerd/io.containerd.runtime.v2.task');
    let namespaces: string[];
    try {
      namespaces = await readdir(taskDir);
    } catch {
      return null;
    }
    for (const ns of namespaces) {
      const bundle = await readBundle(join(taskDir, ns, id, 'config.json'));
      if (!bundle) continue;
      const annotations = bundle.annotations ?? {};
      return {
        id,
        name: annotations['io.kubernetes.cri.container-name'] ?? id.slice(0, 12),
        runtime: 'containerd',
        image: imageFromAnnotations(annotations) ?? '',
        labels: {},
        annotations,
      };
    }
    return null;
  }
}

/** CRI-O: OCI bundles under /run/containers/storage/overlay-containers/<id>/userdata/config.json. */
export class CrioBundles implements RuntimeResolver {
  readonly runtime = 'cri-o' as const;
  constructor(private readonly hostRoot: string) {}

  async lookup(id: string): Promise<RuntimeRecord | null> {
    for (const root of ['run/containers/storage', 'var/lib/containers/storage']) {
      const bundle = await readBundle(join(this.hostRoot, root, 'overlay-containers', id, 'userdata/config.json'));
      if (!bundle) continue;
      const annotations = bundle.annotations ?? {};
      // Rootful podman shares this storage layout; podman containers are resolved by PodmanCli.
      if (annotations['io.container.manager'] === 'libpod') return null;
      const labelsJson = annotations['io.kubernetes.cri-o.Labels'];
      const labels = labelsJson === undefined ? {} : (parseJsonWith(StringMap, labelsJson) ?? {});
      const record: RuntimeRecord = {
        id,
        name: labels['io.kubernetes.container.name'] ?? annotations['io.kubernetes.cri-o.ContainerName'] ?? id.slice(0, 12),
        runtime: 'cri-o',
        image: imageFromAnnotations(annotations) ?? '',
        labels,
        annotations,
      };
      const started = parseTime(annotations['io.kubernetes.cri-o.Created']);
      if (started !== undefined) record.startedAt = started;
      return record;
    }
    return null;
  }
}

/** Docker: /var/lib/docker/containers/<id>/config.v2.json. */
export class DockerFiles implements RuntimeResolver {
  readonly runtime = 'docker' as const;
  constructor(private readonly hostRoot: string) {}

  async lookup(id: string): Promise<RuntimeRecord | null> {
    const text = await readText(join(this.hostRoot, 'var/lib/docker/containers', id, 'config.v2.json'));
    const cfg = text === null ? null : parseJsonWith(DockerConfigV2, text);
    if (!cfg) return null;
    const record: RuntimeRecord = {
      id: cfg.ID,
      name: (cfg.Name ?? '').replace(/^\//, '') || id.slice(0, 12),
      runtime: 'docker',
      image: cfg.Config?.Image ?? '',
      labels: cfg.Config?.Labels ?? {},
      annotations: {},
    };
    if (cfg.State?.Pid !== undefined && cfg.State.Pid > 0) record.pid = cfg.State.Pid;
    const started = parseTime(cfg.State?.StartedAt);
    if (started !== undefined) record.startedAt = started;
    return record;
  }
}
