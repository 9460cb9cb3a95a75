// Needs root and syscall tracepoints on the real kernel: fails, never skips.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PodscopeError, resolveParams, type EventRecord, type ResolvedParams } from '@podscope/protocol';
import { gadgetCatalog, startGadget, type RunningGadget } from '../../src/index.ts';
import { EventCollector, sleep } from '../../test/eventCollector.ts';

// The child runs python3 under a unique name, so the pushed-down comm filter keeps only its syscalls.
const dir = mkdtempSync(join(tmpdir(), 'podscope-io-'));
const comm = `psio${randomBytes(3).toString('hex')}`;
const exe = join(dir, comm);
symlinkSync('/usr/bin/python3', exe);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let gadget: RunningGadget | undefined;
afterEach(() => {
  gadget?.close();
  gadget = undefined;
});

async function runChild(script: string): Promise<number> {
  const child = execFile(exe, ['-c', script], { timeout: 10_000 });
  let stderr = '';
  child.stderr?.on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`child failed (${code}): ${stderr}`);
  return child.pid ?? -1;
}

const text = (e: EventRecord): string => Buffer.from(String(e['data']), 'base64').toString('latin1');

async function capture(params: ResolvedParams, script: string): Promise<{ c: EventCollector; pid: number }> {
  const c = new EventCollector();
  gadget = await startGadget('trace_io', { params, selection: { enabled: false }, onEvents: c.onEvents, kernelFilter: { comm: [comm] } });
  const pid = await runChild(script);
  await sleep(100);
  return { c, pid };
}

