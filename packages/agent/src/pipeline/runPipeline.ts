import type { EventRecord, GadgetCategory, ResolvedParams, RunNodeStatus, RunState, TargetSelector, ErrorEnvelope } from '@podscope/protocol';
import { toErrorEnvelope } from '@podscope/protocol';
import type { ContainerIndex } from '../discovery/containerIndex.ts';
import type { BatchSink } from './batcher.ts';
import { Batcher } from './batcher.ts';
import { enrichEvents } from './enricher.ts';
import type { GadgetHost, RunningGadget } from './gadgetHost.ts';
import { MountNsSelector } from './mountNsSelector.ts';
import { gadgetMeta } from './gadgetLookup.ts';
import { planRunFilter, type RunFilterPlan } from './runFilter.ts';
import type { Operator } from './operator.ts';
import { OperatorChain } from './operator.ts';
import { RunCounters } from './runCounters.ts';
import { TopRanker } from './topRanker.ts';

export interface RunPipelineOptions {
  gadget: string;
  params: ResolvedParams;
  selector: TargetSelector;
  node: string;
  index: ContainerIndex;
  host: GadgetHost;
  sink: BatchSink;
  /** Filter text in the protocol's filter language; compiled against the gadget's fields. */
  filter?: string | undefined;
  /** Called when the run ends by itself (a snapshot gadget delivered its rows), after the pipeline stopped. */
  onFinished?: () => void;
}

const SNAPSHOT_GIVE_UP_MS = 1000;
const noop = async (): Promise<void> => undefined;
const simpleOperator = (name: string, start: () => Promise<void> = noop): Operator => ({ name, start, stop: noop, close: noop });

/** One gadget run on this node: discover → select → run → enrich → filter → encode. */
export class RunPipeline {
  readonly counters = new RunCounters();
  private state: RunState = 'starting';
  private error: ErrorEnvelope | undefined;
  private gadget: RunningGadget | undefined;
  /** Request → attached, measured here (includes the loader's own open → attached). */
  private attachMs: number | undefined;
  private lastKernelDrops = 0;
  private readonly chain: OperatorChain;
  readonly selector: MountNsSelector;
  private readonly batcher: Batcher;
  readonly filterPlan: RunFilterPlan;
  readonly category: GadgetCategory;
  private started: Promise<void> | undefined;
  private finishing: Promise<void> | undefined;
  private resolveFinished: () => void = () => undefined;
  /** Settles when the run has stopped, whether asked to or (a snapshot) by itself. */
  readonly finished = new Promise<void>((r) => (this.resolveFinished = r));

  constructor(private readonly opts: RunPipelineOptions) {
    const meta = gadgetMeta(opts.host, opts.gadget);
    this.category = meta.category;
    this.filterPlan = planRunFilter(opts.filter, meta, opts.host.kernelFilterableFieldsOf?.(opts.gadget) ?? opts.host.kernelFilterableFields);
    const predicate = this.filterPlan.predicate;
    const ranker = meta.category === 'top' ? TopRanker.fromParams(meta, opts.params) : null;
    this.batcher = new Batcher({ sink: opts.sink, counters: this.counters });
    const afterSelect = (events: EventRecord[]): void => {
      const enriched = enrichEvents(events, opts.node, opts.index);
      let kept = enriched;
      if (predicate !== null) {
        kept = enriched.filter(predicate);
        this.counters.filtered += enriched.length - kept.length;
      }
      if (ranker) {
        // Rows beyond max-entries are left out on purpose, like filtered ones: not losses.
        const ranked = ranker.rank(kept);
        this.counters.filtered += ranked.cut;
        kept = ranked.kept;
      }
      this.batcher.push(kept);
    };
    this.selector = new MountNsSelector({
      selector: opts.selector,
      node: opts.node,
      index: opts.index,
      counters: this.counters,
      downstream: afterSelect,
      // A snapshot's rows are one instant: a process already gone (measured: a short-lived one in a mount namespace
      // no runtime knows) will not become resolvable later, and the whole run would wait for it.
      ...(meta.category === 'snapshot' ? { giveUpMs: SNAPSHOT_GIVE_UP_MS } : {}),
    });
    const run: Operator = {
      name: 'run',
      start: async () => {
        const t0 = performance.now();
        this.gadget = await opts.host.startGadget(opts.gadget, {
          params: opts.params,
          selection: this.selector.selection,
          ...(this.filterPlan.kernel ? { kernelFilter: this.filterPlan.kernel } : {}),
          onEvents: (events) => {
            this.selector.admit(events);
            // A snapshot is one batch of rows: once it is through, the run is complete on this node.
            if (this.category === 'snapshot') void this.finish();
          },
          onDone: () => void this.finish(),
          onError: (err) => {
            this.state = 'failed';
            this.error = toErrorEnvelope(err);
          },
        });
        this.attachMs = performance.now() - t0;
        this.selector.attach(this.gadget);
      },
      stop: async () => {
        this.lastKernelDrops = this.gadget?.kernelDrops() ?? this.lastKernelDrops;
        this.gadget?.close();
      },
      close: async () => this.gadget?.close(),
    };
    this.chain = new OperatorChain([
      simpleOperator('discover', () => opts.index.rescan()),
      this.selector,
      run,
      simpleOperator('enrich'),
      simpleOperator('filter'),
      this.batcher,
    ]);
  }

  start(): Promise<void> {
    this.started ??= this.chain.start().then(
      () => {
        if (this.state === 'starting') this.state = 'running';
      },
      (err: unknown) => {
        this.state = 'failed';
        this.error = toErrorEnvelope(err);
        this.resolveFinished();
        throw err;
      },
    );
    return this.started;
  }

  async stop(): Promise<void> {
    try {
      await this.stopChain();
    } finally {
      this.resolveFinished();
    }
  }

  private async stopChain(): Promise<void> {
    try {
      await this.chain.stop();
    } finally {
      if (this.state !== 'failed') this.state = 'stopped';
    }
  }

  /** Ends a run that completed by itself: waits for held events to be judged, flushes, stops, then tells the owner. */
  private finish(): Promise<void> {
    this.finishing ??= (async () => {
      try {
        await this.started?.catch(() => undefined);
        await this.selector.settled();
        await this.stopChain();
      } catch (err) {
        this.state = 'failed';
        this.error = toErrorEnvelope(err);
      }
      this.opts.onFinished?.();
      this.resolveFinished();
    })();
    return this.finishing;
  }

  status(): RunNodeStatus {
    const s: RunNodeStatus = {
      node: this.opts.node,
      state: this.state,
      kernelDrops: this.state === 'running' && this.gadget ? this.gadget.kernelDrops() : this.lastKernelDrops,
      agentDrops: this.counters.agentDrops,
      filtered: this.counters.filtered,
      events: this.counters.events,
      kernelFiltered: this.gadget?.kernelFiltered?.() ?? 0,
      pushdown: this.filterPlan.pushdown,
    };
    if (this.attachMs !== undefined) s.attachMs = Math.round(this.attachMs * 10) / 10;
    if (this.error) s.error = this.error;
    return s;
  }
}
