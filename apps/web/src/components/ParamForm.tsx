'use client';

import type { GadgetParam } from '@podscope/protocol';

interface Props {
  params: readonly GadgetParam[];
  /** Values the user set, as text; unset params show their defaults. */
  values: Record<string, string>;
  onChange: (name: string, value: string | undefined) => void;
}

function ParamInput({ param, value, onChange }: { param: GadgetParam; value: string | undefined; onChange: (v: string | undefined) => void }) {
  const fallback = param.default === undefined ? '' : String(param.default);
  const shown = value ?? fallback;
  // Setting a param back to its default removes it from the URL and the request.
  const set = (v: string) => onChange(v === fallback ? undefined : v);
  const common = { id: `param-${param.name}`, 'data-testid': `param-${param.name}`, 'aria-describedby': `param-${param.name}-help` };
  switch (param.type) {
    case 'boolean':
      return <input type="checkbox" {...common} checked={shown === 'true'} onChange={(e) => set(e.target.checked ? 'true' : 'false')} />;
    case 'integer':
      return <input type="number" step={1} {...common} min={param.min} max={param.max} value={shown} onChange={(e) => set(e.target.value)} />;
    case 'enum':
      return (
        <select {...common} value={shown} onChange={(e) => set(e.target.value)}>
          {param.default === undefined && <option value="">(none)</option>}
          {(param.enumValues ?? []).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      );
    case 'duration':
      return <input type="text" {...common} placeholder="e.g. 500ms, 2s" value={shown} onChange={(e) => set(e.target.value)} />;
    case 'string':
      return <input type="text" {...common} value={shown} onChange={(e) => set(e.target.value)} />;
  }
}

/** A form generated from the gadget's parameter metadata, with each description as help text. */
export function ParamForm({ params, values, onChange }: Props) {
  if (params.length === 0) return <p className="help">This gadget has no parameters.</p>;
  return (
    <div className="param-form">
      {params.map((p) => {
        const bounds = [p.min !== undefined ? `min ${p.min}` : '', p.max !== undefined ? `max ${p.max}` : ''].filter((s) => s !== '').join(', ');
        return (
          <div key={p.name} className={`param param-${p.type}`}>
            <label htmlFor={`param-${p.name}`} className="param-name">
              --{p.name}
              {values[p.name] !== undefined && <span className="changed-dot" title="changed from the default" />}
            </label>
            <ParamInput param={p} value={values[p.name]} onChange={(v) => onChange(p.name, v)} />
            <p className="help" id={`param-${p.name}-help`}>
              {p.description}
              {bounds !== '' && <span className="muted"> ({bounds})</span>}
              {p.default !== undefined && <span className="muted"> · default {String(p.default)}</span>}
            </p>
          </div>
        );
      })}
    </div>
  );
}

/** Turns the form's text values into typed request params; bad text is sent as-is so the hub names the problem. */
export function paramsForRequest(params: readonly GadgetParam[], values: Record<string, string>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const p of params) {
    const v = values[p.name];
    if (v === undefined) continue;
    if (p.type === 'boolean') out[p.name] = v === 'true';
    else if (p.type === 'integer' && /^-?\d+$/.test(v.trim())) out[p.name] = Number(v);
    else out[p.name] = v;
  }
  return out;
}
