import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { PodscopeError } from '@podscope/protocol';
import { readJsonFile, writeJsonFile } from './jsonFile.ts';

const TokenRecord = z.object({
  name: z.string().min(1),
  /** The user the token acts as; it gets exactly that user's permissions. */
  user: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.number(),
});
type TokenRecord = z.infer<typeof TokenRecord>;
const TokensFile = z.object({ version: z.literal(1), tokens: z.array(TokenRecord) });

export const API_TOKEN_PREFIX = 'psu_';
const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The token of an `Authorization: Bearer psu_…` header; other schemes (Share) are not API tokens. */
export function bearerApiToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/**
 * API tokens for non-browser clients (the `kubectl podscope` plugin, scripts) in `<dataDir>/api-tokens.json`, kept
 * as SHA-256 (they are random). A token stands in for a login session of its user on REST and `/ws`.
 */
export class ApiTokenStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'api-tokens.json');
  }

  private async records(): Promise<TokenRecord[]> {
    return (await readJsonFile(this.file, TokensFile))?.tokens ?? [];
  }

  /** Creates a token named `name` acting as `user` and returns it; only its hash is kept. */
  async add(user: string, name: string): Promise<string> {
    if (!TOKEN_NAME.test(name)) throw new PodscopeError('bad_request', `"${name}" is not a valid token name (letters, digits, . _ -)`);
    const records = await this.records();
    if (records.some((r) => r.name === name)) throw new PodscopeError('conflict', `an API token named ${name} already exists`);
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    records.push({ name, user, sha256: sha256(token).toString('hex'), createdAt: Date.now() });
    await writeJsonFile(this.file, { version: 1, tokens: records });
    return token;
  }

  /** Removes every token acting as `user` (a deleted user); returns how many. */
  async removeUser(user: string): Promise<number> {
    const records = await this.records();
    const kept = records.filter((r) => r.user !== user);
    if (kept.length !== records.length) await writeJsonFile(this.file, { version: 1, tokens: kept });
    return records.length - kept.length;
  }

  /** The user a presented token acts as; re-reads the file, so `api-token add` needs no restart. */
  async userOf(token: string): Promise<string | undefined> {
    const presented = sha256(token);
    for (const r of await this.records()) if (timingSafeEqual(presented, Buffer.from(r.sha256, 'hex'))) return r.user;
    return undefined;
  }

  /** The user of the request's bearer token: undefined without one, `unauthorized` when it is not valid. */
  async userOfRequest(req: IncomingMessage): Promise<string | undefined> {
    const token = bearerApiToken(req);
    if (token === undefined) return undefined;
    const user = await this.userOf(token);
    if (user === undefined) throw new PodscopeError('unauthorized', 'the API token is not valid (mistyped, or removed from api-tokens.json)');
    return user;
  }
}
