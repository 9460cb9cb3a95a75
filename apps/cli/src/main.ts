import { Command, InvalidArgumentError, Option } from 'commander';
import { captureOnHub, type CaptureFlags } from './captureCommand.ts';
import { listCaptures, openCapture, parseExpiry, shareCapture } from './capturesCommand.ts';
import { loadCliConfig } from './cliConfig.ts';
import { HubClient } from './hubClient.ts';
import { runOnHub, type PluginRunFlags } from './runCommand.ts';
import { errorLine, processTerminal } from './terminal.ts';

const term = processTerminal();

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

async function client(cmd: Command): Promise<HubClient> {
  const global = cmd.optsWithGlobals<{ hub?: string; config?: string }>();
  return HubClient.connect(loadCliConfig({ env: process.env, flags: { hub: global.hub, config: global.config } }));
}

/** Writes everything still buffered for stdout (a pcap-ng tail, the last rows), then exits. */
async function exit(code: number): Promise<never> {
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
      await exit(0);
    } catch (err) {
      process.stderr.write(`${errorLine(err)}\n`);
      await exit(1);
    }
  };
}

const program = new Command('kubectl podscope')
  .description('podscope from kubectl: run eBPF gadgets on pods and take captures through the podscope hub')
  .option('--hub <url>', 'hub URL (else PODSCOPE_HUB or the config file)')
  .option('--config <file>', 'config file (else PODSCOPE_CONFIG or ~/.config/podscope/config.json)')
  .showHelpAfterError("See 'kubectl podscope --help' for usage.")
  .configureOutput({ outputError: (str, write) => write(str) })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 1));

program
  .command('run')
  .description('run a gadget on the selected pods and print its events until Ctrl-C or --timeout')
  .argument('<gadget>', 'gadget name, e.g. trace_exec')
  .option('-n, --namespace <ns,...>', 'namespaces (prefix ! to exclude)')
  .option('-A, --all-namespaces', 'all namespaces')
  .option('-p, --podname <name>', 'pod name')
  .option('-c, --containername <name>', 'container name')
  .option('-l, --selector <k=v,!k2>', 'label selector')
  .option('--node <n1,n2>', 'only these nodes')
  .option('--filter <expr>', "keep events matching e.g. 'proc.comm==ls,args~^ls '")
  .option('--fields <a,b>', 'columns to print (+f adds, -f removes)')
  .option('--sort <f,-g>', 'top gadgets: sort each interval by these fields')
  .option('--max-entries <n>', 'top gadgets: rows per interval (0 = all)')
  .addOption(new Option('-o, --output <format>', 'output format (pcap-ng: packet gadgets, pipe into tcpdump -nr -)').choices(['columns', 'json', 'pcap-ng']).default('columns'))
  .option('-t, --timeout <seconds>', 'stop after this many seconds (0 = until Ctrl-C)', seconds)
  .allowUnknownOption()
  .allowExcessArguments()
  .action(action(async (gadget: string, opts: PluginRunFlags, cmd: Command) => runOnHub(await client(cmd), gadget, opts, cmd.args.slice(1), term)));

program
  .command('capture')
  .description('capture a pod for a while on the hub (like kubectl capture), then download and verify the signed file')
  .argument('<pod>', 'pod name')
  .option('-n, --namespace <ns>', 'namespace of the pod (kubectl-capture: -ns)', 'default')
  .option('-M, --duration <seconds>', 'capture duration in seconds', positiveInt, 120)
  .option('--snaplen <bytes>', 'bytes kept of each I/O buffer', positiveInt, 80)
  .option('-c, --container <name>', 'only this container of the pod')
  .option('--gadget <name>', 'what to capture (trace_io: syscall I/O with payload; tcpdump: packets)', 'trace_io')
  .option('--filter <expr>', 'keep only events matching this filter')
  .option('--dir <dir>', 'directory to write the file to', '.')
  .option('--progress-every <seconds>', 'seconds between progress lines when stderr is not a terminal', positiveInt, 5)
  .option('--ebpf', 'accepted for kubectl-capture compatibility (podscope always uses eBPF)')
  .action(action(async (pod: string, opts: CaptureFlags, cmd: Command) => void (await captureOnHub(await client(cmd), pod, opts, term, process.stderr.isTTY))));

const captures = program.command('captures').description('list, open and share the hub\'s captures');
captures
  .command('list')
  .description('list captures')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['columns', 'json']).default('columns'))
  .action(action(async (opts: { output: 'columns' | 'json' }, cmd: Command) => listCaptures(await client(cmd), opts.output, term)));
captures
  .command('open')
  .description("print the capture's web UI URL")
  .argument('<id>', 'capture id')
  .action(action(async (id: string, _opts: unknown, cmd: Command) => openCapture(await client(cmd), id, term)));
captures
  .command('share')
  .description('create a read-only share link that expires')
  .argument('<id>', 'capture id')
  .option('--expires <duration>', 'lifetime of the link, e.g. 30m, 12h, 7d', '7d')
  .action(action(async (id: string, opts: { expires: string }, cmd: Command) => shareCapture(await client(cmd), id, parseExpiry(opts.expires), term)));

// A reader that goes away (`| head`, a closed `| tcpdump -r -`) ends the command quietly, as with other Unix tools.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

// kubectl-capture spells the namespace flag `-ns`; commander's short flags are one letter.
await program.parseAsync(process.argv.map((a) => (a === '-ns' ? '--namespace' : a)));
