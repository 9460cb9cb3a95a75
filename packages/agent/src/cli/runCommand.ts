import type { GadgetMeta, ResolvedParams } from '@podscope/protocol';
import { PodscopeError, resolveParams } from '@podscope/protocol';
import type { AgentConfig } from '../config.ts';
import type { ContainerIndex } from '../discovery/containerIndex.ts';
import type { BatchSink } from '../pipeline/batcher.ts';
import type { GadgetHost } from '../pipeline/gadgetHost.ts';
import { checkTargetsExist, gadgetMeta } from '../pipeline/gadgetLookup.ts';
import { RunPipeline } from '../pipeline/runPipeline.ts';
import { columnsFor } from './columnSpec.ts';
import type { OutputFormat } from './eventPrinter.ts';
import { EventPrinter, StreamSink } from './eventPrinter.ts';
import { gadgetParamArgs } from './gadgetParamArgs.ts';
import { ProfileHistograms } from './histogramPrinter.ts';
import type { SelectorFlags } from './selectorFlags.ts';
import { selectorFromFlags } from './selectorFlags.ts';
import { TopTableSink } from './topTablePrinter.ts';
import { PcapngSink } from './pcapngSink.ts';

export interface RunFlags extends SelectorFlags {
  output: OutputFormat | 'pcap-ng';
  timeout?: number | undefined;
  filter?: string | undefined;
  fields?: string | undefined;
  sort?: string | undefined;
  maxEntries?: string | undefined;
}

/** `--sort`/`--max-entries` are the top gadgets' params; anywhere else they are a mistake worth saying so. */
function rawParams(meta: GadgetMeta, flags: RunFlags, extraArgs: readonly string[]): Record<string, string> {
  const raw = gadgetParamArgs(meta, extraArgs);
  for (const [flag, name, value] of [['--sort', 'sort', flags.sort], ['--max-entries', 'max-entries', flags.maxEntries]] as const) {
    if (value === undefined) continue;
    if (!meta.params.some((p) => p.name === name)) throw new PodscopeError('bad_param', `${flag} applies to top gadgets; ${meta.name} is a ${meta.category} gadget`, { param: name });
    raw[name] = value;
  }
  return raw;
}

/** Where `-o columns` output goes for each gadget category (json is one object per row for all of them). */
function outputFor(meta: GadgetMeta, flags: RunFlags, params: ResolvedParams): { sink: BatchSink; header: string | null; atEnd: () => string } {
  if (flags.output === 'pcap-ng') {
    if (!meta.fields.some((f) => f.name === 'data')) throw new PodscopeError('bad_param', `-o pcap-ng needs a packet gadget (tcpdump); ${meta.name} has no packets`);
    const sink = new PcapngSink(process.stdout, typeof params['snaplen'] === 'number' ? params['snaplen'] : 262144);
    return { sink, header: null, atEnd: () => (sink.close(), '') };
  }
  const printer = new EventPrinter(flags.output, columnsFor(meta, flags.fields));
  if (flags.output === 'json') return { sink: new StreamSink(printer, process.stdout), header: null, atEnd: () => '' };
  switch (meta.category) {
    case 'trace':
    case 'snapshot':
      return { sink: new StreamSink(printer, process.stdout), header: printer.header(), atEnd: () => '' };
    case 'top': {
      const every = typeof params['map-fetch-interval'] === 'number' ? params['map-fetch-interval'] : 1000;
      return { sink: new TopTableSink(printer, process.stdout, every), header: null, atEnd: () => '' };
    }
    case 'profile': {
      const histograms = new ProfileHistograms(meta);
      return { sink: histograms, header: null, atEnd: () => histograms.render() };
    }
  }
}

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
