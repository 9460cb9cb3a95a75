import { PodscopeError, type RunRequest } from '@podscope/protocol';
import type { RunAuthorizer } from '../runManager.ts';
import { describeAccess, METADATA_ACCESS, PAYLOAD_ACCESS, type AccessReviewer } from './accessReview.ts';

/**
 * A run needs, in every namespace it targets, `get pods/log` for a metadata gadget, and also `create pods/exec` for a
 * payload gadget. A run over all namespaces (`-A`) or the host's processes needs it in every namespace.
 */
export function runAuthorizer(reviewer: AccessReviewer, isPayload: (gadget: string) => boolean): RunAuthorizer {
  return async (request: RunRequest, user: string) => {
    const sel = request.target;
    const payload = isPayload(request.gadget);
    const needs = payload ? [METADATA_ACCESS, PAYLOAD_ACCESS] : [METADATA_ACCESS];
    const scopes: (string | undefined)[] = sel.namespaces.length > 0 && !sel.host ? [...new Set(sel.namespaces)].sort() : [undefined];
    const checks = scopes.flatMap((namespace) => needs.map((access) => ({ namespace, access })));
    const verdicts = await Promise.all(checks.map((c) => reviewer.review(user, c.namespace, c.access)));
    const denied = checks.flatMap((c, i) => (verdicts[i]?.allowed === true ? [] : [{ ...c, reason: verdicts[i]?.reason ?? '' }]));
    const first = denied[0];
    if (first === undefined) return;
    const namespaces = [...new Set(denied.map((d) => d.namespace))];
    const required = describeAccess(first.access);
    const where =
      first.namespace === undefined
        ? sel.host
          ? 'on the host (that needs it in every namespace)'
          : 'in all namespaces (choose namespaces with -n)'
        : `in namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.map((n) => `"${n ?? ''}"`).join(', ')}`;
    const who = reviewer.kind === 'kubernetes' ? 'Kubernetes' : 'the role file';
    throw new PodscopeError(
      'forbidden',
      `user "${user}" may not run ${request.gadget} ${where}: it needs "${required}"${payload ? ' (the gadget captures payload bytes)' : ''}` +
        (first.reason !== '' ? `; ${who}: ${first.reason}` : `; ${who} denied it`),
      { user, gadget: request.gadget, payload, required, namespaces: namespaces.map((n) => n ?? '*'), authorizer: reviewer.kind, reason: first.reason },
    );
  };
}
