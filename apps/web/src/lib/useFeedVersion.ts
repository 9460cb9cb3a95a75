'use client';

import { useEffect, useState } from 'react';
import type { LiveRunFeed } from './liveRun.ts';

/**
 * Re-renders the caller at most once per animation frame while the feed changes, and every
 * `tickMs` regardless (so a rate decays to zero when events stop). Returns the feed version seen.
 */
export function useFeedVersion(feed: LiveRunFeed, tickMs = 500): number {
  const [version, setVersion] = useState(feed.version);
  const [, setTick] = useState(0);
  useEffect(() => {
    let frame: number | null = null;
    const flush = () => {
      frame = null;
      setVersion(feed.version);
    };
    const off = feed.onChange(() => {
      if (frame === null) frame = requestAnimationFrame(flush);
    });
    const tick = setInterval(() => setTick((t) => t + 1), tickMs);
    return () => {
      off();
      clearInterval(tick);
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [feed, tickMs]);
  return version;
}
