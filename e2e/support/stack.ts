import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { artifactsDir, repoDir } from './paths.ts';
import type { StackInfo } from './stackInfo.ts';

const readyTimeoutMs = 150_000;
const stopTimeoutMs = 10_000;

export interface RunningStack {
  info: StackInfo;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Starts the real stack the way a user does, through scripts/run.sh (hub + this node's agent), on a
 * free port with a throw-away data directory and a known admin password.
 */
export async function startStack(): Promise<RunningStack> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const password = `e2e-${randomBytes(12).toString('base64url')}`;
  const node = process.env.PODSCOPE_NODE_NAME ?? hostname();
  const dataDir = mkdtempSync(join(tmpdir(), 'podscope-e2e-'));
  const logDir = join(artifactsDir, 'stack');
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const outPath = join(logDir, 'run.out');
  const out = openSync(outPath, 'w');

  const child = spawn('bash', [join(repoDir, 'scripts/run.sh')], {
    cwd: repoDir,
    // Its own process group, so teardown can stop run.sh, the hub and the agent together.
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      PODSCOPE_SKIP_SETUP: process.env.PODSCOPE_SKIP_SETUP ?? '1',
      PODSCOPE_NO_DEMO: '1',
      PODSCOPE_HOST: '127.0.0.1',
      PODSCOPE_PORT: String(port),
      PODSCOPE_DATA_DIR: dataDir,
      PODSCOPE_LOG_DIR: logDir,
      PODSCOPE_ADMIN_PASSWORD: password,
      PODSCOPE_NODE_NAME: node,
      // run.sh stops itself if this process dies without running the teardown.
      PODSCOPE_PARENT_PID: String(process.pid),
    },
  });
  closeSync(out);

  const stop = async (): Promise<void> => {
    if (!exited(child)) {
      killGroup(child, 'SIGTERM');
      const deadline = Date.now() + stopTimeoutMs;
      while (!exited(child) && Date.now() < deadline) await sleep(100);
      killGroup(child, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const output = (): string => readFileSync(outPath, 'utf8');
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (/^PODSCOPE_READY /m.test(output())) break;
    if (exited(child) || Date.now() > deadline) {
      const why = exited(child) ? `exited (${child.exitCode ?? child.signalCode})` : `was not ready within ${readyTimeoutMs / 1000}s`;
      await stop();
      throw new Error(`scripts/run.sh ${why}; its output (${outPath}):\n${output().slice(-4000)}`);
    }
    await sleep(200);
  }
  return { info: { url, username: 'admin', password, node }, stop };
}
