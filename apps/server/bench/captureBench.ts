// `pnpm bench:capture`: 1M synthetic events through the real capture writer (worker thread), then the
// queries a capture page makes. Goals (issue 5): write ≥ 250k events/s, first page < 1 s, filter and histogram < 500 ms.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setImmediate as tick } from 'node:timers/promises';
import { CaptureEventsQuery, CaptureTimelineQuery, PROTOCOL_VERSION, encodeFrame, type CaptureMeta, type EventRecord } from '@podscope/protocol';
import { captureOverview } from '../src/captures/captureOverview.ts';
import { queryEvents } from '../src/captures/captureQuery.ts';
import { CaptureStore } from '../src/captures/captureStore.ts';
import { queryTimeline } from '../src/captures/captureTimeline.ts';
import { CaptureWriter } from '../src/captures/captureWriter.ts';
import { consoleLogger, silentLogger } from '../src/logger.ts';
import { traceExec } from '../src/hubTestKit.ts';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const FRAME = 500;
const COMMS = ['dd', 'cat', 'sh', 'curl', 'python3', 'nginx', 'ls', 'grep'];
const BASE_NS = Date.now() * 1e6;

function event(i: number): EventRecord {
  const node = `node-${i % 3}`;
  return {
    timestamp: BASE_NS + i * 60_000,
    'k8s.node': node,
    'k8s.namespace': i % 5 === 0 ? 'kube-system' : 'shop',
    'k8s.podName': `web-${i % 40}`,
    'k8s.containerName': 'app',
    'runtime.containerName': `app-${i % 40}`,
    'proc.comm': COMMS[i % COMMS.length] ?? 'dd',
    'proc.pid': 1000 + (i % 5000),
    'proc.tid': 1000 + (i % 5000),
    'proc.ppid': 1,
    'proc.uid': 0,
    'proc.gid': 0,
    mntns_id: 4026531840 + (i % 40),
    args: `/bin/${COMMS[i % COMMS.length] ?? 'dd'} --job ${i % 1000} model_epoch_${i % 97}.ckpt`,
    error: i % 50 === 0 ? 'ENOENT' : '',
  };
}

