import { PodscopeError } from './errors.ts';

// The layout of a signed `.podscope` capture export (docs/architecture.md, Captures):
//   header  (32 B): magic "PODSCOPE-CAPTURE" (16) | version u32 BE | flags u32 BE | SQLite length u64 BE
//   body         : the capture's SQLite file, byte for byte
//   trailer (176 B): "PSSIG001" | SHA-512 of the body (64) | signer's Ed25519 public key (32)
//                   | Ed25519 signature over header ‖ SHA-512 (64) | "PSEND001"
// Pure layout only; the hashing and the signature check are the reader's (node:crypto or WebCrypto).

export const CAPTURE_FILE_MAGIC = 'PODSCOPE-CAPTURE';
export const CAPTURE_FILE_VERSION = 1;
export const CAPTURE_FILE_HEADER_BYTES = 32;
export const CAPTURE_FILE_TRAILER_BYTES = 176;
const SIG_TAG = 'PSSIG001';
const END_TAG = 'PSEND001';

export interface CaptureFileLayout {
  /** Where the SQLite bytes start and how many there are. */
  bodyOffset: number;
  bodyBytes: number;
  /** The SHA-512 of the body the signer claims. */
  digest: Uint8Array;
  /** The signer's raw Ed25519 public key. */
  signerKey: Uint8Array;
  signature: Uint8Array;
  /** What the signature covers: header ‖ digest. */
  signedMessage: Uint8Array;
}

const ascii = (b: Uint8Array): string => String.fromCharCode(...b);

/** Where the trailer of a file with this header starts; throws a `bad_request` naming what is wrong. */
export function captureFileTrailerOffset(header: Uint8Array, fileBytes: number): number {
  if (fileBytes < CAPTURE_FILE_HEADER_BYTES || header.length < CAPTURE_FILE_HEADER_BYTES) {
    throw new PodscopeError('bad_request', `truncated podscope capture: ${fileBytes} bytes, less than its ${CAPTURE_FILE_HEADER_BYTES}-byte header`);
  }
  if (ascii(header.subarray(0, 16)) !== CAPTURE_FILE_MAGIC) throw new PodscopeError('bad_request', 'not a podscope capture (wrong magic)');
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const version = view.getUint32(16);
  if (version !== CAPTURE_FILE_VERSION) throw new PodscopeError('bad_request', `podscope capture format version ${version} is not supported (this reader knows version ${CAPTURE_FILE_VERSION})`);
  const body = view.getBigUint64(24);
  const expected = BigInt(CAPTURE_FILE_HEADER_BYTES) + body + BigInt(CAPTURE_FILE_TRAILER_BYTES);
  if (BigInt(fileBytes) < expected) throw new PodscopeError('bad_request', `truncated podscope capture: ${fileBytes} bytes, expected ${expected}`);
  if (BigInt(fileBytes) > expected) throw new PodscopeError('bad_request', `podscope capture has ${BigInt(fileBytes) - expected} unexpected bytes after its end`);
  return CAPTURE_FILE_HEADER_BYTES + Number(body);
}

/** Splits a header and trailer into the parts a verifier checks; throws `bad_request` on a damaged file. */
export function readCaptureFileLayout(header: Uint8Array, trailer: Uint8Array, fileBytes: number): CaptureFileLayout {
  const trailerAt = captureFileTrailerOffset(header, fileBytes);
  if (trailer.length !== CAPTURE_FILE_TRAILER_BYTES || ascii(trailer.subarray(0, 8)) !== SIG_TAG || ascii(trailer.subarray(168, 176)) !== END_TAG) {
    throw new PodscopeError('bad_request', 'podscope capture has no valid signature block (damaged or truncated file)');
  }
  const digest = trailer.slice(8, 72);
  const signedMessage = new Uint8Array(CAPTURE_FILE_HEADER_BYTES + digest.length);
  signedMessage.set(header.subarray(0, CAPTURE_FILE_HEADER_BYTES));
  signedMessage.set(digest, CAPTURE_FILE_HEADER_BYTES);
  return {
    bodyOffset: CAPTURE_FILE_HEADER_BYTES,
    bodyBytes: trailerAt - CAPTURE_FILE_HEADER_BYTES,
    digest,
    signerKey: trailer.slice(72, 104),
    signature: trailer.slice(104, 168),
    signedMessage,
  };
}
