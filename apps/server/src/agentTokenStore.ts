import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { PodscopeError } from '@podscope/protocol';
import { readJsonFile, writeJsonFile } from './jsonFile.ts';

const TokenRecord = z.object({
  name: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Unbound tokens may serve any node; bound ones only the node named `name`. */
  anyNode: z.boolean().default(false),
  createdAt: z.number(),
});
type TokenRecord = z.infer<typeof TokenRecord>;
const TokensFile = z.object({ version: z.literal(1), tokens: z.array(TokenRecord) });

/** What a valid agent token allows: `node` undefined means any node. */
export interface AgentGrant {
  tokenName: string;
  node: string | undefined;
}

export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Agent tokens in `<dataDir>/agent-tokens.json`, stored as SHA-256 (they are random, so no slow hash is needed). */
export class AgentTokenStore {
  readonly file: string;

  constructor(dataDir: string, private readonly envToken: string | undefined) {
    this.file = path.join(dataDir, 'agent-tokens.json');
  }

  private async records(): Promise<TokenRecord[]> {
    return (await readJsonFile(this.file, TokensFile))?.tokens ?? [];
  }

  /** Creates a token for node `name` (or for any node) and returns it; only its hash is kept. */
  async add(name: string, opts: { anyNode: boolean } = { anyNode: false }): Promise<string> {
    if (!NODE_NAME.test(name)) throw new PodscopeError('bad_request', `"${name}" is not a valid node name`);
    const records = await this.records();
    if (records.some((r) => r.name === name)) throw new PodscopeError('conflict', `an agent token named ${name} already exists`);
    const token = `psa_${randomBytes(32).toString('base64url')}`;
    records.push({ name, sha256: sha256(token).toString('hex'), anyNode: opts.anyNode, createdAt: Date.now() });
    await writeJsonFile(this.file, { version: 1, tokens: records });
    return token;
  }

  /** Re-reads the file each time, so `agent-token add` works without restarting the hub. */
  async verify(token: string): Promise<AgentGrant | undefined> {
    const presented = sha256(token);
    if (this.envToken !== undefined && timingSafeEqual(presented, sha256(this.envToken))) {
      return { tokenName: 'PODSCOPE_AGENT_TOKEN', node: undefined };
    }
    for (const r of await this.records()) {
      if (timingSafeEqual(presented, Buffer.from(r.sha256, 'hex'))) return { tokenName: r.name, node: r.anyNode ? undefined : r.name };
    }
    return undefined;
  }
}
