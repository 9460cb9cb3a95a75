import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { PodscopeError } from '@podscope/protocol';
import { fingerprint, verifySignature, type HubKey } from './hubKey.ts';

// A `.podscope` file:
//   header  (32 B): magic "PODSCOPE-CAPTURE" (16) | version u32 BE | flags u32 BE | SQLite length u64 BE
//   body         : the capture's SQLite file, byte for byte
//   trailer (176 B): "PSSIG001" | SHA-512 of the body (64) | signer's Ed25519 public key (32)
//                   | Ed25519 signature over header ‖ SHA-512 (64) | "PSEND001"
// Signing the digest rather than the bytes lets a hub sign and check files of any size while streaming.

export const CAPTURE_MAGIC = Buffer.from('PODSCOPE-CAPTURE', 'ascii');
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 32;
export const TRAILER_BYTES = 176;
const SIG_TAG = Buffer.from('PSSIG001', 'ascii');
const END_TAG = Buffer.from('PSEND001', 'ascii');

function header(bodyBytes: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  CAPTURE_MAGIC.copy(h, 0);
  h.writeUInt32BE(FORMAT_VERSION, 16);
  h.writeUInt32BE(0, 20);
  h.writeBigUInt64BE(BigInt(bodyBytes), 24);
  return h;
}

async function sha512OfRange(file: string, start: number, length: number): Promise<Buffer> {
  const hash = createHash('sha512');
  if (length > 0) for await (const chunk of createReadStream(file, { start, end: start + length - 1 })) hash.update(chunk as Buffer);
  return hash.digest();
}

/** Streams a signed `.podscope` file for a standalone SQLite snapshot at `sqliteFile`. */
export async function signedExportStream(sqliteFile: string, key: HubKey): Promise<{ stream: Readable; bytes: number }> {
  const size = (await stat(sqliteFile)).size;
  const head = header(size);
  const digest = await sha512OfRange(sqliteFile, 0, size);
  const signature = key.sign(Buffer.concat([head, digest]));
  const trailer = Buffer.concat([SIG_TAG, digest, key.publicRaw, signature, END_TAG]);
  const out = new PassThrough();
  out.write(head);
  const body = createReadStream(sqliteFile);
  body.on('error', (err) => out.destroy(err));
  body.on('end', () => out.end(trailer));
  body.pipe(out, { end: false });
  return { stream: out, bytes: HEADER_BYTES + size + TRAILER_BYTES };
}

export interface VerifiedCapture {
  /** Where the SQLite bytes start and how many there are, inside the checked file. */
  bodyOffset: number;
  bodyBytes: number;
  signer: string;
}

/** Checks a `.podscope` file on disk: layout, digest, signature and that the signer is trusted. */
export async function verifyCaptureFile(file: string, key: HubKey): Promise<VerifiedCapture> {
  const size = (await stat(file)).size;
  if (size < HEADER_BYTES) throw new PodscopeError('bad_request', `truncated podscope capture: ${size} bytes, less than its ${HEADER_BYTES}-byte header`);
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(HEADER_BYTES);
    await fh.read(head, 0, HEADER_BYTES, 0);
    if (!head.subarray(0, 16).equals(CAPTURE_MAGIC)) throw new PodscopeError('bad_request', 'not a podscope capture (wrong magic)');
    const version = head.readUInt32BE(16);
    if (version !== FORMAT_VERSION) {
      throw new PodscopeError('bad_request', `podscope capture format version ${version} is not supported (this hub reads version ${FORMAT_VERSION})`);
    }
    const bodyBig = head.readBigUInt64BE(24);
    const expected = BigInt(HEADER_BYTES) + bodyBig + BigInt(TRAILER_BYTES);
    if (BigInt(size) < expected) throw new PodscopeError('bad_request', `truncated podscope capture: ${size} bytes, expected ${expected}`);
    if (BigInt(size) > expected) throw new PodscopeError('bad_request', `podscope capture has ${BigInt(size) - expected} unexpected bytes after its end`);
    const bodyBytes = Number(bodyBig);
    const trailer = Buffer.alloc(TRAILER_BYTES);
    await fh.read(trailer, 0, TRAILER_BYTES, HEADER_BYTES + bodyBytes);
    if (!trailer.subarray(0, 8).equals(SIG_TAG) || !trailer.subarray(168, 176).equals(END_TAG)) {
      throw new PodscopeError('bad_request', 'podscope capture has no valid signature block (damaged or truncated file)');
    }
    const digest = trailer.subarray(8, 72);
    const signer = trailer.subarray(72, 104);
    const signature = trailer.subarray(104, 168);
    const actual = await sha512OfRange(file, HEADER_BYTES, bodyBytes);
    if (!actual.equals(digest)) throw new PodscopeError('bad_request', 'podscope capture was modified after it was signed (content does not match its signature)');
    if (!verifySignature(signer, Buffer.concat([head, digest]), signature)) {
      throw new PodscopeError('bad_request', 'podscope capture signature is invalid (the file was tampered with)');
    }
    if (!key.trusts(signer)) {
      throw new PodscopeError('bad_request', `podscope capture is signed by an untrusted hub key ${fingerprint(signer)}; add that hub's public key (GET /api/hub-key) to trusted-keys/`, {
        signer: fingerprint(signer),
      });
    }
    return { bodyOffset: HEADER_BYTES, bodyBytes, signer: fingerprint(signer) };
  } finally {
    await fh.close();
  }
}