function ms(t0: number): string {
  return `${(performance.now() - t0).toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'podscope-bench-'));
  try {
    const store = new CaptureStore(dir);
    const writer = new CaptureWriter({ maxPendingEvents: 2_000_000, flushIntervalMs: 100, flushRows: 50_000 }, process.env.BENCH_LOG === undefined ? silentLogger : consoleLogger);
    const id = store.newId();
    const now = Date.now();
    const meta: CaptureMeta = {
      id, name: 'bench', createdBy: 'bench', createdAt: now, startedAt: now, state: 'recording', source: 'run',
      request: { gadget: 'trace_exec', target: { namespaces: [], excludeNamespaces: [], labels: [], nodes: [], host: false }, params: {} },
      gadgets: [traceExec], nodes: ['node-0', 'node-1', 'node-2'], losses: { kernel: 0, agent: 0, hub: 0, browser: 0, capture: 0 },
      startCut: false, eventsBeforeStart: 0, payload: false, podscopeVersion: 'bench',
    };
    writer.open(id, store.file(id), meta);

    // Frames are encoded once by the fan-out anyway; encode them up front so only the writer's cost is timed.
    const frames: Uint8Array[] = [];
    for (let i = 0, seq = 1; i < TOTAL; i += FRAME, seq++) {
      const events = Array.from({ length: Math.min(FRAME, TOTAL - i) }, (_, j) => event(i + j));
      frames.push(encodeFrame({ v: PROTOCOL_VERSION, type: 'events', runId: 'bench', node: 'node-0', seq, events }));
    }
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    let handOff = 0;
    const t0 = performance.now();
    for (let f = 0; f < frames.length; f++) {
      const frame = frames[f];
      if (frame === undefined) continue;
      const h0 = performance.now();
      writer.frames(id, frame, Math.min(FRAME, TOTAL - f * FRAME));
      handOff += performance.now() - h0;
      if (f % 20 === 19) await tick(); // let the loop breathe like an agent socket would
    }
    const stats = await writer.finish(id, (drops) => ({ state: 'complete', endedAt: Date.now(), losses: { ...meta.losses, capture: drops } }));
    const writeMs = performance.now() - t0;
    lag.disable();
    await writer.close();
    const size = store.sizeBytes(id);
    console.log(`events written        ${stats.events.toLocaleString('en')} (writer drops: ${writer.drops(id)})`);
    if (stats.events !== TOTAL) {
      console.error(`the writer stored ${stats.events} of ${TOTAL} events (BENCH_LOG=1 shows why)`);
      process.exitCode = 1;
    }
    console.log(`write rate            ${Math.round((stats.events / writeMs) * 1000).toLocaleString('en')} events/s (${writeMs.toFixed(0)} ms)`);
    console.log(`fan-out thread cost   ${(handOff / 1000).toFixed(3)} s handing off frames (${((handOff / TOTAL) * 1e6).toFixed(0)} ns/event); event-loop delay p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms, max ${(lag.max / 1e6).toFixed(1)} ms`);
    console.log(`file size             ${(size / 1024 / 1024).toFixed(1)} MiB, ${(size / stats.events).toFixed(1)} bytes/event`);

    const q = (params: Record<string, string | number>): CaptureEventsQuery => CaptureEventsQuery.parse(params);
    const timed = <T>(label: string, f: () => T): T => {
      const t = performance.now();
      const r = f();
      console.log(`${label.padEnd(28)}${ms(t)}`);
      return r;
    };
    const reader = store.reader(id);
    const m = store.meta(id);
    timed('first page (cold)', () => queryEvents(reader, m, q({ limit: 100 })));
    timed('page at offset 900k', () => queryEvents(reader, m, q({ limit: 100, offset: Math.floor(TOTAL * 0.9) })));
    const dd = timed('filter proc.comm==dd', () => queryEvents(reader, m, q({ filter: 'proc.comm==dd', limit: 100 })));
    const re = timed('filter proc.comm~^py', () => queryEvents(reader, m, q({ filter: 'proc.comm~^py', limit: 100 })));
    const both = timed('filter dd + args regex', () => queryEvents(reader, m, q({ filter: 'proc.comm==dd,args~model_epoch_1', limit: 100 })));
    const body = timed('filter args~ (1M rows)', () => queryEvents(reader, m, q({ filter: 'args~model_epoch_42\\.', limit: 100 })));
    timed('  next page', () => queryEvents(reader, m, q({ filter: 'args~model_epoch_42\\.', limit: 100, offset: 100 })));
    timed('  page at offset 5k', () => queryEvents(reader, m, q({ filter: 'args~model_epoch_42\\.', limit: 100, offset: 5_000 })));
    const broad = timed('filter args~ (all match)', () => queryEvents(reader, m, q({ filter: 'args~^/bin/', limit: 100 })));
    const node = timed('filter k8s.node==node-1', () => queryEvents(reader, m, q({ filter: 'k8s.node==node-1', limit: 100 })));
    timed('sort -proc.pid', () => queryEvents(reader, m, q({ sort: '-proc.pid', limit: 100 })));
    const tl = timed('timeline 200 by pod', () => queryTimeline(reader, m, CaptureTimelineQuery.parse({ buckets: 200, groupBy: 'pod' })));
    timed('timeline, filtered', () => queryTimeline(reader, m, CaptureTimelineQuery.parse({ buckets: 200, groupBy: 'pod', filter: 'proc.comm==dd' })));
    timed('overview counts', () => captureOverview(reader));
    console.log(`(matches: dd ${dd.total}, ^py ${re.total}, dd+regex ${both.total}, args ${body.total}, all ${broad.total}, node ${node.total}; timeline total ${tl.total})`);
    store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
