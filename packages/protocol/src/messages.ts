import { z } from 'zod';
import { Permission, UserRole } from './access.ts';
import { ErrorEnvelope } from './errors.ts';
import { EventBatch } from './fields.ts';
import { GadgetMeta, ParamValue } from './gadget.ts';
import { ContainerInfo, TargetSelector } from './target.ts';

/** A run: one gadget over a target selector with parameters. */
export const RunRequest = z.object({
  gadget: z.string().min(1),
  target: TargetSelector,
  params: z.record(z.string(), ParamValue).default({}),
  /** The filter language of this package; applied as early in the pipe as possible. */
  filter: z.string().max(16_384).optional(),
  /** The run stops itself after this many seconds (like `kubectl capture -M`); unset = until stopped. */
  durationSec: z.number().positive().max(7 * 24 * 3600).optional(),
});
export type RunRequest = z.infer<typeof RunRequest>;
export type RunRequestInput = z.input<typeof RunRequest>;

/** Losses per pipe stage; every stage that can drop counts here. */
export const DropCounts = z.object({
  kernel: z.number().int().nonnegative(),
  agent: z.number().int().nonnegative(),
  hub: z.number().int().nonnegative(),
  browser: z.number().int().nonnegative(),
});
export type DropCounts = z.infer<typeof DropCounts>;
export const zeroDrops = (): DropCounts => ({ kernel: 0, agent: 0, hub: 0, browser: 0 });

export const RunState = z.enum(['starting', 'running', 'stopped', 'failed']);
export type RunState = z.infer<typeof RunState>;

export const RunNodeStatus = z.object({
  node: z.string(),
  state: RunState,
  /** Request-to-attached time on the node. */
  attachMs: z.number().optional(),
  error: ErrorEnvelope.optional(),
  kernelDrops: z.number().int().nonnegative(),
  agentDrops: z.number().int().nonnegative(),
  /** Events the agent's filter removed before encoding (not losses). */
  filtered: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  /** Events the kernel itself filtered out (pushed-down predicates; not losses). */
  kernelFiltered: z.number().int().nonnegative().optional(),
  /** Where each part of the run's filter is applied on this node. */
  pushdown: z.object({ kernel: z.array(z.string()), agent: z.string().nullable() }).optional(),
});
export type RunNodeStatus = z.infer<typeof RunNodeStatus>;

export const RunInfo = z.object({
  id: z.string(),
  request: RunRequest,
  state: RunState,
  createdAt: z.number(),
  createdBy: z.string(),
  nodes: z.array(RunNodeStatus),
  /** Events the hub has received for this run. */
  events: z.number().int().nonnegative(),
  drops: DropCounts,
  /** Set on a replay pseudo-run: the capture being played back into the live views. */
  replayOf: z.string().optional(),
});
export type RunInfo = z.infer<typeof RunInfo>;

const base = { v: z.number().int() };

// ---- agent → hub ----
/** What the agent's kernel probe found: attach types and map kinds (tracepoint, tp_btf, kprobe, fentry, iter_task…). */
export const KernelFeatureMap = z.record(z.string(), z.boolean());
export type KernelFeatureMap = z.infer<typeof KernelFeatureMap>;
export const AgentHello = z.object({
  ...base,
  type: z.literal('hello'),
  node: z.string().min(1),
  agentVersion: z.string(),
  gadgets: z.array(GadgetMeta),
  features: KernelFeatureMap.optional(),
});
export const AgentInventory = z.object({ ...base, type: z.literal('inventory'), node: z.string(), containers: z.array(ContainerInfo) });
export const AgentRunStatus = z.object({
  ...base,
  type: z.literal('runStatus'),
  runId: z.string(),
  status: RunNodeStatus,
});
export const AgentEvents = z.object({
  ...base,
  type: z.literal('events'),
  runId: z.string(),
  node: z.string(),
  /** Per (run, node) batch sequence number, starting at 1. */
  seq: z.number().int().positive(),
  events: EventBatch,
});
export const AgentError = z.object({ ...base, type: z.literal('error'), error: ErrorEnvelope });
export const AgentToHub = z.discriminatedUnion('type', [AgentHello, AgentInventory, AgentRunStatus, AgentEvents, AgentError]);
export type AgentToHub = z.infer<typeof AgentToHub>;

