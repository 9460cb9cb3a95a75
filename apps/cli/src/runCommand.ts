import { outputFor, rawParams, selectorFromFlags, type RunFlags } from '@podscope/agent/terminal';
import { GadgetsResponse, PodscopeError, RunResponse, resolveParams, type RunInfo, type RunRequestInput } from '@podscope/protocol';
import type { HubClient } from './hubClient.ts';
import { RunSubscription, type DeliveryCounts } from './runSubscription.ts';
import type { Terminal } from './terminal.ts';

export interface PluginRunFlags extends RunFlags {
  /** `--node n1,n2`: only these nodes' agents. */
  node?: string | undefined;
}

/** How long a stopped run may take to report its last status before the summary is printed anyway. */
const STOP_WAIT_MS = 15_000;

const list = (s: string | undefined): string[] => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
const nodesOf = (run: RunInfo, state: RunInfo['state']): string[] => run.nodes.filter((n) => n.state === state).map((n) => n.node);

/** The run request `kubectl podscope run` sends: IG's selection flags, raw gadget params (the agents resolve them again). */
export function runRequestOf(gadget: string, flags: PluginRunFlags, rawParamValues: Record<string, string>): RunRequestInput {
  const target = { ...selectorFromFlags({ ...flags, host: false }), nodes: list(flags.node) };
  return { gadget, target, params: rawParamValues, ...(flags.filter !== undefined ? { filter: flags.filter } : {}) };
}

export function summaryLine(gadget: string, run: RunInfo | undefined, counts: DeliveryCounts): string {
  const nodes = run?.nodes ?? [];
  const sum = (f: (n: RunInfo['nodes'][number]) => number): number => nodes.reduce((a, n) => a + f(n), 0);
  return (
    `${gadget}: ${counts.events} events from ${nodes.length} node${nodes.length === 1 ? '' : 's'}; ` +
    `lost: kernel ${sum((n) => n.kernelDrops)}, agent ${sum((n) => n.agentDrops)}, hub ${counts.hub}, kubectl-podscope ${counts.client}; ` +
    `filtered ${sum((n) => n.filtered)}` +
    (counts.badFrames > 0 ? `; ${counts.badFrames} undecodable frames` : '')
  );
}

/** `kubectl podscope run GADGET …`: a run on the hub, printed like `podscope-agent run` until Ctrl-C, --timeout or its end. */
export async function runOnHub(client: HubClient, gadget: string, flags: PluginRunFlags, extraArgs: readonly string[], term: Terminal): Promise<void> {
  const { gadgets } = await client.request('GET', '/api/gadgets', GadgetsResponse);
  const meta = gadgets.find((g) => g.name === gadget);
  if (meta === undefined) {
    const known = gadgets.map((g) => g.name).join(', ');
    throw new PodscopeError('unknown_gadget', `unknown gadget "${gadget}"; the hub's agents offer: ${known === '' ? 'none (no agent connected)' : known}`);
  }
  if (meta.unavailable !== undefined) throw new PodscopeError('unsupported', `gadget ${gadget} cannot run on these nodes: ${meta.unavailable}`);
  const raw = rawParams(meta, flags, extraArgs);
  const output = outputFor(meta, flags, resolveParams(meta, raw), term.out);
  const { run } = await client.request('POST', '/api/runs', RunResponse, runRequestOf(gadget, flags, raw));

  let announced = false;
  const warned = new Set<string>();
  const stopRun = (): Promise<unknown> => client.request('DELETE', `/api/runs/${encodeURIComponent(run.id)}`, RunResponse);
  const sub = await RunSubscription.open(client, run.id, output.sink, (r) => {
    for (const n of r.nodes) {
      if (n.state === 'failed' && n.error !== undefined && !warned.has(n.node)) {
        warned.add(n.node);
        term.warn(`node ${n.node}: ${n.error.message}`);
      }
    }
    const running = nodesOf(r, 'running');
    if (!announced && running.length > 0) {
      announced = true;
      const attach = r.nodes.map((n) => n.attachMs).filter((ms): ms is number => ms !== undefined);
      const until = meta.category === 'snapshot' ? '' : meta.category === 'profile' ? '; Ctrl-C to stop and print the histograms' : '; Ctrl-C to stop';
      term.info(`${gadget} running on ${running.join(', ')}${attach.length > 0 ? ` (attached in ${Math.max(...attach)} ms)` : ''} as run ${r.id}${until}`);
    }
  }).catch(async (err: unknown) => {
    // Nobody will watch the run: stop it now rather than leave it to the hub's unclaimed-run timeout.
    await stopRun().catch(() => undefined);
    throw err;
  });
  if (output.header !== null) term.out.write(output.header + '\n');

  const stopReason = await new Promise<'signal' | 'timeout' | 'ended'>((resolve) => {
    const done = (why: 'signal' | 'timeout' | 'ended'): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (timer) clearTimeout(timer);
      resolve(why);
    };
    const onSignal = (): void => done('signal');
    const timer = flags.timeout !== undefined && flags.timeout > 0 ? setTimeout(() => done('timeout'), flags.timeout * 1000) : undefined;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    sub.finished.then(
      () => done('ended'),
      () => done('ended'),
    );
  });

  let final: RunInfo | undefined;
  try {
    if (stopReason !== 'ended') await stopRun();
    final = await Promise.race([sub.finished, new Promise<undefined>((r) => setTimeout(() => r(undefined), STOP_WAIT_MS).unref())]);
  } finally {
    sub.close();
    term.out.write(output.atEnd());
  }
  const last = final ?? sub.lastRun;
  term.info(summaryLine(gadget, last, sub.counts));
  if (last?.state === 'failed') {
    const why = last.nodes.find((n) => n.error !== undefined)?.error;
    throw new PodscopeError(why?.code ?? 'internal', `run ${run.id} failed${why !== undefined ? `: ${why.message}` : ''}`);
  }
}
