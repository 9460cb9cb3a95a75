import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './hubTestKit.ts';

let hub: TestHub;
let webDir: string;

beforeAll(async () => {
  webDir = await mkdtemp(path.join(os.tmpdir(), 'podscope-web-'));
  await mkdir(path.join(webDir, '_next', 'static'), { recursive: true });
  await mkdir(path.join(webDir, 'runs'), { recursive: true });
  await writeFile(path.join(webDir, 'index.html'), '<p>home</p>');
  await writeFile(path.join(webDir, 'login.html'), '<p>login</p>');
  await writeFile(path.join(webDir, 'runs', 'index.html'), '<p>runs</p>');
  await writeFile(path.join(webDir, '404.html'), '<p>missing</p>');
  await writeFile(path.join(webDir, '_next', 'static', 'app.js'), 'console.log(1)');
  await writeFile(path.join(path.dirname(webDir), 'podscope-secret.txt'), 'secret');
  hub = await startTestHub({ webDir });
});
afterAll(async () => {
  await hub.stop();
  await rm(webDir, { recursive: true, force: true });
  await rm(path.join(path.dirname(webDir), 'podscope-secret.txt'), { force: true });
});

async function get(p: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(hub.url + p);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** fetch normalises `..`, so traversal attempts go over a raw socket. */
function rawGet(p: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(hub.port, '127.0.0.1', () => s.write(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

describe('StaticFiles', () => {
  it('maps page routes of a Next static export', async () => {
    expect(await get('/')).toMatchObject({ status: 200, text: '<p>home</p>', type: 'text/html; charset=utf-8' });
    expect(await get('/login')).toMatchObject({ status: 200, text: '<p>login</p>' });
    expect(await get('/runs')).toMatchObject({ status: 200, text: '<p>runs</p>' });
    expect(await get('/runs/')).toMatchObject({ status: 200, text: '<p>runs</p>' });
    expect(await get('/_next/static/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(await get('/nowhere')).toMatchObject({ status: 404, text: '<p>missing</p>' });
    expect((await get('/nowhere.js')).status).toBe(404);
  });

  it('never serves files outside the web directory', async () => {
    for (const p of ['/../podscope-secret.txt', '/%2e%2e/podscope-secret.txt', '/..%2fpodscope-secret.txt', '/%2e%2e%5cpodscope-secret.txt']) {
      const res = await rawGet(p);
      expect(res, p).not.toContain('secret');
      expect(res, p).toMatch(/^HTTP\/1\.1 (400|404)/);
    }
  });

  it('keeps API paths JSON even when nothing matches', async () => {
    const res = await get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.type).toContain('application/json');
  });
});
