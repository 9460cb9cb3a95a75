import type { ContainerInfo, GadgetMeta, HubToAgent, InventoryResponse, KernelFeatureMap } from '@podscope/protocol';

/** A connected agent as the registry and run manager see it. */
export interface AgentLink {
  send(message: HubToAgent): void;
  close(code: number, reason: string): void;
}

interface NodeRecord {
  name: string;
  link: AgentLink | undefined;
  agentVersion: string;
  gadgets: GadgetMeta[];
  features: KernelFeatureMap | undefined;
  containers: Map<string, ContainerInfo>;
  lastSeen: number;
}

/** Nodes, their agents' connections, gadget lists and containers. A disconnected node stays listed. */
export class AgentRegistry {
  private readonly nodes = new Map<string, NodeRecord>();

  constructor(
    private readonly exitedRetentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a hello; a previous connection for the same node is closed (the newer one wins). */
  attach(link: AgentLink, node: string, agentVersion: string, gadgets: GadgetMeta[], features?: KernelFeatureMap): void {
    const prev = this.nodes.get(node);
    if (prev?.link !== undefined && prev.link !== link) prev.link.close(4000, 'replaced by a newer connection from the same node');
    this.nodes.set(node, {
      name: node,
      link,
      agentVersion,
      gadgets,
      features,
      containers: prev?.containers ?? new Map<string, ContainerInfo>(),
      lastSeen: this.now(),
    });
  }

  /** Returns true when `link` was the node's current connection (so the node is now disconnected). */
  detach(link: AgentLink, node: string): boolean {
    const rec = this.nodes.get(node);
    if (rec?.link !== link) return false;
    rec.link = undefined;
    rec.lastSeen = this.now();
    return true;
  }

  touch(node: string): void {
    const rec = this.nodes.get(node);
    if (rec !== undefined) rec.lastSeen = this.now();
  }

  /** Replaces a node's containers; ones that vanished are kept a while, marked exited. */
  setInventory(node: string, containers: readonly ContainerInfo[]): void {
    const rec = this.nodes.get(node);
    if (rec === undefined) return;
    const now = this.now();
    const next = new Map<string, ContainerInfo>();
    for (const c of containers) next.set(c.id, { ...c, node });
    for (const [id, old] of rec.containers) {
      if (next.has(id)) continue;
      const exitedAt = old.exitedAt ?? now;
      if (now - exitedAt < this.exitedRetentionMs) next.set(id, { ...old, exitedAt });
    }
    rec.containers = next;
    rec.lastSeen = now;
  }

  send(node: string, message: HubToAgent): boolean {
    const link = this.nodes.get(node)?.link;
    if (link === undefined) return false;
    link.send(message);
    return true;
  }

  isConnected(node: string): boolean {
    return this.nodes.get(node)?.link !== undefined;
  }

  connectedNodes(): string[] {
    return [...this.nodes.values()].filter((n) => n.link !== undefined).map((n) => n.name);
  }

  hasGadget(node: string, gadget: string): boolean {
    return this.nodes.get(node)?.gadgets.some((g) => g.name === gadget) ?? false;
  }

  /** Gadgets of connected agents by name, preferring a copy that is not marked unavailable. */
  gadgetCatalog(): Map<string, GadgetMeta> {
    const out = new Map<string, GadgetMeta>();
    for (const rec of this.nodes.values()) {
      if (rec.link === undefined) continue;
      for (const g of rec.gadgets) {
        const seen = out.get(g.name);
        if (seen === undefined || (seen.unavailable !== undefined && g.unavailable === undefined)) out.set(g.name, g);
      }
    }
    return out;
  }

  /** Containers that are running on nodes whose agent is connected. */
  runningContainers(): ContainerInfo[] {
    return [...this.nodes.values()]
      .filter((n) => n.link !== undefined)
      .flatMap((n) => [...n.containers.values()])
      .filter((c) => c.exitedAt === undefined);
  }

  inventory(): InventoryResponse {
    const now = this.now();
    const nodes = [...this.nodes.values()].sort((a, b) => a.name.localeCompare(b.name));
    return {
      nodes: nodes.map((n) => ({ node: n.name, connected: n.link !== undefined, lastSeen: n.lastSeen, agentVersion: n.agentVersion, ...(n.features !== undefined ? { features: n.features } : {}) })),
      containers: nodes.flatMap((n) =>
        [...n.containers.values()].filter((c) => c.exitedAt === undefined || now - c.exitedAt < this.exitedRetentionMs),
      ),
    };
  }
}
