/** libbpf attaches syscall tracepoints through tracefs, which minimal hosts do not mount. */
import { existsSync } from 'node:fs';
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
