import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENT_NODE_FLAGS, relaunchOf } from './nodeRuntime.ts';

const bin = new URL('../../bin/podscope-agent.mjs', import.meta.url).pathname;

describe('relaunchOf', () => {
  it('adds the agent flags before node\'s own arguments and the environment, and marks the relaunch', () => {
    const r = relaunchOf('/usr/bin/node', ['--import', 'tsx'], ['/usr/bin/node', '/a/bin.mjs', 'serve', '--node', 'n1'], { PATH: '/bin' });
    expect(r?.argv).toEqual(['/usr/bin/node', ...AGENT_NODE_FLAGS, '--import', 'tsx', '/a/bin.mjs', 'serve', '--node', 'n1']);
    expect(r?.env).toEqual(expect.arrayContaining(['PATH=/bin', 'MALLOC_ARENA_MAX=2', 'PODSCOPE_AGENT_RELAUNCH=0']));
  });

  it('keeps a value the user chose and does nothing once everything is in place', () => {
    const r = relaunchOf('/usr/bin/node', [], ['/usr/bin/node', '/a/bin.mjs'], { MALLOC_ARENA_MAX: '8' });
    expect(r?.env).toContain('MALLOC_ARENA_MAX=8');
    expect(relaunchOf('/usr/bin/node', ['--max-semi-space-size=16'], ['/usr/bin/node', '/a/bin.mjs'], { MALLOC_ARENA_MAX: '8' })).toBeNull();
    expect(relaunchOf('/usr/bin/node', [], ['/usr/bin/node', '/a/bin.mjs'], { MALLOC_ARENA_MAX: '8', NODE_OPTIONS: '--max-semi-space-size=2' })).toBeNull();
    expect(relaunchOf('/usr/bin/node', [], ['/usr/bin/node', '/a/bin.mjs'], { PODSCOPE_AGENT_RELAUNCH: '0' })).toBeNull();
  });

  it('replaces the started process: same pid, the flags on its command line, stderr still connected', async () => {
    const env = { ...process.env };
    delete env.PODSCOPE_AGENT_RELAUNCH;
    delete env.MALLOC_ARENA_MAX;
    const p = spawn(process.execPath, [bin, 'serve', '--hub', 'ws://127.0.0.1:1/agent', '--token', 'relaunch-test-token', '--node', 'relaunch'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      let stderr = '';
      p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      // The agent reports its failing hub connection on stderr only after the relaunched image has started.
      await new Promise<void>((resolve, reject) => {
        p.once('exit', (code) => reject(new Error(`agent exited ${code}: ${stderr}`)));
        p.stderr.on('data', () => stderr.includes('reconnecting') && resolve());
      });
      const cmdline = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline.slice(1, 1 + AGENT_NODE_FLAGS.length)).toEqual([...AGENT_NODE_FLAGS]);
      expect(readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');
    } finally {
      p.kill('SIGKILL');
    }
  }, 60_000);
});
