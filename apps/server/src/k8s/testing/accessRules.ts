import { z } from 'zod';

/** One row of the test API server's authorization table: who may do which verbs on which resources, where. `*` matches all. */
export interface AccessRule {
  users: readonly string[];
  /** Namespaces the rule covers; `*` also grants cluster-wide requests (no namespace). */
  namespaces: readonly string[];
  verbs: readonly string[];
  /** `pods`, `pods/log`, `pods/exec`, … */
  resources: readonly string[];
}

export const SubjectAccessReviewRequest = z.object({
  apiVersion: z.literal('authorization.k8s.io/v1'),
  kind: z.literal('SubjectAccessReview'),
  spec: z.object({
    user: z.string().optional(),
    groups: z.array(z.string()).optional(),
    resourceAttributes: z
      .object({
        namespace: z.string().optional(),
        verb: z.string(),
        group: z.string().optional(),
        resource: z.string(),
        subresource: z.string().optional(),
        name: z.string().optional(),
      })
      .optional(),
    nonResourceAttributes: z.object({ path: z.string(), verb: z.string() }).optional(),
  }),
});
export type SubjectAccessReviewRequest = z.infer<typeof SubjectAccessReviewRequest>;

const covers = (list: readonly string[], v: string): boolean => list.includes('*') || list.includes(v);

/** Decides a review like RBAC does: allowed when some rule grants it; there are no deny rules. */
export function review(rules: readonly AccessRule[], spec: SubjectAccessReviewRequest['spec']): { allowed: boolean; reason: string } {
  const attrs = spec.resourceAttributes;
  const user = spec.user ?? '';
  if (attrs === undefined) return { allowed: false, reason: 'the test API server reviews resource requests only' };
  const resource = attrs.subresource !== undefined && attrs.subresource !== '' ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const namespace = attrs.namespace ?? '';
  const where = namespace === '' ? 'cluster-wide' : `in namespace "${namespace}"`;
  const index = rules.findIndex(
    (r) => covers(r.users, user) && covers(r.verbs, attrs.verb) && covers(r.resources, resource) && (r.namespaces.includes('*') || (namespace !== '' && r.namespaces.includes(namespace))),
  );
  return index >= 0
    ? { allowed: true, reason: `RBAC: allowed by test rule #${index + 1}` }
    : { allowed: false, reason: `no rule lets user "${user}" ${attrs.verb} ${resource} ${where}` };
}
