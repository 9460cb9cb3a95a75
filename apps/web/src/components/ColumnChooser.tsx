'use client';

import { useState } from 'react';
import { resolveColumns, type FieldMeta } from '@podscope/protocol';

interface Props {
  fields: readonly FieldMeta[];
  /** IG `--fields` spec as the URL holds it; undefined = defaults. */
  spec: string | undefined;
  visible: readonly string[];
  /** New spec (plain `a,b,c` from the checkboxes, or what the user typed). */
  onChange: (spec: string) => void;
  onReset: () => void;
}

/** Show, hide and order columns, by checkbox or by IG's `--fields` text (`a,b,c`, or `+f,-g` against the defaults). */
export function ColumnChooser({ fields, spec, visible, onChange, onReset }: Props) {
  const shown = new Set(visible);
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? spec ?? '';
  const checked = draft === null ? null : resolveColumns(draft, fields);
  const toggle = (name: string, on: boolean) => {
    // Unchecking keeps the current order; checking appends, as `+field` would.
    const next = on ? [...visible, name] : visible.filter((n) => n !== name);
    setDraft(null);
    onChange(next.join(','));
  };
  const apply = () => {
    if (checked?.ok !== true || draft === null) return;
    setDraft(null);
    onChange(draft.trim());
  };
  return (
    <details className="column-chooser">
      <summary className="btn btn-small" data-testid="columns-toggle">
        Columns ({visible.length}/{fields.length})
      </summary>
      <div className="column-menu" role="group" aria-label="Columns">
        <label className="field">
          <span>--fields (a,b,c or +f,-g)</span>
          <input
            type="text"
            data-testid="columns-spec"
            className={`mono${checked !== null && !checked.ok ? ' invalid' : ''}`}
            value={text}
            placeholder="defaults"
            spellCheck={false}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') apply();
              if (e.key === 'Escape') setDraft(null);
            }}
            onBlur={apply}
          />
          {checked !== null && !checked.ok && (
            <span className="filter-error-message" data-testid="columns-error">
              {checked.error.message}
              {checked.error.suggestions !== undefined && checked.error.suggestions.length > 0 ? ` (did you mean ${checked.error.suggestions.join(', ')}?)` : ''}
            </span>
          )}
        </label>
        {fields.map((f) => (
          <label key={f.name} className="checkbox" title={f.description}>
            <input type="checkbox" data-testid={`column-${f.name}`} checked={shown.has(f.name)} onChange={(e) => toggle(f.name, e.target.checked)} />
            <code>{f.name}</code>
          </label>
        ))}
        <button type="button" className="btn btn-small" onClick={() => { setDraft(null); onReset(); }}>
          Reset to defaults
        </button>
      </div>
    </details>
  );
}
