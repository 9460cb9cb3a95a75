import { toErrorEnvelope } from '@podscope/protocol';
import { AgentTokenStore } from './agentTokenStore.ts';
import { ApiTokenStore } from './apiTokenStore.ts';
import { AuthStore } from './authStore.ts';
import { loadConfig, type HubConfig } from './config.ts';
import { startHub } from './hub.ts';
import { consoleLogger } from './logger.ts';

const usage = `usage:
  tsx src/main.ts [serve]                          start the hub
  tsx src/main.ts agent-token add <node> [--any-node]
      create an agent token for node <node> (or for any node) and print it on stdout
  tsx src/main.ts api-token add <user> [--name <name>]
      create an API token acting as <user> (for kubectl podscope, scripts) and print it on stdout`;

async function serve(config: HubConfig): Promise<void> {
  const hub = await startHub(config, consoleLogger);
  const admin = hub.initialAdmin;
  if (admin !== undefined) {
    const what = admin.action === 'created' ? `created user ${admin.username} with` : `reset the password of user ${admin.username} to`;
    const secret = admin.generatedPassword === undefined ? 'the password from PODSCOPE_ADMIN_PASSWORD' : `password ${admin.generatedPassword}`;
    console.log(`podscope: ${what} ${secret} (stored only as a hash in ${admin.file})`);
  }
  console.log(`podscope hub listening on ${hub.url}`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return process.exit(1); // a second signal means "now"
    stopping = true;
    console.log(`podscope: ${signal}, shutting down`);
    hub.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function agentToken(config: HubConfig, args: string[]): Promise<void> {
  const [verb, name, ...flags] = args;
  const unknownFlags = flags.filter((f) => f !== '--any-node');
  if (verb !== 'add' || name === undefined || name.startsWith('-') || unknownFlags.length > 0) {
    console.error(usage);
    process.exit(2);
  }
  const anyNode = flags.includes('--any-node');
  const store = new AgentTokenStore(config.dataDir, undefined);
  const token = await store.add(name, { anyNode });
  console.error(`podscope: agent token "${name}" for ${anyNode ? 'any node' : `node ${name}`} (stored only as a hash in ${store.file}):`);
  console.log(token);
}

async function apiToken(config: HubConfig, args: string[]): Promise<void> {
  const [verb, user, ...flags] = args;
  const nameAt = flags.indexOf('--name');
  const name = nameAt >= 0 ? flags[nameAt + 1] : `${user ?? ''}-${Date.now().toString(36)}`;
  const known = nameAt >= 0 ? flags.length === 2 : flags.length === 0;
  if (verb !== 'add' || user === undefined || user.startsWith('-') || name === undefined || !known) {
    console.error(usage);
    process.exit(2);
  }
  if (!(await AuthStore.open(config.dataDir)).has(user)) throw new Error(`no user ${user} in ${config.dataDir}/users.json`);
  const store = new ApiTokenStore(config.dataDir);
  const token = await store.add(user, name);
  console.error(`podscope: API token "${name}" acting as ${user} (stored only as a hash in ${store.file}):`);
  console.log(token);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case undefined:
    case 'serve':
      return serve(config);
    case 'agent-token':
      return agentToken(config, rest);
    case 'api-token':
      return apiToken(config, rest);
    default:
      console.error(usage);
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const e = toErrorEnvelope(err);
  console.error(`podscope: ${e.message}`);
  process.exit(1);
});
