import type { ResolvedParams } from '@podscope/protocol';
import { resolveParams } from '@podscope/protocol';
import type { AgentConfig } from '../config.ts';
import type { ContainerIndex } from '../discovery/containerIndex.ts';
import type { GadgetHost } from '../pipeline/gadgetHost.ts';
import { checkTargetsExist, gadgetMeta } from '../pipeline/gadgetLookup.ts';
import { RunPipeline } from '../pipeline/runPipeline.ts';
import type { OutputFormat } from './eventPrinter.ts';
import { EventPrinter, StreamSink, applyFieldsFlag, defaultColumns } from './eventPrinter.ts';
import { gadgetParamArgs } from './gadgetParamArgs.ts';
import type { SelectorFlags } from './selectorFlags.ts';
import { selectorFromFlags } from './selectorFlags.ts';

export interface RunFlags extends SelectorFlags {
  output: OutputFormat;
  timeout?: number | undefined;
  filter?: string | undefined;
  fields?: string | undefined;
}

/** `podscope-agent run <gadget>`: a standalone run printed to stdout until Ctrl-C or the timeout; drops summarised on stderr. */
export async function runStandalone(gadget: string, flags: RunFlags, extraArgs: readonly string[], config: AgentConfig, index: ContainerIndex, host: GadgetHost): Promise<void> {
  const meta = gadgetMeta(host, gadget);
  const params: ResolvedParams = resolveParams(meta, gadgetParamArgs(meta, extraArgs));
  const selector = selectorFromFlags(flags);
  await index.start();
  checkTargetsExist(selector, index.list(), config.node);

  const printer = new EventPrinter(flags.output, applyFieldsFlag(defaultColumns(meta), flags.fields));
  const pipeline = new RunPipeline({ gadget, params, selector, node: config.node, index, host, sink: new StreamSink(printer, process.stdout), filter: flags.filter });
  await pipeline.start();
  process.stderr.write(`podscope-agent: ${gadget} attached in ${pipeline.status().attachMs ?? '?'} ms on node ${config.node}; Ctrl-C to stop\n`);
  const header = printer.header();
  if (header !== null) process.stdout.write(header + '\n');

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
  });
  await pipeline.stop();
  index.stop();
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
