'use client';

import { bucketLabel, contiguousBuckets, estimatePercentile, mergeHistograms, type KeyHistogram } from '../lib/histogram.ts';

interface Props {
  /** The series the chart draws, in its order (colours match by index). */
  hists: readonly KeyHistogram[];
  colors: readonly string[];
  unitTitle: string;
  formatValue: (v: number | null) => string;
}

/** The charted series as numbers: n, p50 and p99 per series, and (folded) every bucket's count, for reading exact values. */
export function HistogramNumbers({ hists, colors, unitTitle, formatValue }: Props) {
  const buckets = contiguousBuckets(mergeHistograms('all', hists).buckets);
  const counts = hists.map((h) => new Map(h.buckets.map((b) => [b.lo, b.count])));
  return (
    <div className="histogram-numbers">
      <table data-testid="histogram-series-table">
        <thead>
          <tr>
            <th>series</th>
            <th className="num">n</th>
            <th className="num">p50</th>
            <th className="num">p99</th>
          </tr>
        </thead>
        <tbody>
          {hists.map((h, i) => (
            <tr key={h.key} data-testid="histogram-series" data-key={h.key}>
              <td>
                <span className="swatch" style={{ background: colors[i % colors.length] }} aria-hidden="true" />
                {h.key}
              </td>
              <td className="num" data-testid="histogram-series-total">{h.total.toLocaleString()}</td>
              <td className="num">{formatValue(estimatePercentile(h.buckets, 0.5))}</td>
              <td className="num">{formatValue(estimatePercentile(h.buckets, 0.99))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details data-testid="histogram-buckets">
        <summary>bucket counts</summary>
        <table data-testid="histogram-bucket-table">
          <thead>
            <tr>
              <th>bucket{unitTitle === '' ? '' : ` (${unitTitle})`}</th>
              {hists.map((h) => (
                <th key={h.key} className="num">{h.key}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.lo} data-testid="histogram-bucket" data-lo={b.lo} data-hi={b.hi}>
                <th>{bucketLabel(b)}</th>
                {hists.map((h, i) => (
                  <td key={h.key} className="num" data-key={h.key}>
                    {(counts[i]?.get(b.lo) ?? 0).toLocaleString()}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
