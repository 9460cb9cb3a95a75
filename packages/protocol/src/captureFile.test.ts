import { describe, expect, it } from 'vitest';
import { CAPTURE_FILE_HEADER_BYTES, CAPTURE_FILE_TRAILER_BYTES, readCaptureFileLayout } from './captureFile.ts';

const enc = new TextEncoder();

function header(bodyBytes: number, version = 1): Uint8Array {
  const h = new Uint8Array(CAPTURE_FILE_HEADER_BYTES);
  h.set(enc.encode('PODSCOPE-CAPTURE'));
  const view = new DataView(h.buffer);
  view.setUint32(16, version);
  view.setBigUint64(24, BigInt(bodyBytes));
  return h;
}

function trailer(): Uint8Array {
  const t = new Uint8Array(CAPTURE_FILE_TRAILER_BYTES);
  t.set(enc.encode('PSSIG001'));
  t.fill(1, 8, 72);
  t.fill(2, 72, 104);
  t.fill(3, 104, 168);
  t.set(enc.encode('PSEND001'), 168);
  return t;
}

describe('readCaptureFileLayout', () => {
  it('splits a well-formed file into digest, signer, signature and the signed message', () => {
    const size = CAPTURE_FILE_HEADER_BYTES + 100 + CAPTURE_FILE_TRAILER_BYTES;
    const l = readCaptureFileLayout(header(100), trailer(), size);
    expect({ bodyOffset: l.bodyOffset, bodyBytes: l.bodyBytes }).toEqual({ bodyOffset: 32, bodyBytes: 100 });
    expect([l.digest.length, l.signerKey.length, l.signature.length, l.signedMessage.length]).toEqual([64, 32, 64, 96]);
    expect([l.digest[0], l.signerKey[0], l.signature[0]]).toEqual([1, 2, 3]);
    expect(l.signedMessage.subarray(0, 32)).toEqual(header(100));
  });

  it('names what is wrong with a damaged file', () => {
    const size = CAPTURE_FILE_HEADER_BYTES + 100 + CAPTURE_FILE_TRAILER_BYTES;
    expect(() => readCaptureFileLayout(header(100), trailer(), size - 1)).toThrow(/truncated podscope capture/);
    expect(() => readCaptureFileLayout(header(100), trailer(), size + 3)).toThrow(/3 unexpected bytes after its end/);
    expect(() => readCaptureFileLayout(header(100, 2), trailer(), size)).toThrow(/format version 2 is not supported/);
    expect(() => readCaptureFileLayout(new Uint8Array(32), trailer(), size)).toThrow(/wrong magic/);
    expect(() => readCaptureFileLayout(header(100), new Uint8Array(CAPTURE_FILE_TRAILER_BYTES), size)).toThrow(/no valid signature block/);
    expect(() => readCaptureFileLayout(header(0), trailer(), 10)).toThrow(/less than its 32-byte header/);
  });
});
