/** Levenshtein distance, bounded so long inputs stay cheap. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return 99;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** Up to three known names closest to an unknown one (also matching on the last dotted segment: `comm` → `proc.comm`). */
export function nearestNames(name: string, known: readonly string[]): string[] {
  const lower = name.toLowerCase();
  const scored = known.map((k) => {
    const kl = k.toLowerCase();
    const tail = kl.slice(kl.lastIndexOf('.') + 1);
    return { k, d: Math.min(distance(lower, kl), tail === lower ? 0 : distance(lower, tail) + 1) };
  });
  const limit = Math.max(2, Math.floor(name.length / 3));
  return scored.filter((s) => s.d <= limit).sort((a, b) => a.d - b.d || a.k.localeCompare(b.k)).slice(0, 3).map((s) => s.k);
}
