import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { PodscopeError, httpStatusOf, type ErrorEnvelope } from '@podscope/protocol';
import { AccessControl } from './accessControl.ts';
import { AgentRegistry } from './agentRegistry.ts';
import { AuditLog } from './auditLog.ts';
import { AgentSession } from './agentSession.ts';
import { AgentTokenStore, type AgentGrant } from './agentTokenStore.ts';
import { ApiTokenStore } from './apiTokenStore.ts';
import { buildApiRouter } from './apiRoutes.ts';
import { startCaptures, type Captures } from './captures/captureService.ts';
import { AuthStore, type InitialAdmin } from './authStore.ts';
import { ClientSession } from './clientSession.ts';
import type { HubConfig } from './config.ts';
import { sessionTokenOf } from './cookies.ts';
import { createHttpHandler, originAllowed } from './httpHandler.ts';
import { startClusterSupport } from './k8s/clusterSupport.ts';
import { LoginRateLimiter } from './loginRateLimiter.ts';
import { silentLogger, type Logger } from './logger.ts';
import { RunDeadlines } from './runDeadlines.ts';
import { RunManager } from './runManager.ts';
import { SessionStore } from './sessionStore.ts';
import { StaticFiles } from './staticFiles.ts';
import { addUserRoutes } from './userRoutes.ts';

export interface RunningHub {
  /** e.g. http://127.0.0.1:7070 */
  readonly url: string;
  readonly port: number;
  /** Set when this start created the first user or reset the admin's password. */
  readonly initialAdmin: InitialAdmin | undefined;
  readonly runs: RunManager;
  readonly registry: AgentRegistry;
  readonly captures: Captures;
  close(): Promise<void>;
}

export interface HubOptions {
  /** Wall clock for expiries and timestamps (tests inject one). */
  now?: () => number;
}

const MiB = 1024 * 1024;

/** Wires stores, registry, run manager, HTTP routes and both WebSocket endpoints onto one node:http server. */
export async function startHub(config: HubConfig, logger: Logger = silentLogger, opts: HubOptions = {}): Promise<RunningHub> {
  const now = opts.now ?? Date.now;
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const auth = await AuthStore.open(config.dataDir);
  const initialAdmin =
    (await auth.ensureInitialAdmin(config.adminPassword)) ?? (config.resetAdmin ? await auth.resetAdmin(config.adminPassword) : undefined);
  const agentTokens = new AgentTokenStore(config.dataDir, config.agentToken);
  const sessions = new SessionStore(config.sessionTtlMs);
  const apiTokens = new ApiTokenStore(config.dataDir);
  const registry = new AgentRegistry(config.exitedContainerRetentionMs);
  const runs = new RunManager(registry, config.runs, logger);
  const cluster = await startClusterSupport(config, { registry, runs, logger });
  const captures = await startCaptures({ dataDir: config.dataDir, config: config.captures, runs, registry, logger, now });
  const access = new AccessControl(auth, new AuditLog(config.dataDir, now));
  const deadlines = new RunDeadlines(runs, logger);
  // Browser sockets by user, so deleting a user (or changing a role) closes that user's live connections.
  const socketUsers = new Map<WebSocket, string>();
  const closeSocketsOf = (username: string): void => {
    for (const [ws, user] of socketUsers) if (user === username) ws.close(1008, 'the user was changed or deleted');
  };
  const router = addUserRoutes(captures.addRoutes(buildApiRouter({ config, auth, sessions, loginLimiter: new LoginRateLimiter(), registry, runs, inventory: () => cluster.inventory(), deadlines, access }), config.maxBodyBytes), {
    auth,
    access,
    sessions,
    apiTokens,
    closeSocketsOf,
    maxBodyBytes: config.maxBodyBytes,
  });
  // A token whose user was deleted (or never existed) acts as nobody.
  const apiTokenUser = async (req: IncomingMessage): Promise<string | undefined> => {
    const user = await apiTokens.userOfRequest(req);
    if (user !== undefined && !auth.has(user)) throw new PodscopeError('unauthorized', `the API token's user ${user} no longer exists`);
    return user;
  };
  const server = createServer(
    createHttpHandler({
      router,
      sessions,
      statics: new StaticFiles(config.webDir),
      allowedOrigins: config.allowedOrigins,
      logger,
      verifyShare: (token) => captures.verifyShare(token),
      apiTokenUser,
      access,
    }),
  );

  const agentWss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * MiB });
  const clientWss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1 * MiB });
  const alive = new WeakMap<WebSocket, boolean>();
  const track = (ws: WebSocket): void => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
  };
  const agentDeps = { registry, runs, logger, maxMalformedFrames: config.maxMalformedFrames };
  const clientDeps = { runs, config, logger, access };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const pathname = new URL(req.url ?? '/', 'http://hub.invalid').pathname;
    if (pathname === '/agent') {
      void authorizeAgent(agentTokens, req).then((grant) => {
        if (grant === undefined) return rejectUpgrade(socket, { code: 'unauthorized', message: 'missing or wrong agent token' });
        agentWss.handleUpgrade(req, socket, head, (ws) => {
          track(ws);
          new AgentSession(ws, grant, agentDeps);
        });
      });
    } else if (pathname === '/ws') {
      if (!originAllowed(req, config.allowedOrigins)) return rejectUpgrade(socket, { code: 'forbidden', message: 'origin not allowed' });
      // A browser's session cookie, or a CLI's API token (Authorization: Bearer).
      const sessionUser = sessions.get(sessionTokenOf(req.headers.cookie))?.user;
      const userOf = sessionUser !== undefined ? Promise.resolve(sessionUser) : apiTokenUser(req).catch(() => undefined);
      void userOf.then((user) => {
        if (user === undefined) return rejectUpgrade(socket, { code: 'unauthorized', message: 'log in first (no valid podscope_session cookie or API token)' });
        clientWss.handleUpgrade(req, socket, head, (ws) => {
          track(ws);
          socketUsers.set(ws, user);
          ws.on('close', () => socketUsers.delete(ws));
          new ClientSession(ws, user, clientDeps);
        });
      });
    } else {
      rejectUpgrade(socket, { code: 'not_found', message: `no WebSocket endpoint at ${pathname}` });
    }
  });

  // Dead peers (no pong for a whole interval) are terminated, so a vanished agent is marked disconnected.
  const heartbeat = setInterval(() => {
    for (const ws of [...agentWss.clients, ...clientWss.clients]) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, config.heartbeatMs);
  heartbeat.unref();

  await listen(server, config.port, config.host);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;

  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    initialAdmin,
    runs,
    registry,
    captures,
    async close() {
      clearInterval(heartbeat);
      deadlines.close();
      await captures.close();
      await cluster.close();
      runs.close();
      for (const ws of [...agentWss.clients, ...clientWss.clients]) ws.close(1001, 'hub shutting down');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        // Peers that ignore the close handshake are cut off.
        setTimeout(() => {
          for (const ws of [...agentWss.clients, ...clientWss.clients]) ws.terminate();
        }, 1000).unref();
      });
      agentWss.close();
      clientWss.close();
    },
  };
}

async function authorizeAgent(tokens: AgentTokenStore, req: IncomingMessage): Promise<AgentGrant | undefined> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (m?.[1] === undefined) return undefined;
  try {
    return await tokens.verify(m[1]);
  } catch {
    return undefined;
  }
}

function rejectUpgrade(socket: Duplex, error: ErrorEnvelope): void {
  const status = httpStatusOf(error.code);
  const body = JSON.stringify({ error });
  socket.end(
    `HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const statusText = (status: number): string => ({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' })[status] ?? 'Error';

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
