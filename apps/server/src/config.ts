import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PodscopeError, formatZodError } from '@podscope/protocol';
import type { CaptureWriterLimits } from './captures/captureWriter.ts';
import type { ClusterSource } from './k8s/clusterInventory.ts';
import type { RunHistoryLimits } from './runHistory.ts';

/** The hub's settings; `loadConfig` is the one place that reads the environment. */
export interface HubConfig {
  host: string;
  port: number;
  /** Absolute path of the directory holding users.json and agent-tokens.json. */
  dataDir: string;
  /** Absolute path of the web UI's static export. */
  webDir: string;
  /** Initial admin password (only used when no user exists yet). */
  adminPassword: string | undefined;
  /** Give the existing admin a new password on start (PODSCOPE_RESET_ADMIN=1). */
  resetAdmin: boolean;
  /** An agent token accepted for any node (the embedded local agent). */
  agentToken: string | undefined;
  /** Extra browser origins allowed besides the hub's own (e.g. a `next dev` server). */
  allowedOrigins: readonly string[];
  cookieSecure: boolean;
  sessionTtlMs: number;
  maxBodyBytes: number;
  clientQueue: ClientQueueLimits;
  /** How often each browser gets `subscriberStats`. */
  statsIntervalMs: number;
  /** Malformed frames in a row after which a socket is closed with 1008. */
  maxMalformedFrames: number;
  heartbeatMs: number;
  runs: RunLifecycleConfig;
  /** How long an exited container stays in the inventory. */
  exitedContainerRetentionMs: number;
  captures: CaptureConfig;
  /** Cluster mode (PODSCOPE_KUBECONFIG): pods come from this API server and runs are authorized by its RBAC. */
  cluster: ClusterSource | undefined;
  /** Embedded default: the role file (PODSCOPE_ROLES) granting users namespaces; unset = everyone may run everything. */
  rolesFile: string | undefined;
}

export interface CaptureConfig {
  writer: CaptureWriterLimits;
  /** Largest file `POST /api/captures/import` accepts (streamed to disk, never buffered). */
  importMaxBytes: number;
  /** Gadgets whose events carry payload bytes; their captures are flagged before sharing. */
  payloadGadgets: readonly string[];
  /** How often retention settings are enforced (also on every capture end). */
  retentionCheckMs: number;
}

export interface ClientQueueLimits {
  /** Queued (not yet handed to the socket) events above which whole batches are dropped. */
  maxEvents: number;
  maxBytes: number;
  /** Frames go straight to the socket while its buffered amount is under this. */
  highWaterBytes: number;
}

export interface RunLifecycleConfig {
  /** A run whose last subscriber left stops after this (a page reload resumes it). */
  leaveGraceMs: number;
  /** A run nobody subscribed to within this after creation stops. */
  unclaimedMs: number;
  /** Finished runs kept for `GET /api/runs`. */
  keepFinished: number;
  /** Each live run keeps its frames since start up to these bounds, so it can be recorded from the start. */
  history: RunHistoryLimits;
}

const MiB = 1024 * 1024;
const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = z.enum(['1', 'true', 'yes', '0', 'false', 'no']).default('0').transform((v) => v === '1' || v === 'true' || v === 'yes');

