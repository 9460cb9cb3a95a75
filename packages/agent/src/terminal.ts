/**
 * What a terminal client of podscope needs besides the protocol: IG-style flags to a selector and params, and the
 * event printers (columns, JSON, top tables, histograms, pcap-ng). The `kubectl podscope` plugin prints hub runs with
 * these, so both CLIs look alike. Nothing here touches the kernel (lint keeps koffi and bpf/load out).
 */
export { EventPrinter, StreamSink, columnHeader, type OutputFormat } from './cli/eventPrinter.ts';
export { columnsFor, defaultColumns } from './cli/columnSpec.ts';
export { ProfileHistograms, formatLog2Histogram, type Bucket } from './cli/histogramPrinter.ts';
export { TopTableSink } from './cli/topTablePrinter.ts';
export { PcapngSink, REORDER_WINDOW_MS } from './cli/pcapngSink.ts';
export { gadgetParamArgs } from './cli/gadgetParamArgs.ts';
export { selectorFromFlags, type SelectorFlags } from './cli/selectorFlags.ts';
export { exitCodeOf } from './cli/exitCodes.ts';
export { outputFor, rawParams, type RunFlags, type RunOutput } from './cli/runOutput.ts';
export type { BatchSink } from './pipeline/batcher.ts';
