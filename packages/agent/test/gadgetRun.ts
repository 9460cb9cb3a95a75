import type { EventRecord, RunNodeStatus, TargetSelectorInput } from '@podscope/protocol';
import { TargetSelector, resolveParams } from '@podscope/protocol';
import { loadConfig } from '../src/config.ts';
import type { ContainerIndex } from '../src/discovery/containerIndex.ts';
import { createContainerIndex } from '../src/discovery/index.ts';
import { createAgentHost } from '../src/gadgets/agentHost.ts';
import type { GadgetHost } from '../src/pipeline/gadgetHost.ts';
import { gadgetMeta } from '../src/pipeline/gadgetLookup.ts';
import { RunPipeline } from '../src/pipeline/runPipeline.ts';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `cond` holds; the error names what was awaited and what arrived. */
export async function until(what: string, cond: () => boolean, ms = 10_000, seen?: () => unknown): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${seen ? `; saw ${JSON.stringify(seen()).slice(0, 2000)}` : ''}`);
    await sleep(25);
  }
}

/** One real node: the container index over the real /proc and runtimes, and the real gadget host (eBPF + agent gadgets). */
export interface RealNode {
  index: ContainerIndex;
  host: GadgetHost;
  node: string;
}

export async function startRealNode(node = 'int-node'): Promise<RealNode> {
  const config = loadConfig({ node });
  const index = createContainerIndex(config);
  await index.start();
  const host = await createAgentHost(index);
  return { index, host, node };
}

/** A gadget run through the agent's RunPipeline, collecting what reaches the sink. */
export class CollectedRun {
  readonly events: EventRecord[] = [];
  readonly batches: EventRecord[][] = [];
  readonly pipeline: RunPipeline;

  constructor(n: RealNode, gadget: string, opts: { selector?: TargetSelectorInput; params?: Record<string, unknown>; filter?: string } = {}) {
    const meta = gadgetMeta(n.host, gadget);
    this.pipeline = new RunPipeline({
      gadget,
      params: resolveParams(meta, opts.params ?? {}),
      selector: TargetSelector.parse(opts.selector ?? {}),
      node: n.node,
      index: n.index,
      host: n.host,
      sink: {
        offer: (batch) => {
          this.batches.push(batch);
          this.events.push(...batch);
          return true;
        },
      },
      filter: opts.filter,
    });
  }

  async start(): Promise<this> {
    await this.pipeline.start();
    return this;
  }

  matching(pred: (e: EventRecord) => boolean): EventRecord[] {
    return this.events.filter(pred);
  }

  async waitFor(what: string, pred: (e: EventRecord) => boolean, ms = 10_000): Promise<EventRecord> {
    await until(what, () => this.events.some(pred), ms, () => this.events.slice(-20));
    return this.events.find(pred)!;
  }

  status(): RunNodeStatus {
    return this.pipeline.status();
  }

  stop(): Promise<void> {
    return this.pipeline.stop();
  }
}
