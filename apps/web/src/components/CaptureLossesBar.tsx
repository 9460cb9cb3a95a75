'use client';

import type { CaptureMeta } from '@podscope/protocol';

const stages = [
  { key: 'kernel', title: 'Ring-buffer reserve failures in the kernel, summed over nodes' },
  { key: 'agent', title: 'Events the agents could not send to the hub' },
  { key: 'hub', title: 'Events the hub dropped before recording' },
  { key: 'browser', title: 'Rows live browsers dropped (does not affect the capture)' },
  { key: 'capture', title: "Events the hub's capture writer dropped because it fell behind" },
] as const;

/** Every loss the capture knows of, stage by stage; a non-zero stage is shown in red. */
export function CaptureLossesBar({ meta }: { meta: CaptureMeta }) {
  const total = meta.losses.kernel + meta.losses.agent + meta.losses.hub + meta.losses.capture;
  return (
    <div className={`counters-bar capture-losses${total > 0 ? ' has-losses' : ''}`} data-testid="capture-losses" data-total={total} role="status" aria-label="Losses">
      <span className="counters-group-label">{total > 0 ? `⚠ ${total.toLocaleString()} events lost` : 'no events lost'}</span>
      {stages.map((s) => {
        const value = meta.losses[s.key];
        return (
          <div key={s.key} className={`counter${value > 0 ? ' warn' : ''}`} title={s.title}>
            <span className="counter-label">{s.key}</span>
            <span className="counter-value" data-testid={`loss-${s.key}`} data-value={value}>
              {value.toLocaleString()}
            </span>
          </div>
        );
      })}
      {meta.startCut && (
        <span className="notice" data-testid="capture-start-cut">
          recording asked for the run&apos;s start, but {meta.eventsBeforeStart.toLocaleString()} earlier events had already left the hub&apos;s buffer
        </span>
      )}
      {!meta.startCut && meta.eventsBeforeStart > 0 && <span className="muted">{meta.eventsBeforeStart.toLocaleString()} events before recording began are not in the capture</span>}
    </div>
  );
}
