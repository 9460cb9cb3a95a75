import type { EventRecord, FieldMeta } from '@podscope/protocol';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ROWS_TABLE_ROW_HEIGHT, RowsTable } from '../components/RowsTable.tsx';

const fields: FieldMeta[] = [
  { name: 'proc.pid', type: 'integer', description: 'pid', defaultVisible: true },
  { name: 'proc.comm', type: 'string', description: 'comm', defaultVisible: true },
];

function render(count: number): string {
  const rows: EventRecord[] = Array.from({ length: count }, (_, i) => ({ 'proc.pid': i, 'proc.comm': `p${i}` }));
  const noop = () => undefined;
  return renderToStaticMarkup(
    createElement(RowsTable, { testId: 'snapshot-table', rows, fields, visible: ['proc.pid', 'proc.comm'], sort: undefined, onSortChange: noop, onCellFilter: noop, empty: 'none' }),
  );
}

const rowCount = (html: string): number => html.match(/data-testid="snapshot-table-row"/g)?.length ?? 0;

describe('RowsTable (server-rendered)', () => {
  it('renders a small table whole', () => {
    const html = render(10);
    expect(rowCount(html)).toBe(10);
    expect(html).not.toContain('rows-spacer');
  });

  it('renders only the rows in view of a 100k-row snapshot, with a spacer standing for every other row: nothing is cut', () => {
    const html = render(100_000);
    const shown = rowCount(html);
    expect(shown).toBeGreaterThan(20);
    expect(shown).toBeLessThan(200);
    expect(html).toContain('data-rows="100000"');
    // The spacer after the window is as tall as all remaining rows: the scrollbar covers the whole snapshot.
    const spacer = /<tr class="rows-spacer" style="height:(\d+)px"/.exec(html);
    expect(Number(spacer?.[1])).toBe((100_000 - shown) * ROWS_TABLE_ROW_HEIGHT);
  });
});
