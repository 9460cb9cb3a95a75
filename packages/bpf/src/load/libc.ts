/** The few libc calls the loader needs: mmap for rings, clocks for timestamps, mount for tracefs. */
import koffi from 'koffi';

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const MAP_SHARED = 1;
const CLOCK_REALTIME = 0;
const CLOCK_BOOTTIME = 7;

const lib = koffi.load('libc.so.6');
const mmapFn = lib.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, long offset)');
const munmapFn = lib.func('int munmap(void *addr, size_t length)');
const clockGettime = lib.func('int clock_gettime(int clk, void *ts)');
const mountFn = lib.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)');
const sysconfFn = lib.func('long sysconf(int name)');
const strerrorFn = lib.func('const char *strerror(int errnum)');
const socketFn = lib.func('int socket(int domain, int type, int protocol)');
const setsockoptFn = lib.func('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)');
const closeFn = lib.func('int close(int fd)');
export const vsnprintf = lib.func('int vsnprintf(void *buf, size_t size, const char *fmt, void *ap)');
const mallocTrimFn = lib.func('int malloc_trim(size_t pad)');

/**
 * Gives memory that native code freed back to the kernel. libbpf parses the kernel's BTF (megabytes) at
 * every object load and frees it after; glibc keeps such freed memory resident unless asked (measured: 6 MiB).
 */
export function trimNativeHeap(): void {
  mallocTrimFn(0);
}

/** An opaque native pointer as koffi hands it out. */
export type NativePointer = object;

const MAP_FAILED = 0xffffffffffffffffn;

export function errno(): number {
  return koffi.errno();
}

export function strerror(err: number): string {
  return String(strerrorFn(err));
}

export interface Mapping {
  readonly pointer: NativePointer;
  readonly length: number;
  /** A zero-copy view of the mapped memory. */
  readonly buffer: ArrayBuffer;
}

export function mmap(length: number, prot: number, fd: number, offset: number): Mapping {
  const pointer = mmapFn(null, length, prot, MAP_SHARED, fd, offset) as NativePointer | null;
  if (pointer === null || koffi.address(pointer) === MAP_FAILED) {
    const err = errno();
    throw new Error(`mmap(${length} bytes at ${offset}) failed: ${strerror(err)}`);
  }
  return { pointer, length, buffer: koffi.view(pointer, length) };
}

export function munmap(m: Mapping): void {
  munmapFn(m.pointer, m.length);
}

function clockNs(clock: number): bigint {
  const ts = Buffer.alloc(16);
  if ((clockGettime(clock, ts) as number) !== 0) throw new Error(`clock_gettime(${clock}) failed: ${strerror(errno())}`);
  return ts.readBigInt64LE(0) * 1_000_000_000n + ts.readBigInt64LE(8);
}

/**
 * Wall-clock ns minus boot-time ns: added to bpf_ktime_get_boot_ns() values. Each gadget converts with its own
 * offset, so events of two gadgets are only comparable if the offsets agree: the wall clock is read between two
 * boot-clock reads, and the tightest of several such sandwiches wins (a preemption between two plain reads once
 * shifted one gadget's events by more than the gap between a connection's accept and its connect).
 */
export function bootTimeOffsetNs(): number {
  let best: bigint | undefined;
  let offset = 0n;
  for (let i = 0; i < 8; i++) {
    const before = clockNs(CLOCK_BOOTTIME);
    const real = clockNs(CLOCK_REALTIME);
    const after = clockNs(CLOCK_BOOTTIME);
    if (best === undefined || after - before < best) {
      best = after - before;
      offset = real - (before + after) / 2n;
    }
  }
  return Number(offset);
}

export function pageSize(): number {
  return Number(sysconfFn(30 /* _SC_PAGESIZE */));
}

/** Returns 0 or the errno. */
export function mount(source: string, target: string, fstype: string): number {
  return (mountFn(source, target, fstype, 0, null) as number) === 0 ? 0 : errno();
}

/** Returns the fd or throws with the errno. */
export function socket(domain: number, type: number, protocol: number): number {
  const fd = socketFn(domain, type, protocol) as number;
  if (fd < 0) throw new Error(`socket(${domain}, ${type}) failed: ${strerror(errno())}`);
  return fd;
}

/** An int-valued socket option; returns 0 or the errno. */
export function setsockoptInt(fd: number, level: number, name: number, value: number): number {
  const v = Buffer.alloc(4);
  v.writeInt32LE(value);
  return (setsockoptFn(fd, level, name, v, 4) as number) === 0 ? 0 : errno();
}

export function closeFd(fd: number): void {
  closeFn(fd);
}
