import { PodscopeError, type CaptureMeta, type CaptureSummary, type RunInfo, type RunRequest } from '@podscope/protocol';
import type { AgentRegistry } from '../agentRegistry.ts';
import { HUB_VERSION } from '../agentSession.ts';
import type { Logger } from '../logger.ts';
import type { RunManager } from '../runManager.ts';
import type { RunSubscriber } from '../runRecord.ts';
import type { CaptureStore } from './captureStore.ts';
import type { CaptureWriter } from './captureWriter.ts';

interface ActiveRecording {
  captureId: string;
  runId: string;
  subscriber: RunSubscriber;
  timer: NodeJS.Timeout | undefined;
  /** The run was started for this capture (`POST /api/captures`): it ends with the recording, even while browsers watch it. */
  ownsRun: boolean;
  stopping: Promise<CaptureSummary> | undefined;
}

export interface CaptureRecorderDeps {
  runs: RunManager;
  registry: AgentRegistry;
  store: CaptureStore;
  writer: CaptureWriter;
  payloadGadgets: readonly string[];
  logger: Logger;
  /** Called after every recording ends (retention runs here). */
  onCaptureEnded: (captureId: string) => void;
  now: () => number;
}

/**
 * Records live runs into captures. A recording is one more subscriber of the run: it receives the very
 * frames the browsers get and hands them to the capture writer, so it adds no work to the fan-out path
 * beyond one copy, and it keeps the run alive as a subscriber would.
 */
export class CaptureRecorder {
  private readonly active = new Map<string, ActiveRecording>();

  constructor(private readonly deps: CaptureRecorderDeps) {}

  isRecording(captureId: string): boolean {
    return this.active.has(captureId);
  }

  recordingsOf(runId: string): string[] {
    return [...this.active.values()].filter((r) => r.runId === runId).map((r) => r.captureId);
  }

  /** `POST /api/runs/:id/record`: from the run's start (as far as the hub's history reaches) or from now. */
  recordRun(runId: string, opts: { from: 'start' | 'now'; name?: string | undefined; user: string; ownsRun?: boolean; durationSec?: number }): CaptureSummary {
    const { runs, store, writer } = this.deps;
    const run = runs.recordOf(runId);
    if (!run.active) throw new PodscopeError('conflict', `run ${runId} has ${run.state}; only a live run can be recorded`, { runId });
    if (run.replayOf !== undefined) throw new PodscopeError('conflict', `run ${runId} replays capture ${run.replayOf}; it is already a capture`, { runId });
    const info = run.info();
    const captureId = store.newId();
    const history = opts.from === 'start' ? run.history.snapshot() : [];
    const cut = opts.from === 'start' ? run.history.cutEvents : run.events;
    const meta = this.initialMeta(captureId, info, opts.name, opts.user, opts.from === 'start' && cut > 0, cut);
    writer.open(captureId, store.file(captureId), meta);
    for (const f of history) writer.frames(captureId, f.bytes, f.events);

    const rec: ActiveRecording = { captureId, runId, subscriber: this.subscriberFor(captureId), timer: undefined, ownsRun: opts.ownsRun ?? false, stopping: undefined };
    this.active.set(captureId, rec);
    runs.subscribe(runId, rec.subscriber);
    if (opts.durationSec !== undefined) {
      rec.timer = setTimeout(() => void this.stop(captureId, 'duration reached'), opts.durationSec * 1000);
      rec.timer.unref();
    }
    this.deps.logger.info(`capture ${captureId} records run ${runId} from ${opts.from} for ${opts.user}`);
    return this.summaryWhileRecording(captureId, meta);
  }

  /** `POST /api/captures`: starts a run that records for `durationSec`, like `kubectl capture -M 30`. */
  createTimed(request: RunRequest, durationSec: number, name: string | undefined, user: string): { capture: CaptureSummary; run: RunInfo } {
    const run = this.deps.runs.create(request, user);
    const capture = this.recordRun(run.id, { from: 'start', name, user, ownsRun: true, durationSec });
    return { capture, run: this.deps.runs.get(run.id) };
  }

  /** Ends a recording: the writer commits what it has, then the final meta (losses, end time) is written. */
  stop(captureId: string, why = 'stopped'): Promise<CaptureSummary> {
    const rec = this.active.get(captureId);
    if (rec === undefined) {
      if (!this.deps.store.exists(captureId)) throw new PodscopeError('not_found', `no capture with id ${captureId}`, { captureId });
      return Promise.resolve(this.deps.store.summary(captureId));
    }
    rec.stopping ??= this.finish(rec, why);
    return rec.stopping;
  }

  async close(): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.stop(id, 'hub shutting down')));
  }

  private async finish(rec: ActiveRecording, why: string): Promise<CaptureSummary> {
    const { runs, writer, logger } = this.deps;
    clearTimeout(rec.timer);
    let info: RunInfo | undefined;
    try {
      runs.unsubscribe(rec.runId, rec.subscriber);
      info = runs.get(rec.runId);
      if (rec.ownsRun && (info.state === 'running' || info.state === 'starting')) info = runs.stop(rec.runId);
    } catch {
      // The run was already pruned; its last counters are unknown.
    }
    const state = why === 'hub shutting down' ? 'interrupted' : 'complete';
    await writer.finish(rec.captureId, (captureDrops) => ({
      state,
      endedAt: this.deps.now(),
      ...(info === undefined ? {} : { nodes: info.nodes.map((n) => n.node), losses: { ...info.drops, capture: captureDrops } }),
    }));
    this.active.delete(rec.captureId);
    logger.info(`capture ${rec.captureId} ${state}: ${why}`);
    this.deps.onCaptureEnded(rec.captureId);
    return this.deps.store.summary(rec.captureId);
  }

  private subscriberFor(captureId: string): RunSubscriber {
    return {
      deliverEvents: (_runId, bytes, events) => {
        this.deps.writer.frames(captureId, bytes, events);
      },
      deliverControl: () => undefined,
      runFinished: () => void this.stop(captureId, 'the run ended'),
    };
  }

  private initialMeta(id: string, run: RunInfo, name: string | undefined, user: string, startCut: boolean, eventsBeforeStart: number): CaptureMeta {
    const gadget = this.deps.registry.gadgetCatalog().get(run.request.gadget);
    const now = this.deps.now();
    return {
      id,
      name: name ?? `${run.request.gadget} ${new Date(now).toISOString().replace('T', ' ').slice(0, 19)}`,
      createdBy: user,
      createdAt: now,
      startedAt: now,
      state: 'recording',
      source: 'run',
      runId: run.id,
      request: run.request,
      gadgets: gadget === undefined ? [] : [gadget],
      nodes: run.nodes.map((n) => n.node),
      losses: { ...run.drops, capture: 0 },
      startCut,
      eventsBeforeStart,
      payload: this.deps.payloadGadgets.includes(run.request.gadget),
      podscopeVersion: HUB_VERSION,
    };
  }

  private summaryWhileRecording(id: string, meta: CaptureMeta): CaptureSummary {
    return {
      id,
      name: meta.name,
      sizeBytes: 0,
      events: 0,
      firstNs: null,
      lastNs: null,
      gadgets: [meta.request.gadget],
      nodes: meta.nodes,
      state: 'recording',
      source: 'run',
      createdBy: meta.createdBy,
      createdAt: meta.createdAt,
      payload: meta.payload,
      losses: meta.losses,
    };
  }
}
