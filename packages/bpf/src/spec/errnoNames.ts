/** errno number → symbolic name, from Node's table so it matches the host libc. */
import { constants } from 'node:os';

const byNumber = new Map<number, string>();
for (const [name, num] of Object.entries(constants.errno)) {
  // Several names share a number (EAGAIN/EWOULDBLOCK); keep the first, which is the usual one.
  if (!byNumber.has(num)) byNumber.set(num, name);
}

/** "" for success (>= 0), the errno name for a negative kernel return value. */
export function errnoName(retval: number): string {
  if (retval >= 0) return '';
  return byNumber.get(-retval) ?? `E${-retval}`;
}
