/** A bounded loopback TCP transfer inside this process: a client sends `bytes`, the server reads them and replies `reply` bytes. */
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface Transfer {
  readonly serverPort: number;
  readonly clientPort: number;
  /** Bytes the server read and the client read. */
  readonly serverReceived: number;
  readonly clientReceived: number;
}

export async function loopbackTransfer(bytes: number, opts: { clientAddress?: string; reply?: number } = {}): Promise<Transfer> {
  let serverReceived = 0;
  let clientReceived = 0;
  let closed!: () => void;
  const serverClosed = new Promise<void>((r) => (closed = r));
  const server = createServer((s: Socket) => {
    s.on('data', (d: Buffer) => {
      serverReceived += d.length;
      if (serverReceived >= bytes) s.end(Buffer.alloc(opts.reply ?? 0, 0x62));
    });
    s.on('close', closed);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const serverPort = (server.address() as AddressInfo).port;
  try {
    const client = createConnection({ host: '127.0.0.1', port: serverPort, localAddress: opts.clientAddress ?? '127.0.0.1' });
    client.on('data', (d: Buffer) => (clientReceived += d.length));
    await once(client, 'connect');
    const clientPort = client.localPort ?? 0;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let sent = 0; sent < bytes; sent += chunk.length) {
      if (!client.write(chunk.subarray(0, Math.min(chunk.length, bytes - sent)))) await once(client, 'drain');
    }
    const clientEnded = once(client, 'end');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('transfer did not finish within 10 s')), 10_000)));
    await Promise.race([Promise.all([clientEnded, serverClosed]), timeout]).finally(() => clearTimeout(timer));
    client.destroy();
    return { serverPort, clientPort, serverReceived, clientReceived };
  } finally {
    server.close();
  }
}
