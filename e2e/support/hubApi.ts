import { request, type APIRequestContext } from '@playwright/test';
import { CreateShareResponse, InventoryResponse, type ContainerInfo } from '@podscope/protocol';
import type { StackInfo } from './stackInfo.ts';

const pollMs = 250;

/** A logged-in REST client for readiness checks the UI does not own (what the agent has reported). */
export class HubApi {
  private constructor(private readonly ctx: APIRequestContext) {}

  static async login(stack: StackInfo): Promise<HubApi> {
    const ctx = await request.newContext({ baseURL: stack.url });
    const res = await ctx.post('/api/login', { data: { username: stack.username, password: stack.password } });
    if (!res.ok()) throw new Error(`POST /api/login answered ${res.status()}: ${await res.text()}`);
    return new HubApi(ctx);
  }

  async inventory(): Promise<InventoryResponse> {
    const res = await this.ctx.get('/api/inventory');
    if (!res.ok()) throw new Error(`GET /api/inventory answered ${res.status()}: ${await res.text()}`);
    return InventoryResponse.parse(await res.json());
  }

  /** Waits until the agent has reported (or, with present=false, stopped reporting) the pod. */
  async waitForPod(namespace: string, pod: string, opts: { present?: boolean; timeoutMs?: number } = {}): Promise<ContainerInfo[]> {
    const present = opts.present ?? true;
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    for (;;) {
      const matching = (await this.inventory()).containers.filter(
        (c) => c.k8s?.namespace === namespace && c.k8s.podName === pod && c.exitedAt === undefined,
      );
      if (matching.length > 0 === present) return matching;
      if (Date.now() > deadline) {
        throw new Error(`pod ${namespace}/${pod} ${present ? 'never appeared in' : 'never left'} GET /api/inventory`);
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** A share link token for one capture, as the share dialog creates it but with any expiry. */
  async createShare(captureId: string, expiresInSec: number): Promise<string> {
    const res = await this.ctx.post(`/api/captures/${encodeURIComponent(captureId)}/shares`, { data: { expiresInSec } });
    if (!res.ok()) throw new Error(`POST shares answered ${res.status()}: ${await res.text()}`);
    return CreateShareResponse.parse(await res.json()).token;
  }

  async dispose(): Promise<void> {
    await this.ctx.dispose();
  }
}
