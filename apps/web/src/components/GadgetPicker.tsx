'use client';

import type { GadgetMeta } from '@podscope/protocol';

interface Props {
  gadgets: GadgetMeta[] | null;
  value: string | undefined;
  onChange: (name: string) => void;
}

/** The gadget catalog; gadgets a node's kernel cannot run are listed but disabled, with the reason. */
export function GadgetPicker({ gadgets, value, onChange }: Props) {
  const selected = gadgets?.find((g) => g.name === value);
  const unavailable = gadgets?.filter((g) => g.unavailable !== undefined) ?? [];
  return (
    <div className="gadget-picker">
      <label className="field">
        <span>Gadget</span>
        <select data-testid="gadget-select" value={value ?? ''} onChange={(e) => onChange(e.target.value)} disabled={gadgets === null}>
          <option value="" disabled>
            {gadgets === null ? 'loading…' : 'choose a gadget'}
          </option>
          {gadgets?.map((g) => (
            <option key={g.name} value={g.name} disabled={g.unavailable !== undefined} title={g.unavailable ?? g.description}>
              {g.unavailable === undefined ? g.name : `${g.name} (unavailable)`}
            </option>
          ))}
        </select>
      </label>
      {selected !== undefined && <p className="help">{selected.description}</p>}
      {unavailable.length > 0 && (
        <ul className="unavailable-list" aria-label="Unavailable gadgets">
          {unavailable.map((g) => (
            <li key={g.name}>
              <code>{g.name}</code>: {g.unavailable}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
