import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// `podscope-agent run --duration N` stops the run by itself after N seconds (kubectl capture -M); needs root and eBPF.
const run = promisify(execFile);
const bin = new URL('../bin/podscope-agent.mjs', import.meta.url).pathname;
// The sources, not a bundle a previous build left behind.
const env = { ...process.env, PODSCOPE_AGENT_FROM_SOURCE: '1' };

describe('podscope-agent run --duration', () => {
  it('ends the run on its own with the usual summary, and refuses a conflicting --timeout', async () => {
    expect(process.getuid?.()).toBe(0);
    const { stderr } = await run(process.execPath, [bin, 'run', 'trace_exec', '-A', '--duration', '1', '-o', 'json'], { timeout: 60_000, env });
    expect(stderr).toMatch(/trace_exec on \S+: \d+ events, lost: kernel 0, agent 0/);
    const conflict = await run(process.execPath, [bin, 'run', 'trace_exec', '-A', '-M', '1', '-t', '5'], { timeout: 60_000, env }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code?: number; stderr?: string }) => ({ code: err.code ?? -1, stderr: err.stderr ?? '' }),
    );
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(/--duration and --timeout/);
  });
});
