// Needs root and the signal/signal_generate tracepoint. Fails, never skips.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startGadget, type RunningGadget } from '../../src/index.ts';
import { EventCollector, sleep } from '../../test/eventCollector.ts';

let gadget: RunningGadget | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
});

/** A python3 child that ignores SIGUSR1 and says when it is ready. */
async function ignoringChild(): Promise<ReturnType<typeof spawn>> {
  const child = spawn('python3', ['-c', 'import signal,time\nsignal.signal(signal.SIGUSR1, signal.SIG_IGN)\nprint("ready", flush=True)\ntime.sleep(30)']);
  await new Promise<void>((r) => child.stdout.once('data', () => r()));
  return child;
}

describe('trace_signal on the real kernel', () => {
  it('reports a SIGKILL with sender, target, code and result', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_signal', { params: {}, selection: { enabled: false }, onEvents: c.onEvents });
    const child = spawn('sleep', ['30']);
    await sleep(50);
    child.kill('SIGKILL');
    const ev = await c.waitFor((e) => e['tpid'] === child.pid && e['sig'] === 'SIGKILL');
    expect(ev).toMatchObject({ 'proc.pid': process.pid, tcomm: 'sleep', sig_raw: 9, code: 0, result: 'delivered', group: true, 'proc.uid': 0 });
    // The dying child then signals us: SIGCHLD, sent by the child.
    await c.waitFor((e) => e['sig'] === 'SIGCHLD' && e['proc.pid'] === child.pid && e['tpid'] === process.pid);
  });

  it('--failed-only keeps ignored signals and drops delivered ones in the kernel', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_signal', { params: { 'failed-only': true }, selection: { enabled: false }, onEvents: c.onEvents });
    const child = await ignoringChild();
    child.kill('SIGUSR1');
    const ev = await c.waitFor((e) => e['tpid'] === child.pid && e['sig'] === 'SIGUSR1');
    expect(ev).toMatchObject({ result: 'ignored', 'proc.pid': process.pid });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    await sleep(50);
    expect(c.matching((e) => e['result'] === 'delivered')).toEqual([]);
  });

  it('--kill-only drops every other signal in the kernel', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_signal', { params: { 'kill-only': true }, selection: { enabled: false }, onEvents: c.onEvents });
    const child = await ignoringChild();
    child.kill('SIGUSR1');
    child.kill('SIGKILL');
    await c.waitFor((e) => e['tpid'] === child.pid && e['sig'] === 'SIGKILL');
    await sleep(50);
    expect(c.matching((e) => e['sig'] !== 'SIGKILL')).toEqual([]);
  });
});
