'use client';

import type { LiveRunFeed } from '../lib/liveRun.ts';
import { useFeedVersion } from '../lib/useFeedVersion.ts';
import { LiveReplayControls } from './ReplayControls.tsx';

/** Replay controls when the watched run plays a capture back. */
export function ReplayBar({ feed }: { feed: LiveRunFeed }) {
  useFeedVersion(feed, 1000);
  const captureId = feed.run?.replayOf;
  if (feed.runId === null || captureId === undefined) return null;
  return (
    <div className="run-bar replay-bar">
      <LiveReplayControls key={feed.runId} runId={feed.runId} captureId={captureId} />
    </div>
  );
}
