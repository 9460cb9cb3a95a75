import type { FilterError } from '@podscope/protocol';

/** Where to draw the error marker under a filter: the text split around the faulty span. */
export interface FilterMark {
  /** Character offset of the fault, clamped to the text (the end of the text when the fault is "missing something"). */
  start: number;
  /** Characters marked, at least one (a fault at the end marks one virtual column past the text). */
  length: number;
  /** Line under the text: spaces up to the fault, then one `^` per marked character. */
  caretLine: string;
}

/** Maps a filter error's position/length onto the text the user sees, one column per UTF-16 unit (a monospace mirror). */
export function filterMark(text: string, error: Pick<FilterError, 'position' | 'length'>): FilterMark {
  const start = Math.max(0, Math.min(Number.isFinite(error.position) ? Math.floor(error.position) : 0, text.length));
  const room = Math.max(1, text.length - start);
  const length = Math.max(1, Math.min(Number.isFinite(error.length) ? Math.floor(error.length) : 1, room));
  // Tabs would take more than one column in the mirror; the input shows them as one space anyway.
  const pad = text.slice(0, start).replace(/[^\t]/g, ' ').replace(/\t/g, ' ');
  return { start, length, caretLine: `${pad}${'^'.repeat(length)}` };
}

/** The text as the mirror shows it: tabs and newlines as single spaces so columns line up with the caret line. */
export function mirrorText(text: string): string {
  return text.replace(/[\t\r\n]/g, ' ');
}
