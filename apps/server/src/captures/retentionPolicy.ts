import path from 'node:path';
import { RetentionSettings } from '@podscope/protocol';
import { readJsonFile, writeJsonFile } from '../jsonFile.ts';
import type { CaptureStore } from './captureStore.ts';

const DAY_MS = 24 * 3600 * 1000;
export const defaultRetention: RetentionSettings = { maxAgeDays: 30, maxTotalBytes: 20 * 1024 * 1024 * 1024 };

export interface RetentionDeps {
  store: CaptureStore;
  /** Captures still being written are never deleted. */
  isRecording: (captureId: string) => boolean;
  /** Deletes a capture and everything attached to it (share links). */
  remove: (captureId: string) => Promise<void>;
  now: () => number;
}

/** Maximum age and maximum total size of captures (`retention.json`), enforced oldest first. */
export class RetentionPolicy {
  private settings: RetentionSettings = defaultRetention;
  private readonly file: string;

  private constructor(
    dataDir: string,
    private readonly deps: RetentionDeps,
  ) {
    this.file = path.join(dataDir, 'retention.json');
  }

  static async open(dataDir: string, deps: RetentionDeps): Promise<RetentionPolicy> {
    const p = new RetentionPolicy(dataDir, deps);
    p.settings = (await readJsonFile(p.file, RetentionSettings)) ?? defaultRetention;
    return p;
  }

  get(): RetentionSettings {
    return { ...this.settings };
  }

  async set(settings: RetentionSettings): Promise<string[]> {
    this.settings = settings;
    await writeJsonFile(this.file, settings);
    return this.enforce();
  }

  /** Deletes captures past the maximum age, then the oldest while the total is above the maximum size. */
  async enforce(): Promise<string[]> {
    const { store, isRecording, remove, now } = this.deps;
    const all = store.list().sort((a, b) => a.createdAt - b.createdAt);
    const deleted: string[] = [];
    const cutoff = now() - this.settings.maxAgeDays * DAY_MS;
    let total = all.reduce((n, c) => n + c.sizeBytes, 0);
    for (const c of all) {
      if (isRecording(c.id)) continue;
      const endedMs = c.lastNs !== null ? Math.floor(c.lastNs / 1e6) : c.createdAt;
      if (Math.max(endedMs, c.createdAt) < cutoff || total > this.settings.maxTotalBytes) {
        await remove(c.id);
        total -= c.sizeBytes;
        deleted.push(c.id);
      }
    }
    return deleted;
  }
}