const Env = z.object({
  PODSCOPE_HOST: z.string().min(1).default('127.0.0.1'),
  PODSCOPE_PORT: z.coerce.number().int().min(0).max(65535).default(7070),
  PODSCOPE_DATA_DIR: z.string().min(1).default('./.podscope'),
  PODSCOPE_WEB_DIR: z.string().min(1).default(path.join(appDir, '..', 'web', 'out')),
  PODSCOPE_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  PODSCOPE_AGENT_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PODSCOPE_ALLOWED_ORIGINS: z.string().default(''),
  PODSCOPE_COOKIE_SECURE: flag,
  PODSCOPE_RESET_ADMIN: flag,
  PODSCOPE_SESSION_TTL_SECONDS: count(12 * 3600),
  PODSCOPE_CLIENT_QUEUE_MAX_EVENTS: count(100_000),
  PODSCOPE_CLIENT_QUEUE_MAX_BYTES: count(32 * MiB),
  PODSCOPE_CLIENT_HIGH_WATER_BYTES: count(4 * MiB),
  PODSCOPE_RUN_LEAVE_GRACE_MS: count(10_000),
  PODSCOPE_RUN_UNCLAIMED_MS: count(30_000),
  PODSCOPE_RUN_HISTORY_MAX_EVENTS: z.coerce.number().int().nonnegative().default(1_000_000),
  PODSCOPE_RUN_HISTORY_MAX_BYTES: z.coerce.number().int().nonnegative().default(256 * MiB),
  PODSCOPE_CAPTURE_MAX_PENDING_EVENTS: count(1_000_000),
  PODSCOPE_CAPTURE_FLUSH_MS: z.coerce.number().int().min(10).max(200).default(100),
  PODSCOPE_IMPORT_MAX_BYTES: count(2 * 1024 * MiB),
  PODSCOPE_PAYLOAD_GADGETS: z.string().default('trace_io,tcpdump'),
  /** A kubeconfig file, or `in-cluster` for the pod's service account. */
  PODSCOPE_KUBECONFIG: z.string().optional(),
  PODSCOPE_KUBE_CONTEXT: z.string().optional(),
  PODSCOPE_ROLES: z.string().optional(),
});

/** Reads and validates the environment; relative paths resolve against the working directory. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): HubConfig {
  // An empty variable means "unset", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('PODSCOPE_') && v !== undefined && v !== ''));
  const parsed = Env.safeParse(present);
  if (!parsed.success) throw new PodscopeError('bad_request', `invalid configuration: ${formatZodError(parsed.error)}`);
  const e = parsed.data;
  return {
    host: e.PODSCOPE_HOST,
    port: e.PODSCOPE_PORT,
    dataDir: path.resolve(e.PODSCOPE_DATA_DIR),
    webDir: path.resolve(e.PODSCOPE_WEB_DIR),
    adminPassword: e.PODSCOPE_ADMIN_PASSWORD,
    resetAdmin: e.PODSCOPE_RESET_ADMIN,
    agentToken: e.PODSCOPE_AGENT_TOKEN,
    allowedOrigins: e.PODSCOPE_ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter((o) => o !== ''),
    cookieSecure: e.PODSCOPE_COOKIE_SECURE,
    sessionTtlMs: e.PODSCOPE_SESSION_TTL_SECONDS * 1000,
    maxBodyBytes: 1 * MiB,
    clientQueue: {
      maxEvents: e.PODSCOPE_CLIENT_QUEUE_MAX_EVENTS,
      maxBytes: e.PODSCOPE_CLIENT_QUEUE_MAX_BYTES,
      highWaterBytes: e.PODSCOPE_CLIENT_HIGH_WATER_BYTES,
    },
    statsIntervalMs: 1000,
    maxMalformedFrames: 100,
    heartbeatMs: 30_000,
    runs: {
      leaveGraceMs: e.PODSCOPE_RUN_LEAVE_GRACE_MS,
      unclaimedMs: e.PODSCOPE_RUN_UNCLAIMED_MS,
      keepFinished: 100,
      history: { maxEvents: e.PODSCOPE_RUN_HISTORY_MAX_EVENTS, maxBytes: e.PODSCOPE_RUN_HISTORY_MAX_BYTES },
    },
    exitedContainerRetentionMs: 5 * 60_000,
    captures: {
      writer: { maxPendingEvents: e.PODSCOPE_CAPTURE_MAX_PENDING_EVENTS, flushIntervalMs: e.PODSCOPE_CAPTURE_FLUSH_MS, flushRows: 50_000 },
      importMaxBytes: e.PODSCOPE_IMPORT_MAX_BYTES,
      payloadGadgets: e.PODSCOPE_PAYLOAD_GADGETS.split(',').map((g) => g.trim()).filter((g) => g !== ''),
      retentionCheckMs: 10 * 60_000,
    },
    cluster:
      e.PODSCOPE_KUBECONFIG === undefined
        ? undefined
        : e.PODSCOPE_KUBECONFIG === 'in-cluster'
          ? { kind: 'in-cluster' }
          : { kind: 'kubeconfig', path: path.resolve(e.PODSCOPE_KUBECONFIG), context: e.PODSCOPE_KUBE_CONTEXT },
    rolesFile: e.PODSCOPE_ROLES === undefined ? undefined : path.resolve(e.PODSCOPE_ROLES),
  };
}
