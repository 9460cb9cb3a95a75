/** libbpf attaches syscall tracepoints through tracefs, which minimal hosts do not mount. */
import { existsSync, readdirSync } from 'node:fs';
import { mount, strerror } from './libc.ts';
import { UnsupportedError } from './errors.ts';

const TRACEFS = '/sys/kernel/tracing';
const DEBUGFS_TRACING = '/sys/kernel/debug/tracing';

export function ensureTracefs(): void {
  if (existsSync(`${TRACEFS}/events`) || existsSync(`${DEBUGFS_TRACING}/events`)) return;
  const err = mount('tracefs', TRACEFS, 'tracefs');
  if (err !== 0 && !existsSync(`${TRACEFS}/events`)) {
    throw new UnsupportedError(`tracefs is not mounted and mounting it at ${TRACEFS} failed: ${strerror(err)}`, { path: TRACEFS });
  }
}

/** Whether a tracepoint (category/name) exists on this kernel, e.g. syscalls/sys_enter_openat2. */
export function tracepointExists(category: string, name: string): boolean {
  return existsSync(`${TRACEFS}/events/${category}/${name}`) || existsSync(`${DEBUGFS_TRACING}/events/${category}/${name}`);
}

/** Whether an event of that name exists in any category (tp_btf/raw_tp sections name the event alone). */
export function tracepointNamed(name: string): boolean {
  for (const root of [TRACEFS, DEBUGFS_TRACING]) {
    let categories: string[];
    try {
      categories = readdirSync(`${root}/events`);
    } catch {
      continue;
    }
    if (categories.some((c) => existsSync(`${root}/events/${c}/${name}`))) return true;
  }
  return false;
}
