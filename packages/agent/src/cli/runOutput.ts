import type { GadgetMeta, ResolvedParams } from '@podscope/protocol';
import { PodscopeError } from '@podscope/protocol';
import type { BatchSink } from '../pipeline/batcher.ts';
import { columnsFor } from './columnSpec.ts';
import type { OutputFormat } from './eventPrinter.ts';
import { EventPrinter, StreamSink } from './eventPrinter.ts';
import { gadgetParamArgs } from './gadgetParamArgs.ts';
import { ProfileHistograms } from './histogramPrinter.ts';
import { PcapngSink } from './pcapngSink.ts';
import type { SelectorFlags } from './selectorFlags.ts';
import { TopTableSink } from './topTablePrinter.ts';

export interface RunFlags extends SelectorFlags {
  output: OutputFormat | 'pcap-ng';
  timeout?: number | undefined;
  filter?: string | undefined;
  fields?: string | undefined;
  sort?: string | undefined;
  maxEntries?: string | undefined;
}

export interface RunOutput {
  sink: BatchSink;
  /** The column header to print before the first event, if any. */
  header: string | null;
  /** What to print when the run ends (the histograms; ends the pcap-ng stream). */
  atEnd: () => string;
}

type Out = NodeJS.WritableStream & { writableLength: number };

/** `--sort`/`--max-entries` are the top gadgets' params; anywhere else they are a mistake worth saying so. */
export function rawParams(meta: GadgetMeta, flags: RunFlags, extraArgs: readonly string[]): Record<string, string> {
  const raw = gadgetParamArgs(meta, extraArgs);
  for (const [flag, name, value] of [['--sort', 'sort', flags.sort], ['--max-entries', 'max-entries', flags.maxEntries]] as const) {
    if (value === undefined) continue;
    if (!meta.params.some((p) => p.name === name)) throw new PodscopeError('bad_param', `${flag} applies to top gadgets; ${meta.name} is a ${meta.category} gadget`, { param: name });
    raw[name] = value;
  }
  return raw;
}

/** Where `-o columns` output goes for each gadget category (json is one object per row for all of them). */
export function outputFor(meta: GadgetMeta, flags: RunFlags, params: ResolvedParams, out: Out = process.stdout): RunOutput {
  if (flags.output === 'pcap-ng') {
    if (!meta.fields.some((f) => f.name === 'data')) throw new PodscopeError('bad_param', `-o pcap-ng needs a packet gadget (tcpdump); ${meta.name} has no packets`);
    const sink = new PcapngSink(out, typeof params['snaplen'] === 'number' ? params['snaplen'] : 262144);
    return { sink, header: null, atEnd: () => (sink.close(), '') };
  }
  const printer = new EventPrinter(flags.output, columnsFor(meta, flags.fields));
  if (flags.output === 'json') return { sink: new StreamSink(printer, out), header: null, atEnd: () => '' };
  switch (meta.category) {
    case 'trace':
    case 'snapshot':
      return { sink: new StreamSink(printer, out), header: printer.header(), atEnd: () => '' };
    case 'top': {
      const every = typeof params['map-fetch-interval'] === 'number' ? params['map-fetch-interval'] : 1000;
      return { sink: new TopTableSink(printer, out, every), header: null, atEnd: () => '' };
    }
    case 'profile': {
      const histograms = new ProfileHistograms(meta);
      return { sink: histograms, header: null, atEnd: () => histograms.render() };
    }
  }
}
