import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { PodscopeError } from '@podscope/protocol';
import type { AccessReviewer, AccessVerdict, RequiredAccess } from './accessReview.ts';

const CACHE_MS = 10_000;
const CACHE_MAX = 10_000;

/** Asks the API server (SubjectAccessReview) whether the hub's user may do the access; answers are cached briefly. */
export class SubjectAccessReviewer implements AccessReviewer {
  readonly kind = 'kubernetes';
  private readonly api: AuthorizationV1Api;
  private readonly cache = new Map<string, { at: number; verdict: AccessVerdict }>();

  constructor(
    kc: KubeConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.api = kc.makeApiClient(AuthorizationV1Api);
  }

  async review(user: string, namespace: string | undefined, access: RequiredAccess): Promise<AccessVerdict> {
    const key = JSON.stringify([user, namespace ?? '', access.verb, access.resource, access.subresource ?? '']);
    const hit = this.cache.get(key);
    if (hit !== undefined && this.now() - hit.at < CACHE_MS) return hit.verdict;
    let status;
    try {
      const res = await this.api.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user, resourceAttributes: { ...(namespace !== undefined ? { namespace } : {}), verb: access.verb, group: '', resource: access.resource, ...(access.subresource !== undefined ? { subresource: access.subresource } : {}) } },
        },
      });
      status = res.status;
    } catch (err) {
      throw new PodscopeError('internal', `the Kubernetes API server did not answer the access review: ${err instanceof Error ? err.message : String(err)}`);
    }
    const verdict = { allowed: status?.allowed === true && status.denied !== true, reason: status?.reason ?? status?.evaluationError ?? '' };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(key, { at: this.now(), verdict });
    return verdict;
  }
}
