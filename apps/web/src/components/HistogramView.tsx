'use client';

import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { commonFields, type EventPredicate, type EventRecord, type FieldMeta } from '@podscope/protocol';
import { formatDuration, formatTimestampNs } from '../lib/formatField.ts';
import { aggregateHistograms, bccText, bucketLabel, contiguousBuckets, deltaHistograms, estimatePercentile, histogramKeyFields, histogramKeyOf, mergeHistograms, type KeyHistogram } from '../lib/histogram.ts';
import { latestIntervalRows } from '../lib/intervalRows.ts';
import type { LiveRunFeed } from '../lib/liveRun.ts';
import { useFeedVersion } from '../lib/useFeedVersion.ts';
import { HistogramNumbers } from './HistogramNumbers.tsx';

interface Props {
  feed: LiveRunFeed;
  /** The gadget's own fields (key fields and the bucket unit come from them). */
  gadgetFields: readonly FieldMeta[];
  predicate: EventPredicate | null;
}

const ALL = '__all__';
const OVERLAY_KEYS = 6;
const COLORS = ['#3d8bfd', '#3fb950', '#d29922', '#f85149', '#a371f7', '#39c5cf'];
const unitTitles: Record<string, string> = { ns: 'ns', us: 'µs', ms: 'ms', s: 's' };
const bccUnits: Record<string, string> = { ns: 'nsecs', us: 'usecs', ms: 'msecs', s: 'secs' };

/** Chart rows: one per bucket over the union of the shown histograms, one count column per key. */
function chartData(hists: readonly KeyHistogram[]): Record<string, number | string>[] {
  const union = contiguousBuckets(mergeHistograms('all', hists).buckets);
  const counts = hists.map((h) => new Map(h.buckets.map((b) => [b.lo, b.count])));
  return union.map((b) => {
    const row: Record<string, number | string> = { label: bucketLabel(b), lo: b.lo, hi: b.hi };
    hists.forEach((h, i) => (row[h.key] = counts[i]?.get(b.lo) ?? 0));
    return row;
  });
}

/** A profile gadget's log2 histograms: the latest fetch per key, cumulative or as this interval's delta. */
export function HistogramView({ feed, gadgetFields, predicate }: Props) {
  useFeedVersion(feed, 1000);
  const [selected, setSelected] = useState(ALL);
  const [delta, setDelta] = useState(false);
  const [asText, setAsText] = useState(false);
  const store = feed.store;
  const { latest, previous, interval, timestamp } = latestIntervalRows((i) => store.get(i), store.firstIndex, store.endIndex);
  const keep = (rows: EventRecord[]) => (predicate === null ? rows : rows.filter(predicate));
  const keyFields = histogramKeyFields(gadgetFields, commonFields);
  const nodes = new Set(latest.map((r) => r['k8s.node']));
  const keyOf = (r: EventRecord) => histogramKeyOf(r, keyFields, nodes.size > 1);
  const cumulative = aggregateHistograms(keep(latest), keyOf);
  const all = delta ? deltaHistograms(cumulative, aggregateHistograms(keep(previous), keyOf)) : cumulative;
  const shown = selected === ALL ? all.slice(0, OVERLAY_KEYS) : all.filter((h) => h.key === selected);
  const summary = selected === ALL ? mergeHistograms('all keys', all) : (shown[0] ?? { key: selected, buckets: [], total: 0 });

  const bucketMeta = gadgetFields.find((f) => f.name === 'bucket.lo');
  const unit = bucketMeta?.unit;
  const unitTitle = unit === undefined ? '' : (unitTitles[unit] ?? unit);
  const fmt = (v: number | null) => (v === null ? '—' : bucketMeta?.type === 'duration' ? formatDuration(v, unit) : `${Math.round(v * 10) / 10}${unitTitle === '' ? '' : ` ${unitTitle}`}`);
  const percentiles = [0.5, 0.9, 0.99].map((p) => ({ p, v: estimatePercentile(summary.buckets, p) }));
  const data = chartData(shown);

  return (
    <div className="category-view histogram-view" data-testid="histogram-view">
      <div className="view-meta">
        <span data-testid="histogram-interval" data-interval={interval ?? ''}>
          {interval === null ? 'waiting for the first interval…' : `interval ${interval}`}
        </span>
        {timestamp !== null && <span className="muted">at {formatTimestampNs(timestamp)}</span>}
        <label className="inline-field">
          key
          <select data-testid="histogram-key" value={selected} onChange={(e) => setSelected(e.target.value)}>
            <option value={ALL}>All keys{all.length > OVERLAY_KEYS ? ` (top ${OVERLAY_KEYS} overlaid)` : ' (overlay)'}</option>
            {selected !== ALL && !all.some((h) => h.key === selected) && <option value={selected}>{selected} (no data)</option>}
            {all.map((h) => (
              <option key={h.key} value={h.key}>
                {h.key} ({h.total.toLocaleString()})
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox" title="Counts added during the latest interval instead of since the run started">
          <input type="checkbox" data-testid="histogram-delta" checked={delta} onChange={(e) => setDelta(e.target.checked)} />
          per interval
        </label>
        <label className="checkbox" title="BCC-style text rendering (lo -> hi : count |****|)">
          <input type="checkbox" data-testid="histogram-text-toggle" checked={asText} onChange={(e) => setAsText(e.target.checked)} />
          text
        </label>
        <span className="percentiles" data-testid="histogram-percentiles">
          {percentiles.map(({ p, v }) => (
            <span key={p} className="percentile" data-testid={`histogram-p${Math.round(p * 100)}`}>
              p{Math.round(p * 100)} <strong>{fmt(v)}</strong>
            </span>
          ))}
          <span className="muted">n={summary.total.toLocaleString()}</span>
        </span>
      </div>
      {all.length === 0 ? (
        <div className="muted pad">{feed.runId === null ? 'Start a run to see its histogram.' : interval === null ? 'Waiting for the first map fetch…' : delta ? 'No new samples in the latest interval.' : 'No samples yet.'}</div>
      ) : asText ? (
        <pre className="bcc-text" data-testid="histogram-text">
          {(selected === ALL ? all : shown).map((h) => `key = ${h.key}\n${bccText(h.buckets, bccUnits[unit ?? ''] ?? (unit ?? 'value'))}`).join('\n\n')}
        </pre>
      ) : (
        <>
          <div className="histogram-chart" data-testid="histogram-chart">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={data} margin={{ top: 12, right: 24, bottom: 28, left: 12 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#263042" />
                <XAxis dataKey="label" stroke="#7d8798" fontSize={11} label={{ value: `bucket${unitTitle === '' ? '' : ` (${unitTitle})`}`, position: 'insideBottom', offset: -16, fill: '#7d8798', fontSize: 11 }} />
                <YAxis stroke="#7d8798" fontSize={11} allowDecimals={false} label={{ value: delta ? 'count (this interval)' : 'count (cumulative)', angle: -90, position: 'insideLeft', fill: '#7d8798', fontSize: 11 }} />
                <Tooltip contentStyle={{ background: '#141a22', border: '1px solid #263042' }} labelFormatter={(label: unknown) => `${typeof label === 'string' || typeof label === 'number' ? label : ''}${unitTitle === '' ? '' : ` ${unitTitle}`}`} />
                {shown.length > 1 && <Legend verticalAlign="top" height={24} />}
                {shown.map((h, i) => (
                  <Bar key={h.key} dataKey={h.key} fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <HistogramNumbers hists={shown} colors={COLORS} unitTitle={unitTitle} formatValue={fmt} />
        </>
      )}
    </div>
  );
}
