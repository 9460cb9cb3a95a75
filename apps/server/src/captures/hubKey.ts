import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PodscopeError } from '@podscope/protocol';

/** An Ed25519 public key as 32 raw bytes (the last 32 bytes of its SPKI DER form). */
export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ type: 'spki', format: 'der' });
  return der.subarray(der.length - 32);
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** Short, stable name of a public key for messages: the first 16 hex digits of its SHA-256. */
export const fingerprint = (raw: Uint8Array): string => createHash('sha256').update(raw).digest('hex').slice(0, 16);

/**
 * The hub's signing key (`hub-key.pem`, created on first start) and the public keys it trusts for imports:
 * its own and every `trusted-keys/*.pem` (SPKI PEM, e.g. another hub's `GET /api/hub-key`).
 */
export class HubKey {
  readonly publicRaw: Buffer;

  private constructor(
    private readonly privateKey: KeyObject,
    readonly publicPem: string,
    private readonly trustedDir: string,
  ) {
    this.publicRaw = rawPublicKey(createPublicKey(privateKey));
  }

  static loadOrCreate(dataDir: string): HubKey {
    const file = path.join(dataDir, 'hub-key.pem');
    const trustedDir = path.join(dataDir, 'trusted-keys');
    mkdirSync(trustedDir, { recursive: true, mode: 0o700 });
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch {
      const { privateKey } = generateKeyPairSync('ed25519');
      pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    }
    let priv: KeyObject;
    try {
      priv = createPrivateKeyChecked(pem);
    } catch (err) {
      throw new PodscopeError('internal', `${file} is not an Ed25519 private key: ${err instanceof Error ? err.message : String(err)}`);
    }
    const publicPem = createPublicKey(priv).export({ type: 'spki', format: 'pem' }).toString();
    return new HubKey(priv, publicPem, trustedDir);
  }

  get fingerprint(): string {
    return fingerprint(this.publicRaw);
  }

  sign(message: Uint8Array): Buffer {
    return sign(null, message, this.privateKey);
  }

  /** Whether `signerRaw` is this hub's key or a trusted peer's (read fresh, so adding a file needs no restart). */
  trusts(signerRaw: Uint8Array): boolean {
    if (Buffer.from(signerRaw).equals(this.publicRaw)) return true;
    for (const f of readdirSync(this.trustedDir)) {
      if (!f.endsWith('.pem')) continue;
      try {
        const key = createPublicKey(readFileSync(path.join(this.trustedDir, f), 'utf8'));
        if (key.asymmetricKeyType === 'ed25519' && rawPublicKey(key).equals(Buffer.from(signerRaw))) return true;
      } catch {
        // Not a public key; ignored.
      }
    }
    return false;
  }
}

export function verifySignature(signerRaw: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, message, publicKeyFromRaw(signerRaw), signature);
  } catch {
    return false;
  }
}

function createPrivateKeyChecked(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`key type is ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}
