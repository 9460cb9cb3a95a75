'use client';

import { useEffect, useState } from 'react';
import { Area, AreaChart, CartesianGrid, Legend, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CaptureTimelineResponse, ErrorEnvelope, TimelineGroupBy } from '@podscope/protocol';
import { captureClient } from '../lib/captureClient.ts';
import { formatTimestampNs } from '../lib/formatField.ts';
import { errorEnvelopeOf } from '../lib/hubClient.ts';
import { bucketOfNs, bucketRangeNs, seriesKey, timelinePoints } from '../lib/timelineChart.ts';

const COLORS: readonly string[] = ['#3d8bfd', '#3fb950', '#d29922', '#f85149', '#a371f7', '#39c5cf', '#ff7b72', '#79c0ff', '#d2a8ff', '#56d364'];
const BUCKETS = 240;

interface Props {
  captureId: string;
  /** The view filter (already valid); the timeline counts what the table shows. */
  filter: string;
  groupBy: TimelineGroupBy;
  onGroupByChange: (g: TimelineGroupBy) => void;
  from: number | undefined;
  to: number | undefined;
  onRange: (range: { from: number; to: number } | null) => void;
}

const indexOf = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);

/** Event rate over the whole capture, one stacked series per pod (or node, …); drag across it to pick a time range. */
export function CaptureTimeline({ captureId, filter, groupBy, onGroupByChange, from, to, onRange }: Props) {
  const [timeline, setTimeline] = useState<CaptureTimelineResponse | null>(null);
  const [error, setError] = useState<ErrorEnvelope | null>(null);
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    captureClient.timeline(captureId, { buckets: BUCKETS, filter, groupBy }, controller.signal).then(
      (t) => {
        setTimeline(t);
        setError(null);
      },
      (err: unknown) => !controller.signal.aborted && setError(errorEnvelopeOf(err)),
    );
    return () => controller.abort();
  }, [captureId, filter, groupBy]);

  const points = timeline === null ? [] : timelinePoints(timeline);
  const n = points.length;
  const selected = timeline !== null && n > 0 && (from !== undefined || to !== undefined) ? { a: bucketOfNs(timeline, from ?? timeline.fromNs, n), b: bucketOfNs(timeline, to ?? timeline.toNs, n) } : null;
  const shade = drag ?? selected;
  const tickOf = (i: unknown) => (timeline === null ? '' : formatTimestampNs(timeline.fromNs + (indexOf(i) ?? 0) * timeline.bucketNs));
  const bucketTitle = timeline === null ? '' : timeline.bucketNs >= 1e9 ? `${(timeline.bucketNs / 1e9).toPrecision(3)} s` : `${(timeline.bucketNs / 1e6).toPrecision(3)} ms`;

  return (
    <section className="capture-timeline" data-testid="capture-timeline" data-total={timeline?.total ?? ''} aria-label="Event rate over time">
      <div className="view-meta">
        <strong>Timeline</strong>
        <label className="inline-field">
          per
          <select data-testid="timeline-group" value={groupBy} onChange={(e) => onGroupByChange(e.target.value as TimelineGroupBy)}>
            <option value="pod">pod</option>
            <option value="node">node</option>
            <option value="comm">process</option>
            <option value="gadget">gadget</option>
            <option value="none">all events</option>
          </select>
        </label>
        {timeline !== null && <span className="muted">{timeline.total.toLocaleString()} event{timeline.total === 1 ? "" : "s"} · bucket {bucketTitle}</span>}
        <span className="muted">drag across the chart to select a time range</span>
        {(from !== undefined || to !== undefined) && (
          <span data-testid="timeline-range">
            range {from !== undefined ? formatTimestampNs(from) : 'start'} – {to !== undefined ? formatTimestampNs(to) : 'end'}{' '}
            <button type="button" className="btn btn-small" data-testid="timeline-clear" onClick={() => onRange(null)}>
              clear range
            </button>
          </span>
        )}
      </div>
      {error !== null && <div className="error-box" role="alert">{error.message}</div>}
      <div className="timeline-chart" style={{ userSelect: 'none' }}>
        {n > 0 && (
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart
              data={points}
              margin={{ top: 6, right: 16, bottom: 0, left: 0 }}
              onMouseDown={(s) => {
                const i = indexOf(s.activeTooltipIndex);
                if (i !== null) setDrag({ a: i, b: i });
              }}
              onMouseMove={(s) => {
                const i = indexOf(s.activeTooltipIndex);
                if (drag !== null && i !== null) setDrag({ ...drag, b: i });
              }}
              onMouseUp={() => {
                if (drag !== null && timeline !== null) onRange(bucketRangeNs(timeline, drag.a, drag.b));
                setDrag(null);
              }}
              onMouseLeave={() => setDrag(null)}
            >
              <CartesianGrid strokeDasharray="3 3" stroke="#263042" />
              <XAxis dataKey="i" stroke="#7d8798" fontSize={11} tickFormatter={tickOf} minTickGap={40} />
              <YAxis stroke="#7d8798" fontSize={11} allowDecimals={false} width={44} />
              <Tooltip contentStyle={{ background: '#141a22', border: '1px solid #263042' }} labelFormatter={tickOf} formatter={(v: unknown, name: unknown) => [String(v), String(name)]} isAnimationActive={false} />
              {(timeline?.series.length ?? 0) > 1 && <Legend verticalAlign="top" height={20} wrapperStyle={{ fontSize: 11 }} />}
              {timeline?.series.map((s, i) => (
                <Area key={s.key} type="stepAfter" dataKey={seriesKey(s.key)} name={s.key} stackId="1" stroke={COLORS[i % COLORS.length] ?? '#3d8bfd'} fill={COLORS[i % COLORS.length] ?? '#3d8bfd'} fillOpacity={0.35} isAnimationActive={false} />
              ))}
              {shade !== null && <ReferenceArea x1={Math.min(shade.a, shade.b)} x2={Math.max(shade.a, shade.b)} fill="#3d8bfd" fillOpacity={0.18} stroke="#3d8bfd" ifOverflow="visible" />}
            </AreaChart>
          </ResponsiveContainer>
        )}
        {timeline !== null && n === 0 && <div className="muted pad">No events.</div>}
      </div>
    </section>
  );
}