// ---- hub → agent ----
export const HubWelcome = z.object({ ...base, type: z.literal('welcome'), hubVersion: z.string() });
export const HubStartRun = z.object({ ...base, type: z.literal('startRun'), runId: z.string(), request: RunRequest });
export const HubStopRun = z.object({ ...base, type: z.literal('stopRun'), runId: z.string() });
/** A running run's new target (cluster mode: the pods the selector covers on this node changed). */
export const HubRetarget = z.object({ ...base, type: z.literal('retarget'), runId: z.string(), target: TargetSelector });
export const HubError = z.object({ ...base, type: z.literal('error'), error: ErrorEnvelope });
export const HubToAgent = z.discriminatedUnion('type', [HubWelcome, HubStartRun, HubStopRun, HubRetarget, HubError]);
export type HubToAgent = z.infer<typeof HubToAgent>;

// ---- browser → hub ----
export const ClientSubscribe = z.object({
  ...base,
  type: z.literal('subscribe'),
  runId: z.string(),
  /** Payload bytes without credentials masked; refused without the `payload:unmask` permission, and audited. */
  unmask: z.boolean().optional(),
});
export const ClientUnsubscribe = z.object({ ...base, type: z.literal('unsubscribe'), runId: z.string() });
/** The browser reports what its own buffer had to drop, so the hub's run stats show every stage. */
export const ClientDrops = z.object({ ...base, type: z.literal('clientDrops'), runId: z.string(), dropped: z.number().int().nonnegative() });
export const ClientPing = z.object({ ...base, type: z.literal('ping'), t: z.number() });
export const ClientToHub = z.discriminatedUnion('type', [ClientSubscribe, ClientUnsubscribe, ClientDrops, ClientPing]);
export type ClientToHub = z.infer<typeof ClientToHub>;

// ---- hub → browser ----
export const ServerHello = z.object({ ...base, type: z.literal('hello'), user: z.string() });
export const ServerEvents = z.object({
  ...base,
  type: z.literal('events'),
  runId: z.string(),
  node: z.string(),
  /** Per-run batch sequence assigned by the hub; a gap means the hub dropped batches for this subscriber. */
  seq: z.number().int().positive(),
  events: EventBatch,
});
export const ServerRunUpdate = z.object({ ...base, type: z.literal('run'), run: RunInfo });
/** Drops the hub made for this subscriber alone (its own slow queue). */
export const ServerSubscriberStats = z.object({
  ...base,
  type: z.literal('subscriberStats'),
  runId: z.string(),
  delivered: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
});
export const ServerPong = z.object({ ...base, type: z.literal('pong'), t: z.number() });
export const ServerError = z.object({ ...base, type: z.literal('error'), error: ErrorEnvelope });
export const HubToClient = z.discriminatedUnion('type', [ServerHello, ServerEvents, ServerRunUpdate, ServerSubscriberStats, ServerPong, ServerError]);
export type HubToClient = z.infer<typeof HubToClient>;

// ---- REST ----
export const LoginRequest = z.object({ username: z.string().min(1), password: z.string().min(1) });
export type LoginRequest = z.infer<typeof LoginRequest>;
export const MeResponse = z.object({ user: z.string(), role: UserRole.optional(), permissions: z.array(Permission).default([]) });
export const GadgetsResponse = z.object({ gadgets: z.array(GadgetMeta) });
export const InventoryNode = z.object({ node: z.string(), connected: z.boolean(), lastSeen: z.number(), agentVersion: z.string().optional(), features: KernelFeatureMap.optional() });
export const InventoryResponse = z.object({
  nodes: z.array(InventoryNode),
  containers: z.array(ContainerInfo),
  /** `cluster` when the hub follows a Kubernetes API server (pods come from it), `agents` when from the agents' discovery. */
  source: z.enum(['agents', 'cluster']).optional(),
  /** Cluster mode: every namespace, including ones with no pods. */
  namespaces: z.array(z.string()).optional(),
});
export type InventoryResponse = z.infer<typeof InventoryResponse>;
export const RunResponse = z.object({ run: RunInfo });
export const RunsResponse = z.object({ runs: z.array(RunInfo) });
export const ErrorResponse = z.object({ error: ErrorEnvelope });
