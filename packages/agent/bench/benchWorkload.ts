// A static C workload for benchmarks: compiled on the host, bind-mounted read-only into a busybox container
// labelled as a pod, run with `podman exec`, reporting its own ops and CPU time as one JSON line.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { podLabels, podman, setupPodman } from '../test/podman.ts';
import { unpinned } from './benchStack.ts';

const repo = new URL('../../../', import.meta.url).pathname;

/** instructions/cycles: the workload's own hardware counters (user + kernel), 0 where the CPU exposes none. */
export const WorkResult = z.object({ ops: z.number(), seconds: z.number(), cpu: z.number(), instructions: z.number().default(0), cycles: z.number().default(0) });
export type WorkResult = z.infer<typeof WorkResult>;

export class BenchWorkload {
  private constructor(
    readonly container: string,
    private readonly binary: string,
  ) {}

  /** Compiles `bench/<source>.c` and starts container `container` as pod `namespace/pod`. */
  static start(source: string, container: string, namespace: string, pod: string): BenchWorkload {
    const binDir = join(repo, '.var/bench');
    mkdirSync(binDir, { recursive: true });
    execFileSync('gcc', ['-O2', '-static', '-o', join(binDir, source), join(repo, `packages/agent/bench/${source}.c`)]);
    const image = setupPodman();
    podman(['rm', '-f', '-t', '0', '--ignore', container], true);
    // --network none: whatever the workload talks to is on the container's own loopback.
    // PERFMON + no seccomp filter: the workload may read its own CPU counters (perf_event_open on itself).
    podman(['run', '-d', '--name', container, '--network', 'none', '--cap-add=PERFMON', '--security-opt', 'seccomp=unconfined', '-v', `${binDir}/${source}:/${source}:ro`, ...podLabels(namespace, pod, source), image, 'sleep', '3600']);
    return new BenchWorkload(container, `/${source}`);
  }

  /** Runs the workload once without blocking the event loop (the bench's WebSocket client must keep reading). */
  run(args: readonly (string | number)[]): Promise<WorkResult> {
    return new Promise((resolve, reject) => {
      const command = unpinned(['podman', 'exec', this.container, this.binary, ...args.map(String)]);
      const p = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
      let out = '';
      p.stdout.on('data', (c: Buffer) => (out += c.toString()));
      p.on('exit', (code) => {
        if (code !== 0) return reject(new Error(`workload exited ${code}`));
        try {
          resolve(WorkResult.parse(JSON.parse(out)));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
  }

  remove(): void {
    podman(['rm', '-f', '-t', '0', '--ignore', this.container], true);
  }
}
