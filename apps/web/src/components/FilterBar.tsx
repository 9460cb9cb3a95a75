'use client';

import { useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { compileFilter, type FieldMeta } from '@podscope/protocol';
import { applyCompletion, completionsAt, type CompletionItem, type ValueSource } from '../lib/filterCompletion.ts';
import { filterMark, mirrorText } from '../lib/filterMark.ts';

interface Props {
  /** Test id of the input (`table-filter`, `run-filter`); the error block is `filter-error` inside `<testId>-bar`. */
  testId: string;
  label: string;
  value: string;
  onChange: (text: string) => void;
  /** Enter with no suggestion open: apply now instead of after the typing pause. */
  onCommit?: (text: string) => void;
  fields: readonly FieldMeta[];
  values: ValueSource;
  placeholder?: string;
  className?: string;
}

/**
 * A filter-language input: completes field names and the values seen so far, and shows a parse or type
 * error under the character at fault (a monospace mirror of the text with a caret line).
 */
export function FilterBar({ testId, label, value, onChange, onCommit, fields, values, placeholder, className }: Props) {
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const [cursor, setCursor] = useState(value.length);
  const [open, setOpen] = useState(false);
  const [focused, setFocused] = useState(false);
  const [active, setActive] = useState(0);
  // Enter picks a suggestion only after the user moved through the list; otherwise it applies the filter as typed.
  const [navigated, setNavigated] = useState(false);
  const pendingCursor = useRef<number | null>(null);

  const completion = useMemo(() => (open ? completionsAt(value, cursor, fields, values) : null), [open, value, cursor, fields, values]);
  const items = completion?.items ?? [];
  const activeIndex = Math.min(active, Math.max(0, items.length - 1));
  const result = useMemo(() => (value.trim() === '' ? null : compileFilter(value, fields)), [value, fields]);
  // "Expected a value" at the very end is the user mid-typing: shown once they leave the box.
  const fault = result !== null && !result.ok ? result.error : null;
  const error = fault !== null && focused && fault.position >= value.trimEnd().length ? null : fault;
  const mark = error === null ? null : filterMark(value, error);

  useLayoutEffect(() => {
    const at = pendingCursor.current;
    if (at === null || inputRef.current === null) return;
    pendingCursor.current = null;
    inputRef.current.setSelectionRange(at, at);
  });

  const edit = (text: string, at: number) => {
    setNavigated(false);
    onChange(text);
    setCursor(at);
    pendingCursor.current = at;
  };

  const choose = (item: CompletionItem) => {
    if (completion === null) return;
    const next = applyCompletion(value, completion, item);
    edit(next.text, next.cursor);
    setActive(0);
    // After a field the user types an operator and then wants values; after a value the clause is done.
    setOpen(completion.kind === 'field');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const listShown = items.length > 0;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        e.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(0);
          return;
        }
        if (!listShown) return;
        const step = e.key === 'ArrowDown' ? 1 : -1;
        setActive((activeIndex + step + items.length) % items.length);
        setNavigated(true);
        return;
      }
      case 'Tab':
      case 'Enter': {
        const item = items[activeIndex];
        if (listShown && item !== undefined && (e.key === 'Tab' || navigated)) {
          e.preventDefault();
          choose(item);
          setNavigated(false);
          return;
        }
        if (e.key === 'Enter') {
          e.preventDefault();
          setOpen(false);
          onCommit?.(value);
        }
        return;
      }
      case 'Escape':
        if (listShown) {
          e.preventDefault();
          setOpen(false);
        }
        return;
      default:
        return;
    }
  };

  const syncCursor = () => setCursor(inputRef.current?.selectionStart ?? value.length);
  const replaceFault = (suggestion: string) => {
    if (mark === null) return;
    const text = value.slice(0, mark.start) + suggestion + value.slice(mark.start + mark.length);
    edit(text, mark.start + suggestion.length);
    onCommit?.(text);
  };

  return (
    <div className={`filter-bar${className !== undefined ? ` ${className}` : ''}`} data-testid={`${testId}-bar`}>
      <div className="filter-input-wrap">
        <input
          ref={inputRef}
          className={`filter-input${error !== null ? ' invalid' : ''}`}
          type="search"
          data-testid={testId}
          aria-label={label}
          aria-invalid={error !== null}
          aria-autocomplete="list"
          aria-expanded={items.length > 0}
          aria-controls={listId}
          aria-activedescendant={items.length > 0 ? `${listId}-${activeIndex}` : undefined}
          role="combobox"
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          value={value}
          onChange={(e) => {
            onChange(e.target.value);
            setCursor(e.target.selectionStart ?? e.target.value.length);
            setOpen(true);
            setActive(0);
            setNavigated(false);
          }}
          onKeyDown={onKeyDown}
          onKeyUp={(e) => {
            if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home' || e.key === 'End') syncCursor();
          }}
          onClick={() => {
            syncCursor();
            setOpen(true);
          }}
          onFocus={() => {
            setOpen(true);
            setFocused(true);
          }}
          onBlur={() => {
            setOpen(false);
            setFocused(false);
          }}
        />
        {items.length > 0 && (
          <ul className="filter-suggestions" id={listId} role="listbox" data-testid={`${testId}-suggestions`} aria-label={completion?.kind === 'value' ? `values of ${completion.field ?? ''}` : 'fields'}>
            {items.map((item, i) => (
              <li
                key={`${item.label}-${i}`}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === activeIndex}
                className={i === activeIndex ? 'active' : ''}
                data-testid="filter-suggestion"
                // mousedown, not click: the input must keep focus (blur would close the list first).
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(item);
                }}
                onMouseEnter={() => setActive(i)}
              >
                <code>{item.label === '' ? '""' : item.label}</code>
                {item.detail !== undefined && <span className="muted">{item.detail}</span>}
              </li>
            ))}
            <li className="filter-suggestions-help muted" aria-hidden="true">Tab inserts · ↑↓ then Enter picks · Esc closes</li>
          </ul>
        )}
      </div>
      {error !== null && mark !== null && (
        <div className="filter-error" role="alert" data-testid="filter-error" data-filter={testId} data-position={error.position}>
          <pre className="filter-mirror" aria-hidden="true">
            {mirrorText(value.slice(0, mark.start))}
            <span className="filter-fault">{mark.start < value.length ? mirrorText(value.slice(mark.start, mark.start + mark.length)) : ' '}</span>
            {mirrorText(value.slice(mark.start + mark.length))}
            {'\n'}
            <span className="filter-caret">{mark.caretLine}</span>
          </pre>
          <div className="filter-error-message">
            {error.message}
            {error.suggestions !== undefined && error.suggestions.length > 0 && (
              <span className="filter-error-suggestions">
                {' '}
                {error.suggestions.map((s) => (
                  <button key={s} type="button" className="btn btn-small chip-button" onClick={() => replaceFault(s)} title={`Replace with ${s}`}>
                    {s}
                  </button>
                ))}
              </span>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
