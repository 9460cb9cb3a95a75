import './cli/relaunchFirst.ts';
import { Command, InvalidArgumentError, Option } from 'commander';
import { PodscopeError, toErrorEnvelope } from '@podscope/protocol';
import { createAgentHost } from './gadgets/agentHost.ts';
import { AGENT_VERSION, loadConfig } from './config.ts';
import { createContainerIndex } from './discovery/index.ts';
import { exitCodeOf } from './cli/exitCodes.ts';
import { listContainers } from './cli/listContainersCommand.ts';
import type { RunFlags } from './cli/runCommand.ts';
import { runStandalone } from './cli/runCommand.ts';
import { HubAgent } from './hub/hubAgent.ts';

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds');
  return n;
}

const outputOption = (): Option => new Option('-o, --output <format>', 'output format').choices(['columns', 'json']).default('columns');
const runOutputOption = (): Option => new Option('-o, --output <format>', 'output format (pcap-ng: packet gadgets, pipe into tcpdump -nr -)').choices(['columns', 'json', 'pcap-ng']).default('columns');

function fail(err: unknown): never {
  const env = toErrorEnvelope(err);
  process.stderr.write(`podscope-agent: ${env.message}\n`);
  process.exit(exitCodeOf(env));
}

const program = new Command('podscope-agent').version(AGENT_VERSION).description('podscope node agent: eBPF gadgets on local containers').exitOverride((err) => {
  process.exit(err.exitCode === 0 ? 0 : 2);
});

program
  .command('run')
  .description('run a gadget standalone and print its events (no hub needed)')
  .argument('<gadget>', 'gadget name, e.g. trace_exec')
  .option('-n, --namespace <ns,...>', 'Kubernetes namespaces (prefix ! to exclude)')
  .option('-A, --all-namespaces', 'all namespaces')
  .option('-p, --podname <name>', 'pod name')
  .option('-c, --containername <name>', 'container name')
  .option('-l, --selector <k=v,!k2>', 'label requirements')
  .option('--host', 'also trace processes that are in no container')
  .option('--node <name>', 'node name to report (default: hostname, PODSCOPE_NODE_NAME)')
  .option('--filter <expr>', "keep events matching e.g. 'proc.comm==ls,args~^ls '")
  .option('--fields <a,b>', 'columns to print (+f adds, -f removes)')
  .option('--sort <f,-g>', 'top gadgets: sort each interval by these fields (- for descending)')
  .option('--max-entries <n>', 'top gadgets: rows per interval (0 = all)')
  .addOption(runOutputOption())
  .option('-t, --timeout <seconds>', 'stop after this many seconds (0 = until Ctrl-C)', seconds)
  .option('-M, --duration <seconds>', 'the same as --timeout, named like kubectl capture -M', seconds)
  .allowUnknownOption()
  .allowExcessArguments()
  .action(async (gadget: string, opts: RunFlags & { node?: string; duration?: number }, cmd: Command) => {
    try {
      if (opts.duration !== undefined && opts.timeout !== undefined && opts.duration !== opts.timeout) {
        throw new PodscopeError('bad_param', '--duration and --timeout are the same setting; give one of them', { param: 'duration' });
      }
      if (opts.duration !== undefined) opts.timeout = opts.duration;
      const config = loadConfig({ node: opts.node });
      const index = createContainerIndex(config);
      await runStandalone(gadget, opts, cmd.args.slice(1), config, index, await createAgentHost(index, config.procRoot));
      process.exit(0);
    } catch (err) {
      fail(err);
    }
  });

program
  .command('serve')
  .description('connect to a hub and run what it asks for')
  .requiredOption('--hub <url>', 'hub agent endpoint, e.g. ws://127.0.0.1:7070/agent', process.env.PODSCOPE_HUB_URL)
  .option('--token <token>', 'agent token (or PODSCOPE_AGENT_TOKEN)')
  .option('--token-file <file>', 'file holding the agent token')
  .option('--node <name>', 'node name (default: hostname, PODSCOPE_NODE_NAME)')
  .action(async (opts: { hub: string; token?: string; tokenFile?: string; node?: string }) => {
    try {
      const config = loadConfig({ hub: opts.hub, token: opts.token, tokenFile: opts.tokenFile, node: opts.node });
      if (config.hubUrl === undefined || config.token === undefined) throw new PodscopeError('bad_request', 'serve needs --hub and a token (--token, --token-file or PODSCOPE_AGENT_TOKEN)');
      const index = createContainerIndex(config);
      const agent = new HubAgent({ url: config.hubUrl, token: config.token, node: config.node, index, host: await createAgentHost(index, config.procRoot) });
      agent.connection.on('open', () => process.stderr.write(`podscope-agent: connected to ${config.hubUrl} as node ${config.node}\n`));
      agent.connection.on('close', ({ code, reason }) => process.stderr.write(`podscope-agent: hub connection closed (${code}${reason ? ` ${reason}` : ''}); reconnecting\n`));
      await agent.start();
      const shutdown = (): void => void agent.stop().finally(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    } catch (err) {
      fail(err);
    }
  });

program
  .command('list-containers')
  .description('list the containers discovery sees on this node')
  .addOption(outputOption())
  .option('--node <name>', 'node name')
  .action(async (opts: { output: 'columns' | 'json'; node?: string }) => {
    try {
      await listContainers(createContainerIndex(loadConfig({ node: opts.node })), opts.output);
    } catch (err) {
      fail(err);
    }
  });

program
  .command('gadgets')
  .description('list the gadget catalog')
  .addOption(outputOption())
  .action(async (opts: { output: 'columns' | 'json' }) => {
    try {
      const host = await createAgentHost(createContainerIndex(loadConfig({})));
      for (const g of host.catalog.values()) {
        const m = g.meta;
        if (opts.output === 'json') process.stdout.write(JSON.stringify(m) + '\n');
        else process.stdout.write(`${m.name.padEnd(20)} ${m.category.padEnd(8)} ${m.description}${m.unavailable !== undefined ? ` [unavailable: ${m.unavailable}]` : ''}\n`);
      }
    } catch (err) {
      fail(err);
    }
  });

// A reader that goes away (`| head`, a closed `| tcpdump -r -`) ends the run quietly, as with other Unix tools.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
await program.parseAsync(process.argv);
