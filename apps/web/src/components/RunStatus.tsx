'use client';

import type { LiveRunFeed } from '../lib/liveRun.ts';
import { useFeedVersion } from '../lib/useFeedVersion.ts';

/** The run's state and how each node is doing (attach time, errors, per-node counts). */
export function RunStatus({ feed }: { feed: LiveRunFeed }) {
  useFeedVersion(feed, 1000);
  const run = feed.run;
  const state = feed.runId === null ? 'idle' : (run?.state ?? 'starting');
  return (
    <div className="run-status">
      <span className={`state-badge state-${state}`} data-testid="run-state" data-state={state}>
        {state}
      </span>
      {run !== null && (
        <span className="run-meta" title={`created by ${run.createdBy} at ${new Date(run.createdAt).toLocaleString()}`}>
          <code>{run.request.gadget}</code> run <code>{run.id}</code>
        </span>
      )}
      <ul className="node-status-list" aria-label="Nodes">
        {run?.nodes.map((n) => (
          <li key={n.node} className={`node-status state-${n.state}`} data-testid={`node-status-${n.node}`} title={n.error !== undefined ? `${n.error.code}: ${n.error.message}` : `${n.events} events, ${n.filtered} filtered on the node`}>
            <span className={`dot state-${n.state}`} aria-hidden="true" />
            <span className="node-name">{n.node}</span>
            <span className="muted">{n.state}</span>
            {n.attachMs !== undefined && <span className="muted">attach {Math.round(n.attachMs)} ms</span>}
            {n.error !== undefined && <span className="node-error">{n.error.message}</span>}
            {n.pushdown !== undefined && (n.pushdown.kernel.length > 0 || n.pushdown.agent !== null) && (
              <span className="pushdown" data-testid={`pushdown-${n.node}`} title="Where the run's source filter is applied on this node: clauses the kernel checks itself, and what the agent checks after">
                kernel: <code>{n.pushdown.kernel.length > 0 ? n.pushdown.kernel.join(', ') : '—'}</code>
                {' · '}agent: <code>{n.pushdown.agent ?? '—'}</code>
                {n.kernelFiltered !== undefined && <span className="muted"> · {n.kernelFiltered.toLocaleString()} filtered in kernel</span>}
                <span className="muted"> · {n.filtered.toLocaleString()} by agent</span>
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
