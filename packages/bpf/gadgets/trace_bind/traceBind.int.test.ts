// Needs root and syscall tracepoints; binds on loopback only. Fails, never skips.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startGadget, type RunningGadget } from '../../src/index.ts';
import { EventCollector, sleep } from '../../test/eventCollector.ts';

const run = promisify(execFile);

let gadget: RunningGadget | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
});

/** A child binds TCP 127.0.0.1:0, UDP [::1]:0 and then the TCP port again (EADDRINUSE); prints both ports. */
const script = `
import socket
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", 0)); t.listen()
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("::1", 0))
again = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    again.bind(("127.0.0.1", t.getsockname()[1]))
except OSError:
    pass
print(t.getsockname()[1], u.getsockname()[1], t.fileno(), flush=True)
`;

describe('trace_bind on the real kernel', () => {
  it('reports TCP/UDP, IPv4/IPv6 binds with the bound port, and EADDRINUSE', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_bind', { params: {}, selection: { enabled: false }, onEvents: c.onEvents });
    const child = execFile('python3', ['-c', script]);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.on('exit', r));
    const [tcpPort, udpPort, tcpFd] = out.trim().split(' ').map(Number);
    const mine = (): typeof c.events => c.matching((e) => e['proc.pid'] === child.pid);
    await c.waitFor((e) => e['proc.pid'] === child.pid && e['error'] === 'EADDRINUSE');
    expect(mine().find((e) => e['proto'] === 'TCP' && e['error'] === '')).toMatchObject({
      addr: '127.0.0.1',
      port: tcpPort,
      version: 4,
      fd: tcpFd,
      retval: 0,
      'proc.ppid': process.pid,
      'proc.uid': 0,
    });
    expect(mine().find((e) => e['proto'] === 'UDP')).toMatchObject({ addr: '::1', port: udpPort, version: 6, error: '' });
    expect(mine().find((e) => e['error'] === 'EADDRINUSE')).toMatchObject({ addr: '127.0.0.1', port: tcpPort, proto: 'TCP', retval: -98 });
    expect(mine()[0]?.['proc.comm']).toMatch(/^python3/);
  });

  it('applies the pushed-down uid filter', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_bind', { params: {}, selection: { enabled: false }, onEvents: c.onEvents, kernelFilter: { uid: [4242] } });
    await run('python3', ['-c', script]);
    await sleep(50);
    expect(c.events).toEqual([]);
    expect(gadget.kernelFiltered?.()).toBeGreaterThanOrEqual(3);
  });
});
