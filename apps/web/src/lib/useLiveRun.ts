'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { PROTOCOL_VERSION, type RunInfo } from '@podscope/protocol';
import { LiveRunFeed } from './liveRun.ts';
import { LiveSocket, type SocketStatus } from './liveSocket.ts';
import { DEFAULT_ROW_CAPACITY } from './rowStore.ts';

const DROP_REPORT_INTERVAL_MS = 1000;

export interface LiveRun {
  feed: LiveRunFeed;
  socketStatus: SocketStatus;
  /** Shows this run: clears the table and subscribes (credentials masked). */
  watch: (run: RunInfo) => void;
  unwatch: () => void;
  /** Whether the hub sends this run's payloads unmasked (an audited admin view), from the next batch on. */
  unmasked: boolean;
  setUnmasked: (unmask: boolean) => void;
}

/** The hub socket and the feed it fills; also reports this page's own buffer drops back to the hub. */
/** `enabled` stays false until the session is known, so a logged-out page does not dial the socket. */
export function useLiveRun(enabled: boolean, capacity = DEFAULT_ROW_CAPACITY): LiveRun {
  const [feed] = useState(() => new LiveRunFeed({ capacity }));
  const socketRef = useRef<LiveSocket | null>(null);
  const [socketStatus, setSocketStatus] = useState<SocketStatus>('connecting');
  const [unmasked, setUnmaskedState] = useState(false);

  useEffect(() => {
    if (!enabled) return;
    const socket = new LiveSocket({
      onMessage: (m) => feed.handle(m),
      onStatus: setSocketStatus,
      onBadFrame: (error) => feed.handle({ v: PROTOCOL_VERSION, type: 'error', error }),
    });
    socketRef.current = socket;
    if (feed.runId !== null) socket.subscribe(feed.runId);
    let reported = { runId: feed.runId, dropped: 0 };
    const timer = setInterval(() => {
      const runId = feed.runId;
      if (runId === null) return;
      if (reported.runId !== runId) reported = { runId, dropped: 0 };
      const dropped = feed.store.dropped;
      // The running total, so a lost or repeated report cannot skew the hub's count.
      if (dropped > reported.dropped && socket.send({ v: PROTOCOL_VERSION, type: 'clientDrops', runId, dropped })) reported = { runId, dropped };
    }, DROP_REPORT_INTERVAL_MS);
    return () => {
      clearInterval(timer);
      socket.close();
      socketRef.current = null;
    };
  }, [feed, enabled]);

  const watch = useCallback(
    (run: RunInfo) => {
      feed.reset(run.id);
      feed.setRun(run);
      setUnmaskedState(false);
      socketRef.current?.subscribe(run.id);
    },
    [feed],
  );
  const setUnmasked = useCallback(
    (unmask: boolean) => {
      setUnmaskedState(unmask);
      if (feed.runId !== null) socketRef.current?.subscribe(feed.runId, unmask);
    },
    [feed],
  );
  const unwatch = useCallback(() => {
    socketRef.current?.unsubscribe();
    feed.reset(null);
  }, [feed]);

  return { feed, socketStatus, watch, unwatch, unmasked, setUnmasked };
}
