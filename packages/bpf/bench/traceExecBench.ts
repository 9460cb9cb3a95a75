/**
 * Measures trace_exec: gadget start (open → attached), delivery under an exec flood, and the
 * decoder's raw capacity. Run as root: pnpm --filter @podscope/bpf bench
 */
import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startGadget } from '../src/index.ts';
import { gadgetSpecOf } from '../src/catalog.ts';
import { mountNsOf } from '../test/eventCollector.ts';

const run = promisify(execFile);
const processStartMs = performance.timeOrigin;
const hostMntns = mountNsOf('self', readlinkSync);

async function startTimes(): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const g = await startGadget('trace_exec', { params: {}, selection: { enabled: false }, onEvents: () => undefined });
    const total = performance.now() - t0;
    samples.push(g.attachMs);
    if (i === 0) console.log(`first start: process start → attached ${(Date.now() - processStartMs).toFixed(0)} ms, startGadget ${total.toFixed(1)} ms`);
    g.close();
  }
  console.log(`attach (open → attached) ms: ${samples.map((s) => s.toFixed(1)).join(', ')}`);
}

async function flood(workers: number, perWorker: number): Promise<void> {
  let delivered = 0;
  let batches = 0;
  const tag = `bench${process.pid}`;
  const g = await startGadget('trace_exec', {
    params: {},
    selection: { enabled: true },
    onEvents: (evs) => {
      batches++;
      for (const e of evs) if (e['args'] === `/bin/true ${tag}`) delivered++;
    },
  });
  // The flood runs in fresh mount namespaces; the rest of the host is dropped in the kernel.
  g.denyMountNs([hostMntns]);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const script = `i=0; while [ $i -lt ${perWorker} ]; do /bin/true ${tag}; i=$((i+1)); done`;
  await Promise.all(Array.from({ length: workers }, () => run('unshare', ['-m', '/bin/sh', '-c', script])));
  const secs = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 50));
  const cpu = process.cpuUsage(cpu0);
  const spawned = workers * perWorker;
  console.log(
    `flood: ${spawned} execs in ${secs.toFixed(2)} s = ${(spawned / secs).toFixed(0)} execs/s; delivered ${delivered}, kernel drops ${g.kernelDrops()}, ` +
      `${batches} batches, agent CPU ${(((cpu.user + cpu.system) / 1e6 / secs) * 100).toFixed(1)}% of a core`,
  );
  g.close();
}

function decoderCapacity(): void {
  const spec = gadgetSpecOf('trace_exec');
  const { decode } = spec.decoder(0);
  const argsOffset = spec.event.fields.find((f) => f.name === 'args')?.offset ?? 0;
  const recLen = argsOffset + 40;
  const stride = (recLen + 8 + 7) & ~7;
  const n = 100_000;
  const bytes = new Uint8Array(stride * n);
  const view = new DataView(bytes.buffer);
  const argv = new TextEncoder().encode('/usr/bin/python3\0-m\0http.server\0 8080\0');
  for (let i = 0; i < n; i++) {
    const at = i * stride + 8;
    view.setUint32(at - 8, recLen, true);
    bytes.set(new TextEncoder().encode('python3'), at + 36);
    view.setUint32(at + argsOffset - 4, argv.length, true);
    bytes.set(argv, at + argsOffset);
  }
  let sink = 0;
  const t0 = performance.now();
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < n; i++) if (decode(view, bytes, i * stride + 8, recLen) !== null) sink++;
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`decoder capacity: ${(sink / secs / 1e6).toFixed(2)} M events/s`);
}

await startTimes();
await flood(2, 2000);
await flood(4, 2000);
decoderCapacity();
