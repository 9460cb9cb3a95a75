import type { CaptureSummary } from '@podscope/protocol';
import { captureClient, captureRoutes } from './captureClient.ts';
import { hubClient, withShareToken } from './hubClient.ts';

/** What the live download needs from the hub (injectable for tests). */
export interface LivePcapngDeps {
  runEvents: (runId: string) => Promise<number>;
  record: (runId: string) => Promise<CaptureSummary>;
  get: (captureId: string) => Promise<CaptureSummary>;
  stop: (captureId: string) => Promise<CaptureSummary>;
  sleep: (ms: number) => Promise<void>;
}

const defaultDeps: LivePcapngDeps = {
  runEvents: async (runId) => (await hubClient.getRun(runId)).events,
  record: (runId) => captureClient.record(runId, { from: 'start' }),
  get: async (id) => (await captureClient.get(id)).capture,
  stop: (id) => captureClient.stopRecording(id),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/**
 * A live packet run as a finished capture: records it from its start, waits (bounded) until the capture
 * holds the events the run had when asked, then stops the recording so every packet so far is committed.
 */
export async function captureLiveRun(runId: string, deps: LivePcapngDeps = defaultDeps, waitMs = 5000, pollMs = 250): Promise<CaptureSummary> {
  const wanted = await deps.runEvents(runId);
  let capture = await deps.record(runId);
  for (let waited = 0; capture.state === 'recording' && capture.events < wanted && waited < waitMs; waited += pollMs) {
    await deps.sleep(pollMs);
    capture = await deps.get(capture.id);
  }
  return capture.state === 'recording' ? deps.stop(capture.id) : capture;
}

/** Starts a browser download of a same-origin URL (the hub's Content-Disposition names the file). */
export function downloadUrl(url: string, fileName = ''): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** The pcap-ng export of a capture (with the share token when the page was opened from a share link). */
export function pcapngUrl(captureId: string): string {
  return withShareToken(captureRoutes.exportPcapng(captureId));
}
