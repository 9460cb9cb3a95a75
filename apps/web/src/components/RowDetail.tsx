'use client';

import type { FieldMeta } from '@podscope/protocol';
import type { LiveRunFeed } from '../lib/liveRun.ts';
import { useFeedVersion } from '../lib/useFeedVersion.ts';
import { EventDetail } from './EventDetail.tsx';

interface Props {
  feed: LiveRunFeed;
  /** Absolute row index in the feed's store. */
  index: number;
  fields: readonly FieldMeta[];
  onClose: () => void;
  onOpenStream?: ((key: string) => void) | undefined;
}

/** The selected live row's fields. */
export function RowDetail({ feed, index, fields, onClose, onOpenStream }: Props) {
  useFeedVersion(feed, 1000);
  return <EventDetail title={`Event #${index}`} row={feed.store.get(index)} missing="This row is no longer in the browser buffer." fields={fields} onClose={onClose} onOpenStream={onOpenStream} />;
}
