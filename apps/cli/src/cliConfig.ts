import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { PodscopeError, formatZodError } from '@podscope/protocol';

/** How the plugin reaches and authenticates to the hub. `loadCliConfig` is the one place that reads env and files. */
export interface CliConfig {
  /** Base URL of the hub, e.g. http://127.0.0.1:7070 (no trailing slash). */
  hub: string;
  auth: { kind: 'token'; token: string } | { kind: 'password'; user: string; password: string };
  /** Where the settings came from, for error messages. */
  source: string;
}

const ConfigFile = z
  .object({
    hub: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
  })
  .strict();

export interface ConfigInputs {
  env: Readonly<Record<string, string | undefined>>;
  /** `--hub` / `--config` on the command line win over the environment and the file. */
  flags: { hub?: string | undefined; config?: string | undefined };
  readFile?: (file: string) => string | undefined;
  home?: string;
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseHubUrl(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PodscopeError('bad_request', `${source}: hub "${raw}" is not a URL (expected e.g. http://127.0.0.1:7070)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PodscopeError('bad_request', `${source}: hub URL must be http:// or https://, not ${url.protocol}`);
  return url.href.replace(/\/+$/, '');
}

const present = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

/**
 * Settings from, in order of precedence: flags, `PODSCOPE_HUB` / `PODSCOPE_TOKEN` / `PODSCOPE_USER` + `PODSCOPE_PASSWORD`,
 * then the config file (`--config`, `$PODSCOPE_CONFIG` or `~/.config/podscope/config.json`). A token wins over a password.
 */
export function loadCliConfig(inputs: ConfigInputs): CliConfig {
  const { env, flags } = inputs;
  const read = inputs.readFile ?? readIfPresent;
  const explicit = present(flags.config) ?? present(env.PODSCOPE_CONFIG);
  const file = explicit ?? path.join(inputs.home ?? homedir(), '.config', 'podscope', 'config.json');
  const text = read(file);
  if (text === undefined && explicit !== undefined) throw new PodscopeError('bad_request', `config file ${file} does not exist`);
  let fromFile: z.infer<typeof ConfigFile> = {};
  if (text !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new PodscopeError('bad_request', `config file ${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const parsed = ConfigFile.safeParse(raw);
    if (!parsed.success) throw new PodscopeError('bad_request', `config file ${file}: ${formatZodError(parsed.error)}`);
    fromFile = parsed.data;
  }
  const hubRaw = present(flags.hub) ?? present(env.PODSCOPE_HUB) ?? fromFile.hub;
  if (hubRaw === undefined) {
    throw new PodscopeError('bad_request', `no hub configured: set PODSCOPE_HUB, pass --hub, or put {"hub": "http://…"} in ${file}`);
  }
  const source = present(flags.hub) !== undefined ? '--hub' : present(env.PODSCOPE_HUB) !== undefined ? 'PODSCOPE_HUB' : file;
  const hub = parseHubUrl(hubRaw, source);
  const token = present(env.PODSCOPE_TOKEN) ?? fromFile.token;
  if (token !== undefined) return { hub, auth: { kind: 'token', token }, source };
  const user = present(env.PODSCOPE_USER) ?? fromFile.user;
  const password = present(env.PODSCOPE_PASSWORD) ?? fromFile.password;
  if (user !== undefined && password !== undefined) return { hub, auth: { kind: 'password', user, password }, source };
  throw new PodscopeError(
    'unauthorized',
    `no credentials for ${hub}: set PODSCOPE_TOKEN (an API token from \`podscope api-token add <user>\`) or PODSCOPE_USER and PODSCOPE_PASSWORD, or put "token" in ${file}`,
  );
}