describe('trace_io on the real kernel', () => {
  it('captures what a pipe, a socketpair and a loopback TCP connection carry, with ops, bytes and fd names', async () => {
    const nonce = randomBytes(6).toString('hex');
    const { c, pid } = await capture(
      {},
      `
import os, socket
r, w = os.pipe()
os.write(w, b"pipe-${nonce}")
os.read(r, 100)
a, b = socket.socketpair()
a.sendmsg([b"pair-${nonce}", b"-second-iov"])
b.recvmsg(100)
os.writev(w, [b"vec-${nonce}", b"-more"])
os.readv(r, [bytearray(6), bytearray(100)])
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
cli = socket.create_connection(srv.getsockname()); conn, _ = srv.accept()
cli.sendall(b"GET /${nonce} HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
conn.recv(1000)
conn.sendall(b"HTTP/1.1 200 OK\\r\\n\\r\\n")
cli.recv(1000)
port = srv.getsockname()[1]
cli.close(); conn.close(); srv.close()
`,
    );
    const mine = c.matching((e) => e['proc.pid'] === pid);
    expect(mine.length).toBeGreaterThan(10);
    for (const e of mine) expect(e['proc.comm']).toBe(comm);

    const pipeWrite = mine.find((e) => e['op'] === 'WRITE' && text(e) === `pipe-${nonce}`);
    expect(pipeWrite).toMatchObject({ bytes: 17, retval: 17, error: '', 'fd.type': 'pipe', data_len: 17, data_truncated: false });
    expect(pipeWrite?.['fd.name']).toMatch(/^pipe:\[\d+\]$/);
    // Reads are copied at exit: the data is what was received, not the 100-byte buffer.
    const pipeRead = mine.find((e) => e['op'] === 'READ' && text(e) === `pipe-${nonce}`);
    expect(pipeRead).toMatchObject({ bytes: 17, 'fd.type': 'pipe', 'fd.name': pipeWrite?.['fd.name'] });
    expect(pipeRead?.['delta_ns']).toBeGreaterThan(0);

    // msghdr / iovec: the first iovec is captured, bytes count all of them.
    const send = mine.find((e) => e['op'] === 'SENDMSG' && text(e) === `pair-${nonce}`);
    expect(send).toMatchObject({ bytes: 17 + 11, data_len: 17, data_truncated: true, 'fd.type': 'socket', 'fd.family': 1 });
    expect(send?.['fd.name']).toMatch(/^unix:\[\d+\]$/);
    expect(mine.find((e) => e['op'] === 'RECVMSG' && text(e).startsWith(`pair-${nonce}-second-iov`))).toBeDefined();
    expect(mine.find((e) => e['op'] === 'WRITEV' && text(e) === `vec-${nonce}`)).toMatchObject({ bytes: 16 + 5 });
    expect(mine.find((e) => e['op'] === 'READV' && text(e) === `vec-${n6(nonce)}`)).toMatchObject({ bytes: 21, data_len: 6 });

    const connect = mine.find((e) => e['op'] === 'CONNECT');
    expect(connect).toMatchObject({ 'fd.type': 'socket', 'fd.proto': 'TCP', error: '' });
    const accept = mine.find((e) => e['op'] === 'ACCEPT');
    const laddr = String(connect?.['laddr']);
    const raddr = String(connect?.['raddr']);
    expect(raddr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(connect?.['fd.name']).toBe(`${laddr}->${raddr}`);
    expect(accept).toMatchObject({ 'fd.name': `${raddr}->${laddr}`, laddr: raddr, raddr: laddr });
    expect(accept?.['fd']).toBeGreaterThanOrEqual(3);

    const request = mine.find((e) => e['op'] === 'SENDTO' && text(e).startsWith(`GET /${nonce} HTTP/1.1`));
    expect(request).toMatchObject({ 'fd.name': `${laddr}->${raddr}`, bytes: `GET /${nonce} HTTP/1.1\r\nHost: x\r\n\r\n`.length });
    const received = mine.find((e) => e['op'] === 'RECVFROM' && text(e).startsWith(`GET /${nonce}`));
    expect(received).toMatchObject({ 'fd.name': `${raddr}->${laddr}`, fd: accept?.['fd'] });
    expect(mine.find((e) => e['op'] === 'RECVFROM' && text(e) === 'HTTP/1.1 200 OK\r\n\r\n')).toMatchObject({ 'fd.name': `${laddr}->${raddr}` });
    // close is resolved at entry: the fd's name is still known.
    expect(mine.find((e) => e['op'] === 'CLOSE' && e['fd'] === accept?.['fd'])).toMatchObject({ 'fd.name': `${raddr}->${laddr}`, error: '' });
    expect(gadget?.kernelDrops()).toBe(0);
  });

  it('captures up to 4096 bytes and more with a larger snaplen, and only the bytes used at snaplen 0', async () => {
    const { c, pid } = await capture(
      { snaplen: 4096 },
      `
import os
r, w = os.pipe()
os.write(w, bytes(range(256)) * 20)
os.read(r, 8192)
os.write(w, b"tiny")
os.read(r, 8192)
`,
    );
    const expected = Buffer.from(Array.from({ length: 5120 }, (_, i) => i % 256));
    const big = c.matching((e) => e['proc.pid'] === pid && e['fd.type'] === 'pipe' && e['bytes'] === 5120);
    expect(big.map((e) => e['op']).sort()).toEqual(['READ', 'WRITE']);
    for (const e of big) {
      expect(e).toMatchObject({ data_len: 4096, data_truncated: true });
      expect(Buffer.from(String(e['data']), 'base64').equals(expected.subarray(0, 4096))).toBe(true);
    }
    const tiny = c.matching((e) => e['proc.pid'] === pid && e['fd.type'] === 'pipe' && e['bytes'] === 4);
    expect(tiny.map((e) => [e['op'], text(e), e['data_len']])).toEqual([
      ['WRITE', 'tiny', 4],
      ['READ', 'tiny', 4],
    ]);

    gadget?.close();
    const none = await capture({ snaplen: 0 }, `import os\nr, w = os.pipe()\nos.write(w, b"abc")\nos.read(r, 10)\n`);
    const pipeOps = none.c.matching((e) => e['proc.pid'] === none.pid && e['fd.type'] === 'pipe' && e['bytes'] === 3);
    expect(pipeOps.length).toBe(2);
    for (const e of pipeOps) expect(e).toMatchObject({ data: '', data_len: 0, data_truncated: true });
  });

  it('reports failed syscalls with their errno and refuses a snaplen out of range', async () => {
    const { c, pid } = await capture({ snaplen: 80 }, `import os\ntry:\n    os.read(987, 10)\nexcept OSError:\n    pass\nfd = os.open("/etc/passwd", os.O_RDONLY)\nos.read(fd, 5)\nos.close(fd)\n`);
    expect(c.matching((e) => e['proc.pid'] === pid && e['op'] === 'READ' && e['fd'] === 987)[0]).toMatchObject({ error: 'EBADF', bytes: 0, data_len: 0, 'fd.type': 'other' });
    // open gives the path as opened; reads and the close name the file by its dentry.
    const open = c.matching((e) => e['proc.pid'] === pid && e['op'] === 'OPEN' && e['fd.name'] === '/etc/passwd')[0];
    expect(open).toMatchObject({ 'fd.type': 'file', error: '' });
    const read = c.matching((e) => e['proc.pid'] === pid && e['op'] === 'READ' && e['fd'] === open?.['fd'] && e['bytes'] === 5)[0];
    expect(read).toMatchObject({ 'fd.type': 'file', 'fd.name': 'passwd', data: Buffer.from('root:').toString('base64') });
    expect(c.matching((e) => e['proc.pid'] === pid && e['op'] === 'CLOSE' && e['fd'] === open?.['fd']).at(-1)).toMatchObject({ 'fd.name': 'passwd', error: '' });

    const meta = gadgetCatalog.get('trace_io')?.meta;
    if (!meta) throw new Error('trace_io is not in the catalog');
    expect(resolveParams(meta, { snaplen: '4096' })['snaplen']).toBe(4096);
    expect(() => resolveParams(meta, { snaplen: 1 << 20 })).toThrow(/snaplen/);
    expect(() => resolveParams(meta, { snaplen: -1 })).toThrow(PodscopeError);
    // The kernel bounds its copy by snaplen, so the loader checks it too.
    const err = await startGadget('trace_io', { params: { snaplen: 100_000 }, selection: { enabled: false }, onEvents: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PodscopeError);
    expect((err as PodscopeError).code).toBe('bad_param');
  });
});

/** readv's first iovec holds 6 bytes: "vec-" and the nonce's first 2 characters. */
function n6(nonce: string): string {
  return nonce.slice(0, 2);
}
