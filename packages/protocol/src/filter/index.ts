export type { CompareOp, FilterNode, FilterError } from './ast.ts';
export { parseFilterSyntax } from './parser.ts';
export { compileFilter, type CompiledFilter, type FilterResult, type EventPredicate } from './compile.ts';
export { parseCidr, cidrContains, parseBytesLiteral, parseDurationLiteral } from './literals.ts';
export { findUnsafeRegexConstruct } from './safeRegex.ts';
export { nearestNames } from './suggest.ts';
export { resolveColumns, parseSortSpec, compareBySortKeys, type SortKey, type ColumnsResult, type SortResult } from './columns.ts';
export { extractPushdown, describePushdown, type PushdownPredicate } from './pushdown.ts';
