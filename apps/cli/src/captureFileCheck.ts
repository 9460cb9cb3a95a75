import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { CAPTURE_FILE_HEADER_BYTES, CAPTURE_FILE_TRAILER_BYTES, PodscopeError, captureFileTrailerOffset, readCaptureFileLayout } from '@podscope/protocol';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** The short name the hub gives a key (GET /api/hub-key `fingerprint`): the first 16 hex digits of SHA-256 of its raw bytes. */
export const keyFingerprint = (raw: Uint8Array): string => createHash('sha256').update(raw).digest('hex').slice(0, 16);

function rawOf(key: KeyObject): Buffer {
  const der = key.export({ type: 'spki', format: 'der' });
  return der.subarray(der.length - 32);
}

export interface CheckedCapture {
  bytes: number;
  sqliteBytes: number;
  signer: string;
}

async function readAt(file: string, offset: number, length: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(length);
    const { bytesRead } = await fh.read(b, 0, length, offset);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Checks a downloaded `.podscope` export the way the hub's importer does: layout, the body's SHA-512, the Ed25519
 * signature, and that the signer is the hub it came from (`expectedKeyPem`, from GET /api/hub-key).
 */
export async function checkCaptureFile(file: string, expectedKeyPem: string): Promise<CheckedCapture> {
  const size = (await stat(file)).size;
  const header = await readAt(file, 0, CAPTURE_FILE_HEADER_BYTES);
  const trailerAt = captureFileTrailerOffset(header, size);
  const layout = readCaptureFileLayout(header, await readAt(file, trailerAt, CAPTURE_FILE_TRAILER_BYTES), size);
  const hash = createHash('sha512');
  if (layout.bodyBytes > 0) for await (const chunk of createReadStream(file, { start: layout.bodyOffset, end: layout.bodyOffset + layout.bodyBytes - 1 })) hash.update(chunk as Buffer);
  if (!hash.digest().equals(layout.digest)) throw new PodscopeError('bad_request', `${file} was modified after it was signed (content does not match its signature)`);
  const signer = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, layout.signerKey]), format: 'der', type: 'spki' });
  if (!verify(null, layout.signedMessage, signer, layout.signature)) throw new PodscopeError('bad_request', `${file}: the signature is invalid (the file was tampered with)`);
  const expected = rawOf(createPublicKey(expectedKeyPem));
  if (!expected.equals(Buffer.from(layout.signerKey))) {
    throw new PodscopeError('bad_request', `${file} is signed by hub key ${keyFingerprint(layout.signerKey)}, not by this hub's key ${keyFingerprint(expected)}`);
  }
  if (!(await readAt(file, layout.bodyOffset, SQLITE_MAGIC.length)).equals(SQLITE_MAGIC)) throw new PodscopeError('bad_request', `${file}: the signed body is not a SQLite database`);
  return { bytes: size, sqliteBytes: layout.bodyBytes, signer: keyFingerprint(layout.signerKey) };
}
