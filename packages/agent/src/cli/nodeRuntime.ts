/**
 * The node runtime settings the agent is measured with, applied however the agent is started.
 *
 * V8 sizes its young generation when the isolate is created, so the flag has to be on node's command line: the
 * agent re-executes itself (execve, same pid, same stdio) with it before any other module has run. Measured with
 * trace_open + trace_exec + trace_tcp at 100k–250k opens/s (`pnpm bench:open`): RSS 97–113 MiB → 87 MiB, the
 * agent's CPU unchanged (its events die young; 4 MiB semi-spaces still hold a flushed batch many times over).
 * MALLOC_ARENA_MAX=2: glibc otherwise gives each of node's threads its own arena, each keeping freed memory.
 */
import koffi from 'koffi';

export const AGENT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
export const AGENT_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
/** PODSCOPE_AGENT_RELAUNCH=0: keep the current process as it was started (e.g. to compare settings). */
const OPT_OUT = 'PODSCOPE_AGENT_RELAUNCH';

export interface Relaunch {
  argv: string[];
  env: string[];
}

/** What to execute instead of this process, or null when it already runs with the agent's settings. */
export function relaunchOf(execPath: string, execArgv: readonly string[], argv: readonly string[], env: NodeJS.ProcessEnv): Relaunch | null {
  if (env[OPT_OUT] === '0' || argv[1] === undefined) return null;
  const given = `${execArgv.join(' ')} ${env.NODE_OPTIONS ?? ''}`;
  const flags = AGENT_NODE_FLAGS.filter((f) => !given.includes(f.split('=')[0]!));
  const extraEnv = Object.entries(AGENT_ENV).filter(([k]) => env[k] === undefined);
  if (flags.length === 0 && extraEnv.length === 0) return null;
  const merged = { ...env, ...Object.fromEntries(extraEnv) };
  // Once relaunched, never again: a flag node refused would otherwise loop.
  merged[OPT_OUT] = '0';
  return {
    argv: [execPath, ...flags, ...execArgv, ...argv.slice(1)],
    env: Object.entries(merged).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`])),
  };
}

const F_SETFD = 2;

/** Replaces this process with `relaunchOf(...)`; returns (and the agent runs as started) when nothing is needed or execve fails. */
export function relaunchWithAgentRuntime(): void {
  const next = relaunchOf(process.execPath, process.execArgv, process.argv, process.env);
  if (next === null) return;
  let failure: string;
  try {
    const libc = koffi.load('libc.so.6');
    const fcntl = libc.func('int fcntl(int fd, int cmd, ...)');
    const execve = libc.func('int execve(const char *path, const char **argv, const char **envp)');
    // libuv may have made stdio close-on-exec (it re-opens terminals that way): the new image keeps them.
    for (const fd of [0, 1, 2]) fcntl(fd, F_SETFD, 'int', 0);
    execve(process.execPath, [...next.argv, null], [...next.env, null]);
    failure = `errno ${koffi.errno()}`;
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
  }
  process.stderr.write(`podscope-agent: could not relaunch with ${AGENT_NODE_FLAGS.join(' ')} (${failure}); running with node's defaults\n`);
}
