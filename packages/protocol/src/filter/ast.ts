/** Syntax tree of a filter; positions are 0-based character offsets into the filter text. */
export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=' | '~' | '!~';

export interface Span {
  pos: number;
  end: number;
}

export interface FieldRef extends Span {
  name: string;
}

export interface Literal extends Span {
  text: string;
  quoted: boolean;
}

export type FilterNode =
  | { kind: 'and'; items: FilterNode[] }
  | { kind: 'or'; items: FilterNode[] }
  | { kind: 'not'; item: FilterNode; pos: number }
  | { kind: 'compare'; field: FieldRef; op: CompareOp; opPos: number; value: Literal }
  | { kind: 'in'; field: FieldRef; negated: boolean; values: Literal[]; pos: number };

/** A filter error always names where in the text it is and why. */
export interface FilterError {
  position: number;
  length: number;
  message: string;
  /** Nearest valid field names, for an unknown field. */
  suggestions?: string[];
}

export class FilterSyntaxError extends Error {
  readonly position: number;
  readonly length: number;
  constructor(position: number, length: number, message: string) {
    super(message);
    this.position = position;
    this.length = length;
  }
}
