import type { ResolvedParams } from '@podscope/protocol';
import { resolveParams } from '@podscope/protocol';
import type { AgentConfig } from '../config.ts';
import type { ContainerIndex } from '../discovery/containerIndex.ts';
import type { GadgetHost } from '../pipeline/gadgetHost.ts';
import { checkTargetsExist, gadgetMeta } from '../pipeline/gadgetLookup.ts';
import { RunPipeline } from '../pipeline/runPipeline.ts';
import type { RunFlags } from './runOutput.ts';
import { outputFor, rawParams } from './runOutput.ts';
import { selectorFromFlags } from './selectorFlags.ts';

export type { RunFlags } from './runOutput.ts';

/** `podscope-agent run <gadget>`: a standalone run printed to stdout until Ctrl-C, the timeout or (snapshot) its end; drops summarised on stderr. */
export async function runStandalone(gadget: string, flags: RunFlags, extraArgs: readonly string[], config: AgentConfig, index: ContainerIndex, host: GadgetHost): Promise<void> {
  const meta = gadgetMeta(host, gadget);
  const params: ResolvedParams = resolveParams(meta, rawParams(meta, flags, extraArgs));
  const selector = selectorFromFlags(flags);
  const output = outputFor(meta, flags, params);
  await index.start();
  checkTargetsExist(selector, index.list(), config.node);

  const pipeline = new RunPipeline({ gadget, params, selector, node: config.node, index, host, sink: output.sink, filter: flags.filter });
  await pipeline.start();
  const until = meta.category === 'snapshot' ? '' : meta.category === 'profile' ? '; Ctrl-C to stop and print the histograms' : '; Ctrl-C to stop';
  process.stderr.write(`podscope-agent: ${gadget} attached in ${pipeline.status().attachMs ?? '?'} ms on node ${config.node}${until}\n`);
  if (output.header !== null) process.stdout.write(output.header + '\n');

  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      if (timer) clearTimeout(timer);
      resolve();
    };
    const timer = flags.timeout !== undefined && flags.timeout > 0 ? setTimeout(done, flags.timeout * 1000) : undefined;
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
    void pipeline.finished.then(done);
  });
  await pipeline.stop();
  index.stop();
  process.stdout.write(output.atEnd());
  const s = pipeline.status();
  const given = pipeline.counters.pendingGivenUp;
  process.stderr.write(
    `podscope-agent: ${gadget} on ${config.node}: ${s.events} events, lost: kernel ${s.kernelDrops}, agent ${s.agentDrops}; filtered ${s.filtered}` +
      (given > 0 ? ` (${given} from mount namespaces not resolved in time)` : '') +
      (s.attachMs !== undefined ? `; attached in ${s.attachMs} ms` : '') +
      '\n',
  );
  if (s.state === 'failed' && s.error) throw new Error(s.error.message);
}
