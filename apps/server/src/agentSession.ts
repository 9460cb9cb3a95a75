import type { RawData, WebSocket } from 'ws';
import { PROTOCOL_VERSION, decodeAgentToHubRelayed, encodeFrame, type RelayedAgentToHub, type ErrorEnvelope, type GadgetMeta, type HubToAgent, type KernelFeatureMap } from '@podscope/protocol';
import type { AgentGrant } from './agentTokenStore.ts';
import type { AgentLink, AgentRegistry } from './agentRegistry.ts';
import type { Logger } from './logger.ts';
import type { RunManager } from './runManager.ts';
import { MalformedFrameCounter, rawDataBytes, textFrameError } from './socketFrames.ts';

export const HUB_VERSION = '0.1.0';

export interface AgentSessionDeps {
  registry: AgentRegistry;
  runs: RunManager;
  logger: Logger;
  maxMalformedFrames: number;
}

/** One agent's `/agent` connection: hello → welcome, then inventory, events and run statuses. */
export class AgentSession implements AgentLink {
  private node: string | undefined;
  private readonly malformed: MalformedFrameCounter;
  /** Runs this agent was already told to stop because the hub does not (or no longer) run them. */
  private readonly toldToStop = new Set<string>();

  constructor(
    private readonly ws: WebSocket,
    private readonly grant: AgentGrant,
    private readonly deps: AgentSessionDeps,
  ) {
    this.malformed = new MalformedFrameCounter(deps.maxMalformedFrames);
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('close', () => this.onClose());
    ws.on('error', (err) => deps.logger.warn(`agent ${this.node ?? '(before hello)'}: ${err.message}`));
    ws.on('pong', () => {
      if (this.node !== undefined) deps.registry.touch(this.node);
    });
  }

  send(message: HubToAgent): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(encodeFrame(message), { binary: true });
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  private sendError(error: ErrorEnvelope): void {
    this.send({ v: PROTOCOL_VERSION, type: 'error', error });
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    const decoded = isBinary ? decodeAgentToHubRelayed(rawDataBytes(data)) : ({ ok: false, error: textFrameError } as const);
    if (!decoded.ok) {
      this.sendError(decoded.error);
      if (this.malformed.bad()) this.close(1008, 'too many malformed frames');
      return;
    }
    this.malformed.good();
    if (this.node !== undefined) this.deps.registry.touch(this.node);
    this.handle(decoded.message);
  }

  private handle(msg: RelayedAgentToHub): void {
    const { registry, runs, logger } = this.deps;
    if (msg.type === 'hello') return this.hello(msg.node, msg.agentVersion, msg.gadgets, msg.features);
    const node = this.node;
    if (node === undefined) return this.sendError({ code: 'bad_request', message: `send hello before ${msg.type}` });
    switch (msg.type) {
      case 'inventory':
        if (msg.node !== node) return this.wrongNode(msg.node);
        registry.setInventory(node, msg.containers);
        return;
      case 'events':
        if (msg.node !== node) return this.wrongNode(msg.node);
        if (!runs.agentEvents(node, msg.runId, msg.count, msg.columns)) this.tellToStop(msg.runId);
        return;
      case 'runStatus':
        if (msg.status.node !== node) return this.wrongNode(msg.status.node);
        if (!runs.agentRunStatus(node, msg.runId, msg.status)) this.tellToStop(msg.runId);
        return;
      case 'error':
        logger.warn(`agent ${node} reports ${msg.error.code}: ${msg.error.message}`);
        return;
    }
  }

  private hello(node: string, agentVersion: string, gadgets: GadgetMeta[], features: KernelFeatureMap | undefined): void {
    if (this.node !== undefined) return this.sendError({ code: 'conflict', message: `this connection already said hello as ${this.node}` });
    if (this.grant.node !== undefined && this.grant.node !== node) {
      this.sendError({ code: 'forbidden', message: `agent token "${this.grant.tokenName}" is only valid for node ${this.grant.node}, not ${node}` });
      return this.close(1008, 'token not valid for this node');
    }
    this.node = node;
    this.deps.registry.attach(this, node, agentVersion, gadgets, features);
    this.send({ v: PROTOCOL_VERSION, type: 'welcome', hubVersion: HUB_VERSION });
    this.deps.logger.info(`agent ${node} connected (agent ${agentVersion}, ${gadgets.length} gadgets)`);
    this.deps.runs.agentReady(node);
  }

  private wrongNode(claimed: string): void {
    this.sendError({ code: 'forbidden', message: `this connection is node ${this.node ?? '?'}, not ${claimed}` });
  }

  private tellToStop(runId: string): void {
    if (this.toldToStop.has(runId)) return;
    this.toldToStop.add(runId);
    this.send({ v: PROTOCOL_VERSION, type: 'stopRun', runId });
  }

  private onClose(): void {
    if (this.node === undefined) return;
    if (this.deps.registry.detach(this, this.node)) {
      this.deps.logger.info(`agent ${this.node} disconnected`);
      this.deps.runs.agentGone(this.node);
    }
  }
}
