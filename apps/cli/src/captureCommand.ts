import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CaptureCreatedResponse, CaptureResponse, CreateCaptureRequest, GadgetsResponse, PodscopeError, RunResponse, type CaptureSummary, type RunRequestInput } from '@podscope/protocol';
import { checkCaptureFile } from './captureFileCheck.ts';
import type { HubClient } from './hubClient.ts';
import type { Terminal } from './terminal.ts';

/** kubectl-capture's flags: `POD -ns NS -M 30 --snaplen 256` (its default duration is 120 s and snaplen 80 bytes). */
export interface CaptureFlags {
  namespace: string;
  /** Seconds to capture (kubectl-capture's -M). */
  duration: number;
  /** Bytes of each I/O buffer kept (the gadget's `snaplen`). */
  snaplen: number;
  gadget: string;
  container?: string | undefined;
  filter?: string | undefined;
  /** Directory the file is written to. */
  dir: string;
  /** Accepted for kubectl-capture compatibility: podscope always captures with eBPF. */
  ebpf?: boolean | undefined;
  /** Seconds between progress lines when stderr is not a terminal. */
  progressEvery?: number | undefined;
}

const HubKeyResponse = z.object({ publicKeyPem: z.string(), fingerprint: z.string() });
/** How long past its duration a capture may take to finish before the plugin stops it. */
const FINISH_GRACE_MS = 60_000;
const POLL_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number): string => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`);

function lossText(c: CaptureSummary): string {
  const l = c.losses;
  const total = l.kernel + l.agent + l.hub + l.capture;
  return total === 0 ? 'nothing lost' : `lost: kernel ${l.kernel}, agent ${l.agent}, hub ${l.hub}, capture writer ${l.capture}`;
}

/** The timed-capture request: one pod (optionally one container), the gadget's snaplen when it has one. */
export async function captureRequest(client: HubClient, pod: string, flags: CaptureFlags, name: string): Promise<CreateCaptureRequest> {
  const { gadgets } = await client.request('GET', '/api/gadgets', GadgetsResponse);
  const meta = gadgets.find((g) => g.name === flags.gadget);
  if (meta === undefined) throw new PodscopeError('unknown_gadget', `unknown gadget "${flags.gadget}"; the hub's agents offer: ${gadgets.map((g) => g.name).join(', ') || 'none'}`);
  const params: Record<string, string> = {};
  if (meta.params.some((p) => p.name === 'snaplen')) params.snaplen = String(flags.snaplen);
  const request: RunRequestInput = {
    gadget: flags.gadget,
    target: { namespaces: [flags.namespace], podName: pod, ...(flags.container !== undefined ? { containerName: flags.container } : {}) },
    params,
    ...(flags.filter !== undefined ? { filter: flags.filter } : {}),
  };
  return CreateCaptureRequest.parse({ request, durationSec: flags.duration, name });
}

/**
 * `kubectl podscope capture POD -ns NS -M 30 --snaplen 256`: a timed capture on the hub with progress, then the signed
 * export downloaded, checked against the hub's key and left at the printed path. Ctrl-C ends the capture early.
 */
export async function captureOnHub(client: HubClient, pod: string, flags: CaptureFlags, term: Terminal, isTty: boolean): Promise<string> {
  const name = `capture-${pod}-${Math.floor(Date.now() / 1000)}`;
  const created = await client.request('POST', '/api/captures', CaptureCreatedResponse, await captureRequest(client, pod, flags, name));
  const id = created.capture.id;
  const nodes = created.run?.nodes.map((n) => n.node) ?? created.capture.nodes;
  term.info(
    `podscope is capturing ${flags.gadget} in pod ${flags.namespace}/${pod}${nodes.length > 0 ? ` on node ${nodes.join(', ')}` : ''}: ` +
      `duration ${flags.duration} s, snaplen ${flags.snaplen}, capture ${id}`,
  );

  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let capture: CaptureSummary = created.capture;
  try {
    const started = Date.now();
    let lastLine = 0;
    let stopAsked = false;
    let attached = created.run === undefined;
    while (capture.state === 'recording') {
      if (!attached && created.run !== undefined) {
        const { run } = await client.request('GET', `/api/runs/${encodeURIComponent(created.run.id)}`, RunResponse);
        const running = run.nodes.filter((n) => n.state === 'running');
        if (running.length > 0) {
          attached = true;
          term.info(`attached on ${running.map((n) => `${n.node}${n.attachMs !== undefined ? ` in ${n.attachMs} ms` : ''}`).join(', ')}`);
        }
        for (const n of run.nodes) if (n.state === 'failed' && n.error !== undefined) throw new PodscopeError(n.error.code, `node ${n.node}: ${n.error.message}`);
      }
      const elapsed = Date.now() - started;
      if (!stopAsked && (interrupted || elapsed > flags.duration * 1000 + FINISH_GRACE_MS)) {
        stopAsked = true;
        term.info(interrupted ? 'interrupted: ending the capture early' : 'the capture did not end on time: stopping it');
        await client.request('POST', `/api/captures/${encodeURIComponent(id)}/stop`, z.object({ capture: z.unknown() }));
      }
      const secs = Math.min(flags.duration, Math.floor(elapsed / 1000));
      const line = `capturing: ${secs}/${flags.duration} s, ${capture.events} events, ${mib(capture.sizeBytes)}`;
      if (isTty) process.stderr.write(`\r${line}\u001b[K`);
      else if (elapsed - lastLine >= (flags.progressEvery ?? 5) * 1000) {
        lastLine = elapsed;
        term.info(line);
      }
      await sleep(POLL_MS);
      capture = (await client.request('GET', `/api/captures/${encodeURIComponent(id)}`, CaptureResponse)).capture;
    }
    if (isTty) process.stderr.write('\n');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  term.info(`capture ${id} ${capture.state}: ${capture.events} events, ${lossText(capture)}; downloading`);

  const { publicKeyPem } = await client.request('GET', '/api/hub-key', HubKeyResponse);
  const file = path.resolve(flags.dir, `${name}.podscope`);
  const part = `${file}.part`;
  try {
    await client.download(`/api/captures/${encodeURIComponent(id)}/export`, part);
    const checked = await checkCaptureFile(part, publicKeyPem);
    await rename(part, file);
    term.info(`verified: ${mib(checked.bytes)}, signed by this hub's key ${checked.signer}`);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
  term.out.write(`The capture has been downloaded to your hard disk at: ${file}\n`);
  term.info(`Open it in the web UI: ${client.webUrl(`/capture?id=${encodeURIComponent(id)}`)}`);
  return file;
}
