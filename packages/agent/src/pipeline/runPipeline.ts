import type { EventRecord, ResolvedParams, RunNodeStatus, RunState, TargetSelector, ErrorEnvelope } from '@podscope/protocol';
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
}

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

  constructor(private readonly opts: RunPipelineOptions) {
    this.filterPlan = planRunFilter(opts.filter, gadgetMeta(opts.host, opts.gadget), opts.host.kernelFilterableFields);
    const predicate = this.filterPlan.predicate;
    this.batcher = new Batcher({ sink: opts.sink, counters: this.counters });
    const afterSelect = (events: EventRecord[]): void => {
      const enriched = enrichEvents(events, opts.node, opts.index);
      if (predicate === null) {
        this.batcher.push(enriched);
        return;
      }
      const kept = enriched.filter(predicate);
      this.counters.filtered += enriched.length - kept.length;
      this.batcher.push(kept);
    };
    this.selector = new MountNsSelector({ selector: opts.selector, node: opts.node, index: opts.index, counters: this.counters, downstream: afterSelect });
    const run: Operator = {
      name: 'run',
      start: async () => {
        const t0 = performance.now();
        this.gadget = await opts.host.startGadget(opts.gadget, {
          params: opts.params,
          selection: this.selector.selection,
          ...(this.filterPlan.kernel ? { kernelFilter: this.filterPlan.kernel } : {}),
          onEvents: (events) => this.selector.admit(events),
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

  async start(): Promise<void> {
    try {
      await this.chain.start();
      this.state = 'running';
    } catch (err) {
      this.state = 'failed';
      this.error = toErrorEnvelope(err);
      throw err;
    }
  }

  async stop(): Promise<void> {
    try {
      await this.chain.stop();
    } finally {
      if (this.state !== 'failed') this.state = 'stopped';
    }
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
