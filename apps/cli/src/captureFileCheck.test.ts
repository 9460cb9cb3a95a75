import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCaptureFile, keyFingerprint } from './captureFileCheck.ts';

const dir = mkdtempSync(join(tmpdir(), 'podscope-cli-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const raw = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' }).subarray(-32);
const pem = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }).toString();

/** A `.podscope` file as the hub writes one (docs/architecture.md), signed by `key`. */
function signedFile(body: Buffer, key: { privateKey: KeyObject; publicKey: KeyObject }): Buffer {
  const head = Buffer.alloc(32);
  head.write('PODSCOPE-CAPTURE', 0, 'ascii');
  head.writeUInt32BE(1, 16);
  head.writeBigUInt64BE(BigInt(body.length), 24);
  const digest = createHash('sha512').update(body).digest();
  const signature = sign(null, Buffer.concat([head, digest]), key.privateKey);
  return Buffer.concat([head, body, Buffer.from('PSSIG001'), digest, raw(key.publicKey), signature, Buffer.from('PSEND001')]);
}

const hub = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const body = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4000, 7)]);

function fileOf(name: string, bytes: Buffer): string {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return f;
}

describe('checkCaptureFile', () => {
  it("accepts a file signed by the hub's key and names the signer as the hub does", async () => {
    const good = signedFile(body, hub);
    expect(await checkCaptureFile(fileOf('good.podscope', good), pem(hub.publicKey))).toEqual({ bytes: good.length, sqliteBytes: body.length, signer: keyFingerprint(raw(hub.publicKey)) });
  });

  it('refuses a changed body, a changed header, a foreign signer, a truncated file and a non-capture', async () => {
    const good = signedFile(body, hub);
    const flipped = Buffer.from(good);
    flipped[100]! ^= 1;
    await expect(checkCaptureFile(fileOf('flipped', flipped), pem(hub.publicKey))).rejects.toThrow(/modified after it was signed/);
    const header = Buffer.from(good);
    header[20] = 1; // flags: covered by the signature, not by the digest
    await expect(checkCaptureFile(fileOf('header', header), pem(hub.publicKey))).rejects.toThrow(/signature is invalid/);
    await expect(checkCaptureFile(fileOf('foreign', signedFile(body, other)), pem(hub.publicKey))).rejects.toThrow(/signed by hub key [0-9a-f]{16}, not by this hub's key/);
    await expect(checkCaptureFile(fileOf('short', good.subarray(0, good.length - 10)), pem(hub.publicKey))).rejects.toThrow(/truncated podscope capture/);
    await expect(checkCaptureFile(fileOf('pcap', Buffer.alloc(300, 0xd4)), pem(hub.publicKey))).rejects.toThrow(/not a podscope capture/);
    await expect(checkCaptureFile(fileOf('notsqlite', signedFile(Buffer.alloc(64, 1), hub)), pem(hub.publicKey))).rejects.toThrow(/not a SQLite database/);
  });
});
