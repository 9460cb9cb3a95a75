'use client';

import type { LiveRunFeed } from '../lib/liveRun.ts';
import { useFeedVersion } from '../lib/useFeedVersion.ts';

const fmt = new Intl.NumberFormat('en-US');

function Counter({ label, value, testId, warn, title }: { label: string; value: number; testId: string; warn?: boolean; title: string }) {
  return (
    <div className={`counter${warn === true && value > 0 ? ' warn' : ''}`} title={title}>
      <span className="counter-label">{label}</span>
      <span className="counter-value" data-testid={testId} data-value={value}>
        {fmt.format(value)}
      </span>
    </div>
  );
}

/** Throughput and, stage by stage, every event that was lost on the way here. */
export function CountersBar({ feed }: { feed: LiveRunFeed }) {
  useFeedVersion(feed);
  const drops = feed.drops();
  const rate = Math.round(feed.eventsPerSecond());
  return (
    <div className="counters-bar" role="status" aria-label="Counters">
      <Counter label="events/s" value={rate} testId="counter-rate" title="Events received per second (2 s sliding window)" />
      <Counter label="rows" value={feed.store.endIndex} testId="counter-total" title={`Rows received by this page; ${fmt.format(feed.store.size)} held in the buffer (bound ${fmt.format(feed.store.capacity)})`} />
      <span className="counters-sep" aria-hidden="true" />
      <span className="counters-group-label">dropped</span>
      <Counter label="kernel" value={drops.kernel} testId="drops-kernel" warn title="Ring-buffer reserve failures in the kernel, summed over nodes" />
      <Counter label="agent" value={drops.agent} testId="drops-agent" warn title="Events the agents could not send to the hub" />
      <Counter
        label="hub"
        value={drops.hub}
        testId="drops-hub"
        warn
        title={`Events the hub dropped: run-wide ${fmt.format(feed.run?.drops.hub ?? 0)}, this page's queue ${fmt.format(feed.subscriberDropped)}`}
      />
      <Counter label="browser" value={drops.browser} testId="drops-browser" warn title="Oldest rows this page dropped to stay within its buffer bound (reported to the hub)" />
      <Counter label="seq gaps" value={feed.seqGaps} testId="counter-seq-gaps" warn title="Event batches missing from the hub's sequence numbers" />
    </div>
  );
}
