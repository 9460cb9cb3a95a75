// Namespace-scoped authorization for runs, in Kubernetes' own terms (a verb on a pod subresource), so the embedded
// role file and the API server's RBAC say the same thing.

/** What running a gadget needs, as a Kubernetes resource attribute. */
export interface RequiredAccess {
  verb: string;
  resource: string;
  subresource?: string;
}

/** Metadata gadgets (processes, files, connections): like reading the pod's logs (`view` grants it). */
export const METADATA_ACCESS: RequiredAccess = { verb: 'get', resource: 'pods', subresource: 'log' };
/** Payload gadgets (I/O buffers, packets): like a shell in the pod (`edit` and `admin` grant it, `view` does not). */
export const PAYLOAD_ACCESS: RequiredAccess = { verb: 'create', resource: 'pods', subresource: 'exec' };

export const describeAccess = (a: RequiredAccess): string => `${a.verb} ${a.resource}${a.subresource !== undefined ? `/${a.subresource}` : ''}`;

export interface AccessVerdict {
  allowed: boolean;
  /** Why, in the authorizer's words (may be empty when RBAC simply found no rule). */
  reason: string;
}

/** Answers "may `user` do `access` in `namespace`" (`undefined` namespace = in every namespace). */
export interface AccessReviewer {
  /** `kubernetes` (SubjectAccessReview) or `role-file`. */
  readonly kind: string;
  review(user: string, namespace: string | undefined, access: RequiredAccess): Promise<AccessVerdict>;
}
