// Needs root and the sock/inet_sock_set_state tracepoint; loopback traffic only. Fails, never skips.
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { startGadget, type RunningGadget } from '../../src/index.ts';
import { EventCollector, sleep } from '../../test/eventCollector.ts';

let gadget: RunningGadget | undefined;
const servers: Server[] = [];
afterEach(() => {
  gadget?.close();
  gadget = undefined;
  for (const s of servers.splice(0)) s.close();
});

async function listen(host: string): Promise<number> {
  const server = createServer((sock) => sock.on('error', () => undefined).on('end', () => sock.end()));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, r));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** A child process connects (and closes), so connect/close belong to a pid other than ours. */
async function connectFrom(host: string, port: number): Promise<number> {
  const code = `import socket\ntry:\n s=socket.create_connection((${JSON.stringify(host)},${port}),timeout=2); s.close()\nexcept OSError: pass`;
  const child = execFile('python3', ['-c', code]);
  await new Promise((r) => child.on('exit', r));
  if (child.pid === undefined) throw new Error('no child pid');
  return child.pid;
}

const byPid = (pid: number, type: string) => (e: EventRecord) => e['proc.pid'] === pid && e['type'] === type;

describe('trace_tcp on the real kernel', () => {
  it('reports connect, accept and close over IPv4 with endpoints and owners', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_tcp', { params: {}, selection: { enabled: false }, onEvents: c.onEvents });
    const port = await listen('127.0.0.1');
    const pid = await connectFrom('127.0.0.1', port);

    const conn = await c.waitFor(byPid(pid, 'connect'));
    expect(conn).toMatchObject({ 'dst.addr': '127.0.0.1', 'dst.port': port, dst: `127.0.0.1:${port}`, 'src.addr': '127.0.0.1', error: '', retval: 0, 'proc.ppid': process.pid, 'src.version': 4 });
    expect(conn['proc.comm']).toMatch(/^python3/);
    const ephemeral = conn['src.port'] as number;
    expect(ephemeral).toBeGreaterThan(0);
    expect(conn['src']).toBe(`127.0.0.1:${ephemeral}`);

    const acc = await c.waitFor((e) => e['type'] === 'accept' && e['dst.port'] === ephemeral);
    expect(acc).toMatchObject({ 'proc.pid': process.pid, src: `127.0.0.1:${port}`, dst: `127.0.0.1:${ephemeral}`, error: '' });
    expect(acc['fd']).toBeGreaterThanOrEqual(0);

    const close = await c.waitFor(byPid(pid, 'close'));
    expect(close).toMatchObject({ src: `127.0.0.1:${ephemeral}`, dst: `127.0.0.1:${port}` });
    // The server's side of the same connection is closed by us.
    await c.waitFor((e) => e['type'] === 'close' && e['proc.pid'] === process.pid && e['dst.port'] === ephemeral);
  });

  it('reports IPv6 endpoints in brackets', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_tcp', { params: {}, selection: { enabled: false }, onEvents: c.onEvents });
    const port = await listen('::1');
    const pid = await connectFrom('::1', port);
    const conn = await c.waitFor(byPid(pid, 'connect'));
    expect(conn).toMatchObject({ 'dst.addr': '::1', dst: `[::1]:${port}`, 'src.version': 6, error: '' });
    const acc = await c.waitFor((e) => e['type'] === 'accept' && e['dst.port'] === conn['src.port']);
    expect(acc).toMatchObject({ src: `[::1]:${port}`, 'dst.addr': '::1', 'proc.pid': process.pid });
  });

  it('reports a refused connect with ECONNREFUSED, and --failure-only keeps only failures', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_tcp', { params: { 'failure-only': true }, selection: { enabled: false }, onEvents: c.onEvents });
    const okPort = await listen('127.0.0.1');
    const okPid = await connectFrom('127.0.0.1', okPort);
    const port = await closedPort('127.0.0.1');
    const pid = await connectFrom('127.0.0.1', port);
    const ev = await c.waitFor(byPid(pid, 'connect'));
    expect(ev).toMatchObject({ error: 'ECONNREFUSED', retval: -111, dst: `127.0.0.1:${port}` });
    await sleep(50);
    // Reported once: by the handshake ending, not again by connect() returning the error.
    expect(c.matching(byPid(pid, 'connect'))).toHaveLength(1);
    expect(c.matching((e) => e['proc.pid'] === okPid)).toEqual([]);
    expect(c.matching((e) => e['error'] === '')).toEqual([]);
  });

  it('reports a connect that fails before any packet is sent (no route: ENETUNREACH)', async () => {
    // A network namespace of our own with no interface up and no route: the connect fails in the
    // route lookup, before SYN_SENT, and nothing leaves the namespace.
    const ns = `ps-tcp-${process.pid}-${Date.now() % 100000}`;
    const ip = (...args: string[]): Promise<void> =>
      new Promise((resolve, reject) => execFile('ip', args, (err) => (err ? reject(new Error(`ip ${args.join(' ')}: ${err.message}`)) : resolve())));
    await ip('netns', 'add', ns);
    try {
      const c = new EventCollector();
      gadget = await startGadget('trace_tcp', { params: {}, selection: { enabled: false }, onEvents: c.onEvents });
      const code = `import socket\ns=socket.socket()\ntry:\n s.connect(("10.255.0.1",8080))\nexcept OSError: pass`;
      const child = execFile('ip', ['netns', 'exec', ns, 'python3', '-c', code]);
      await new Promise((r) => child.on('exit', r));
      const ev = await c.waitFor(byPid(child.pid ?? -1, 'connect'));
      expect(ev).toMatchObject({ error: 'ENETUNREACH', retval: -101, dst: '10.255.0.1:8080', 'proc.comm': 'python3' });
      expect(ev['fd']).toBeGreaterThanOrEqual(3);
      await sleep(50);
      expect(c.matching(byPid(child.pid ?? -1, 'connect'))).toHaveLength(1);
    } finally {
      await ip('netns', 'del', ns);
    }
  });

  it('--accept-only drops connects and closes in the kernel', async () => {
    const c = new EventCollector();
    gadget = await startGadget('trace_tcp', { params: { 'accept-only': true }, selection: { enabled: false }, onEvents: c.onEvents });
    const port = await listen('127.0.0.1');
    await connectFrom('127.0.0.1', port);
    await c.waitFor((e) => e['type'] === 'accept' && e['src.port'] === port);
    await sleep(50);
    expect(c.matching((e) => e['type'] !== 'accept')).toEqual([]);
  });
});
