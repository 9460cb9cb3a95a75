import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { PodscopeError } from '@podscope/protocol';

export const AGENT_VERSION = '0.1.0';

/** Everything the agent reads from flags and the environment, validated once, here. */
export const AgentConfig = z.object({
  node: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'node names are letters, digits, ".", "_" and "-"'),
  hubUrl: z.url({ protocol: /^wss?$/ }).optional(),
  token: z.string().min(1).optional(),
  /** Root of the host filesystem, for runtime state files (tests point it at a fixture tree). */
  hostRoot: z.string().default('/'),
  procRoot: z.string().default('/proc'),
  rescanMs: z.number().int().positive().default(1500),
  exitedRetentionMs: z.number().int().nonnegative().default(300_000),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export interface ConfigFlags {
  node?: string | undefined;
  hub?: string | undefined;
  token?: string | undefined;
  tokenFile?: string | undefined;
}

function readToken(flags: ConfigFlags, env: NodeJS.ProcessEnv): string | undefined {
  if (flags.token !== undefined) return flags.token;
  const file = flags.tokenFile ?? env.PODSCOPE_AGENT_TOKEN_FILE;
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new PodscopeError('bad_request', `cannot read token file ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return env.PODSCOPE_AGENT_TOKEN;
}

/** Flags win over environment variables (PODSCOPE_NODE_NAME, PODSCOPE_HUB_URL, PODSCOPE_AGENT_TOKEN[_FILE]), which win over defaults. */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const raw = {
    node: flags.node ?? env.PODSCOPE_NODE_NAME ?? hostname(),
    hubUrl: flags.hub ?? env.PODSCOPE_HUB_URL,
    token: readToken(flags, env),
    hostRoot: env.PODSCOPE_HOST_ROOT,
    procRoot: env.PODSCOPE_PROC_ROOT,
  };
  const parsed = AgentConfig.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (!parsed.success) {
    throw new PodscopeError('bad_request', `bad configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
