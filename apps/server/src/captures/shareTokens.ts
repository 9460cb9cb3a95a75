import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { PodscopeError, ShareInfo } from '@podscope/protocol';
import { readJsonFile, writeJsonFile } from '../jsonFile.ts';

const StoredShare = ShareInfo.extend({ tokenHash: z.string() });
type StoredShare = z.infer<typeof StoredShare>;
const SharesFile = z.object({ shares: z.array(StoredShare) });

export interface ShareGrant {
  shareId: string;
  captureId: string;
}

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');
const TOKEN_PREFIX = 'pss_';

/**
 * Share links: random tokens, each read-only access to one capture until it expires or is revoked.
 * Only the tokens' SHA-256 hashes are stored (`shares.json`); a token is shown once, at creation.
 */
export class ShareTokens {
  private shares: StoredShare[] = [];
  readonly file: string;

  private constructor(
    dataDir: string,
    private readonly now: () => number,
  ) {
    this.file = path.join(dataDir, 'shares.json');
  }

  static async open(dataDir: string, now: () => number): Promise<ShareTokens> {
    const s = new ShareTokens(dataDir, now);
    s.shares = (await readJsonFile(s.file, SharesFile))?.shares ?? [];
    return s;
  }

  async create(captureId: string, user: string, expiresInSec: number): Promise<{ share: ShareInfo; token: string }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = this.now();
    const stored: StoredShare = { id: randomBytes(6).toString('hex'), captureId, createdBy: user, createdAt: now, expiresAt: now + expiresInSec * 1000, tokenHash: hash(token) };
    this.shares.push(stored);
    await this.save();
    return { share: publicInfo(stored), token };
  }

  list(captureId: string): ShareInfo[] {
    return this.shares.filter((s) => s.captureId === captureId).map(publicInfo);
  }

  async revoke(captureId: string, shareId: string): Promise<ShareInfo> {
    const s = this.shares.find((x) => x.id === shareId && x.captureId === captureId);
    if (s === undefined) throw new PodscopeError('not_found', `capture ${captureId} has no share link ${shareId}`, { captureId, shareId });
    s.revokedAt ??= this.now();
    await this.save();
    return publicInfo(s);
  }

  async forgetCapture(captureId: string): Promise<void> {
    const before = this.shares.length;
    this.shares = this.shares.filter((s) => s.captureId !== captureId);
    if (this.shares.length !== before) await this.save();
  }

  /** Checks a presented token; throws unauthorized (unknown, expired) or forbidden (revoked) with the reason. */
  verify(token: string): ShareGrant {
    const h = hash(token);
    const s = this.shares.find((x) => x.tokenHash === h);
    if (s === undefined) throw new PodscopeError('unauthorized', 'this share link is not valid (unknown token)');
    if (s.revokedAt !== undefined) {
      throw new PodscopeError('forbidden', `this share link was revoked on ${new Date(s.revokedAt).toISOString()}`, { reason: 'revoked', revokedAt: s.revokedAt });
    }
    if (this.now() >= s.expiresAt) {
      throw new PodscopeError('unauthorized', `this share link expired on ${new Date(s.expiresAt).toISOString()}`, { reason: 'expired', expiresAt: s.expiresAt });
    }
    return { shareId: s.id, captureId: s.captureId };
  }

  private save(): Promise<void> {
    return writeJsonFile(this.file, { shares: this.shares });
  }
}

function publicInfo(s: StoredShare): ShareInfo {
  const { tokenHash: _hash, ...info } = s;
  return info;
}
