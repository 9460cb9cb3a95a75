/** What a gadget folder declares beside its C program; layout always comes from BTF, never from here. */
import type { FieldType, GadgetCategory, GadgetParam } from '@podscope/protocol';

export interface FieldAnnotation {
  /** Dotted event field name; defaults to the C member path joined by dots (proc.pid). */
  readonly name?: string;
  readonly type?: FieldType;
  readonly unit?: string;
  readonly description?: string;
  readonly defaultVisible?: boolean;
  /** Decoded for the decoder's own use (e.g. a length) and never emitted. */
  readonly hidden?: boolean;
  /** 'argv': a NUL-separated list, emitted joined by spaces. */
  readonly decode?: 'argv';
  /** C path of the member holding how many bytes of this array are used. */
  readonly lengthField?: string;
}

/** A field computed from another decoded field. */
export interface DerivedField {
  readonly name: string;
  /** C path of the source member. */
  readonly from: string;
  /** 'errno': negative return value → errno name, success → "". */
  readonly kind: 'errno';
  readonly description: string;
  readonly defaultVisible: boolean;
}

export interface GadgetManifest {
  readonly name: string;
  readonly category: GadgetCategory;
  readonly description: string;
  readonly params: readonly GadgetParam[];
  /** Name of the C struct written to the ring; `event` by convention. */
  readonly eventStruct?: string;
  /** Keyed by C member path (e.g. "proc.pid"). Members not listed get defaults derived from BTF. */
  readonly fields: Readonly<Record<string, FieldAnnotation>>;
  readonly derived?: readonly DerivedField[];
  /** Boolean/integer params written into `const volatile` globals before load: param name → C variable. */
  readonly rodataParams?: Readonly<Record<string, string>>;
}
