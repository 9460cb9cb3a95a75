/**
 * Refuses regexes that can backtrack catastrophically in a backtracking engine: a quantified group that
 * itself contains a quantifier ("star height" > 1, e.g. `(a+)+`), alternations under a quantifier whose
 * branches can overlap trivially, and backreferences. Returns the offending offset or undefined.
 */
export function findUnsafeRegexConstruct(source: string): { index: number; reason: string } | undefined {
  const stack: { start: number; hasQuantifier: boolean; hasAlternation: boolean }[] = [];
  let inClass = false;
  let lastGroup: { start: number; hasQuantifier: boolean; hasAlternation: boolean } | undefined;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1];
      if (next !== undefined && /[1-9k]/.test(next) && !inClass) return { index: i, reason: 'backreferences are not allowed' };
      i++;
      lastGroup = undefined;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      lastGroup = undefined;
      continue;
    }
    if (c === '(') {
      stack.push({ start: i, hasQuantifier: false, hasAlternation: false });
      lastGroup = undefined;
      continue;
    }
    if (c === ')') {
      lastGroup = stack.pop();
      continue;
    }
    if (c === '|') {
      const top = stack[stack.length - 1];
      if (top) top.hasAlternation = true;
      continue;
    }
    const isQuantifier = c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i)));
    if (isQuantifier) {
      const unbounded = c === '*' || c === '+' || (c === '{' && /^\{\d+,\}/.test(source.slice(i))) || (c === '{' && /^\{\d+,(\d{3,})\}/.test(source.slice(i)));
      if (lastGroup && unbounded && (lastGroup.hasQuantifier || lastGroup.hasAlternation)) {
        return { index: lastGroup.start, reason: 'a repeated group containing a repetition or alternation can backtrack catastrophically' };
      }
      for (const g of stack) g.hasQuantifier = g.hasQuantifier || c !== '?';
      if (lastGroup) for (const g of stack) g.hasQuantifier = g.hasQuantifier || lastGroup.hasQuantifier;
      lastGroup = undefined;
      continue;
    }
    lastGroup = undefined;
  }
  return undefined;
}
