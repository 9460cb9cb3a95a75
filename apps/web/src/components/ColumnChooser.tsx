'use client';

import type { FieldMeta } from '@podscope/protocol';

interface Props {
  fields: readonly FieldMeta[];
  visible: readonly string[];
  onChange: (visible: string[]) => void;
  onReset: () => void;
}

/** Show or hide columns; shown columns keep the field order of the metadata. */
export function ColumnChooser({ fields, visible, onChange, onReset }: Props) {
  const shown = new Set(visible);
  const toggle = (name: string, on: boolean) => {
    const next = new Set(shown);
    if (on) next.add(name);
    else next.delete(name);
    onChange(fields.map((f) => f.name).filter((n) => next.has(n)));
  };
  return (
    <details className="column-chooser">
      <summary className="btn btn-small" data-testid="columns-toggle">
        Columns ({visible.length}/{fields.length})
      </summary>
      <div className="column-menu" role="group" aria-label="Columns">
        {fields.map((f) => (
          <label key={f.name} className="checkbox" title={f.description}>
            <input type="checkbox" data-testid={`column-${f.name}`} checked={shown.has(f.name)} onChange={(e) => toggle(f.name, e.target.checked)} />
            <code>{f.name}</code>
          </label>
        ))}
        <button type="button" className="btn btn-small" onClick={onReset}>
          Reset to defaults
        </button>
      </div>
    </details>
  );
}
