import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OciBundleConfig, PodmanInfo, PodmanInspect, PodmanPs, parseJsonWith } from './runtimeSchemas.ts';
import type { PodmanInspectEntry, PodmanPsEntry } from './runtimeSchemas.ts';
import type { RuntimeRecord, RuntimeResolver } from './runtimeRecord.ts';
import { parseTime } from './runtimeRecord.ts';

/** Runs a command and returns stdout, or null when it fails; podman inherits CONTAINERS_CONF/CONTAINERS_STORAGE_CONF. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<string | null>;

export const execCommand: CommandRunner = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { timeout: 5000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout) => resolve(err ? null : stdout));
  });

/** Podman, through its CLI (its state database is private), plus the OCI bundle for annotations. */
export class PodmanCli implements RuntimeResolver {
  readonly runtime = 'podman' as const;
  private available: boolean | undefined;
  private roots: string[] | undefined;

  constructor(private readonly run: CommandRunner = execCommand, private readonly podman = 'podman') {}

  async lookup(id: string): Promise<RuntimeRecord | null> {
    if (this.available === false) return null;
    const out = await this.run(this.podman, ['inspect', '--type', 'container', id]);
    if (out === null) {
      if (this.available === undefined) this.available = (await this.run(this.podman, ['--version'])) !== null;
      return null;
    }
    this.available = true;
    const entry = parseJsonWith(PodmanInspect, out)?.[0];
    return entry ? await this.fromInspect(entry) : null;
  }

  /** All containers podman knows (running or not), for `list-containers`. */
  async list(): Promise<RuntimeRecord[]> {
    const out = await this.run(this.podman, ['ps', '--all', '--format', 'json']);
    const entries = out === null ? null : parseJsonWith(PodmanPs, out);
    return (entries ?? []).filter((e) => e.IsInfra !== true).map(fromPs);
  }

  private async fromInspect(e: PodmanInspectEntry): Promise<RuntimeRecord> {
    const annotations = { ...(await this.bundleAnnotations(e)), ...(e.Config?.Annotations ?? {}) };
    const record: RuntimeRecord = {
      id: e.Id,
      name: e.Name ?? e.Id.slice(0, 12),
      runtime: 'podman',
      image: e.ImageName ?? '',
      labels: e.Config?.Labels ?? {},
      annotations,
    };
    if (e.State?.Pid !== undefined && e.State.Pid > 0) record.pid = e.State.Pid;
    const started = parseTime(e.State?.StartedAt);
    if (started !== undefined) record.startedAt = started;
    return record;
  }

  private async bundleAnnotations(e: PodmanInspectEntry): Promise<Record<string, string>> {
    const candidates = e.OCIConfigPath !== undefined ? [e.OCIConfigPath] : (await this.storageRoots()).map((r) => join(r, 'overlay-containers', e.Id, 'userdata/config.json'));
    for (const path of candidates) {
      try {
        const cfg = parseJsonWith(OciBundleConfig, await readFile(path, 'utf8'));
        if (cfg) return cfg.annotations ?? {};
      } catch {
        // try the next root
      }
    }
    return {};
  }

  private async storageRoots(): Promise<string[]> {
    if (this.roots === undefined) {
      const out = await this.run(this.podman, ['info', '--format', 'json']);
      const info = out === null ? null : parseJsonWith(PodmanInfo, out);
      this.roots = info ? [info.store.runRoot, info.store.graphRoot] : [];
    }
    return this.roots;
  }
}

function fromPs(e: PodmanPsEntry): RuntimeRecord {
  const record: RuntimeRecord = {
    id: e.Id,
    name: e.Names?.[0] ?? e.Id.slice(0, 12),
    runtime: 'podman',
    image: e.Image ?? '',
    labels: e.Labels ?? {},
    annotations: {},
  };
  if (e.Pid !== undefined && e.Pid > 0) record.pid = e.Pid;
  if (e.StartedAt !== undefined && e.StartedAt > 0) record.startedAt = e.StartedAt * 1000;
  return record;
}
