import type { AgentRegistry } from '../agentRegistry.ts';
import type { CaptureConfig } from '../config.ts';
import type { HttpRouter, ShareAccess } from '../httpRouter.ts';
import type { Logger } from '../logger.ts';
import type { RunManager } from '../runManager.ts';
import { CaptureRecorder } from './captureRecorder.ts';
import { addCaptureRoutes } from './captureRoutes.ts';
import { CaptureStore } from './captureStore.ts';
import { CaptureWriter } from './captureWriter.ts';
import { HubKey } from './hubKey.ts';
import { ReplayRegistry } from './replayRun.ts';
import { RetentionPolicy } from './retentionPolicy.ts';
import { ShareTokens } from './shareTokens.ts';

export interface Captures {
  store: CaptureStore;
  recorder: CaptureRecorder;
  key: HubKey;
  addRoutes(router: HttpRouter, maxBodyBytes: number): HttpRouter;
  verifyShare(token: string): ShareAccess;
  close(): Promise<void>;
}

/** Wires the capture store, writer thread, recorder, share links, signing key, retention and replays. */
export async function startCaptures(opts: {
  dataDir: string;
  config: CaptureConfig;
  runs: RunManager;
  registry: AgentRegistry;
  logger: Logger;
  now: () => number;
}): Promise<Captures> {
  const { dataDir, config, runs, registry, logger, now } = opts;
  const store = new CaptureStore(dataDir);
  const recovered = store.recoverInterrupted();
  if (recovered.length > 0) logger.warn(`captures ${recovered.join(', ')} were still recording when the hub stopped; marked interrupted`);
  const key = HubKey.loadOrCreate(dataDir);
  const shares = await ShareTokens.open(dataDir, now);
  const writer = new CaptureWriter(config.writer, logger);
  const replays = new ReplayRegistry();
  // Retention ends recordings' files and recordings trigger retention: `enforce` is called only after both exist.
  const recorder = new CaptureRecorder({ runs, registry, store, writer, payloadGadgets: config.payloadGadgets, logger, onCaptureEnded: () => enforce(), now });
  const removeCapture = async (id: string): Promise<void> => {
    if (recorder.isRecording(id)) await recorder.stop(id, 'deleted');
    store.delete(id);
    await shares.forgetCapture(id);
  };
  const retention = await RetentionPolicy.open(dataDir, { store, isRecording: (id) => recorder.isRecording(id), remove: removeCapture, now });
  function enforce(): void {
    retention.enforce().then(
      (deleted) => {
        if (deleted.length > 0) logger.info(`retention deleted captures ${deleted.join(', ')}`);
      },
      (err: unknown) => logger.warn(`retention failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }
  const timer = setInterval(enforce, config.retentionCheckMs);
  timer.unref();
  enforce();

  return {
    store,
    recorder,
    key,
    addRoutes: (router, maxBodyBytes) =>
      addCaptureRoutes(router, { store, recorder, shares, key, retention, replays, runs, removeCapture, maxBodyBytes, importMaxBytes: config.importMaxBytes, now }),
    verifyShare: (token) => shares.verify(token),
    async close() {
      clearInterval(timer);
      replays.close();
      await recorder.close();
      await writer.close();
      store.close();
    },
  };
}
