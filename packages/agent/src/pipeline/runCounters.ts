/** What one run on this node has done so far; reported as RunNodeStatus. */
export class RunCounters {
  /** Events handed to the sink. */
  events = 0;
  /** Removed on purpose: unselected mount namespaces resolved late, the --filter expression, unresolvable namespaces. */
  filtered = 0;
  /** Lost in the agent: pending buffer or outgoing queue full. */
  agentDrops = 0;
  /** Held events of a mount namespace nobody could identify in time (also counted in filtered). */
  pendingGivenUp = 0;
}
