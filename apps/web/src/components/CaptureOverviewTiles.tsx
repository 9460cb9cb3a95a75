'use client';

import type { CaptureOverview, CountRow } from '@podscope/protocol';
import { overviewClause, type OverviewKind } from '../lib/captureFields.ts';

interface Props {
  overview: CaptureOverview;
  /** A click on an entry: its filter clause (null = none expressible) and a switch to the table. */
  onPick: (clause: string | null) => void;
}

const SHOWN = 10;
const tiles: { kind: OverviewKind; title: string; rows: (o: CaptureOverview) => CountRow[] }[] = [
  { kind: 'gadget', title: 'Gadgets', rows: (o) => o.byGadget },
  { kind: 'pod', title: 'Pods', rows: (o) => o.byPod },
  { kind: 'process', title: 'Processes', rows: (o) => o.byProcess },
  { kind: 'error', title: 'Errors', rows: (o) => o.byError },
  { kind: 'node', title: 'Nodes', rows: (o) => o.byNode },
];

/** Counts per gadget, pod, process, error and node; each entry is one click from the filtered table. */
export function CaptureOverviewTiles({ overview, onPick }: Props) {
  return (
    <div className="overview-tiles" data-testid="capture-overview">
      {tiles.map(({ kind, title, rows }) => {
        const all = rows(overview);
        const max = Math.max(1, ...all.map((r) => r.count));
        return (
          <section key={kind} className="overview-tile" data-testid={`overview-tile-${kind}`} aria-label={title}>
            <header className="panel-title">
              {title} <span className="panel-sub">{all.length > SHOWN ? `top ${SHOWN} of ${all.length}` : all.length}</span>
            </header>
            {all.length === 0 && <div className="muted">none</div>}
            <ul className="overview-list">
              {all.slice(0, SHOWN).map((r) => {
                const clause = overviewClause(kind, r.key);
                return (
                  <li key={r.key}>
                    <button type="button" className="overview-item" data-testid="overview-item" data-key={r.key} title={clause === null ? 'Show the events' : `Filter: ${clause}`} onClick={() => onPick(clause)}>
                      <span className="overview-bar" style={{ width: `${(100 * r.count) / max}%` }} aria-hidden="true" />
                      <span className="overview-key">{r.key}</span>
                      <span className="overview-count">{r.count.toLocaleString()}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
