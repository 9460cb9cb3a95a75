/** koffi bindings to libbpf.so.1 (Debian's libbpf1), plus its log captured for error messages. */
import koffi from 'koffi';
import { errno, vsnprintf, type NativePointer } from './libc.ts';

let lib: koffi.IKoffiLib;
try {
  lib = koffi.load('libbpf.so.1');
} catch (err) {
  throw new Error(`cannot load libbpf.so.1 (apt-get install libbpf1): ${(err as Error).message}`, { cause: err });
}

const fn = {
  openFile: lib.func('void *bpf_object__open_file(const char *path, void *opts)'),
  load: lib.func('int bpf_object__load(void *obj)'),
  close: lib.func('void bpf_object__close(void *obj)'),
  findMap: lib.func('void *bpf_object__find_map_by_name(void *obj, const char *name)'),
  nextProgram: lib.func('void *bpf_object__next_program(void *obj, void *prog)'),
  programName: lib.func('const char *bpf_program__name(void *prog)'),
  sectionName: lib.func('const char *bpf_program__section_name(void *prog)'),
  setAutoload: lib.func('int bpf_program__set_autoload(void *prog, bool autoload)'),
  autoload: lib.func('bool bpf_program__autoload(void *prog)'),
  attach: lib.func('void *bpf_program__attach(void *prog)'),
  linkDestroy: lib.func('int bpf_link__destroy(void *link)'),
  mapFd: lib.func('int bpf_map__fd(void *map)'),
  setMaxEntries: lib.func('int bpf_map__set_max_entries(void *map, uint32_t max)'),
  initialValue: lib.func('void *bpf_map__initial_value(void *map, _Out_ size_t *size)'),
  update: lib.func('int bpf_map_update_elem(int fd, const void *key, const void *value, uint64_t flags)'),
  lookup: lib.func('int bpf_map_lookup_elem(int fd, const void *key, void *value)'),
  remove: lib.func('int bpf_map_delete_elem(int fd, const void *key)'),
  possibleCpus: lib.func('int libbpf_num_possible_cpus(void)'),
  getNextKey: lib.func('int bpf_map_get_next_key(int fd, const void *key, void *next_key)'),
  lookupBatch: lib.func('int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values, void *count, const void *opts)'),
  lookupAndDeleteBatch: lib.func('int bpf_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values, void *count, const void *opts)'),
  linkFd: lib.func('int bpf_link__fd(void *link)'),
  programFd: lib.func('int bpf_program__fd(void *prog)'),
  iterCreate: lib.func('int bpf_iter_create(int link_fd)'),
  setAutocreate: lib.func('int bpf_map__set_autocreate(void *map, bool autocreate)'),
  mapCreate: lib.func('int bpf_map_create(int map_type, const char *name, uint32_t key_size, uint32_t value_size, uint32_t max_entries, const void *opts)'),
  setPrint: lib.func('void *libbpf_set_print(void *fn)'),
};

// libbpf reports verifier and attach failures only through its print callback; keep the tail for errors.
const PrintFn = koffi.proto('int libbpf_print_fn(int level, const char *fmt, void *ap)');
const logLines: string[] = [];
const logBuffer = Buffer.alloc(8192);
const printCallback = koffi.register((level: number, fmt: string, ap: NativePointer): number => {
  if (level > 1) return 0; // debug chatter
  const n = vsnprintf(logBuffer, logBuffer.length, fmt, ap) as number;
  logLines.push(logBuffer.toString('utf8', 0, Math.max(0, Math.min(n, logBuffer.length - 1))).trimEnd());
  if (logLines.length > 200) logLines.splice(0, logLines.length - 200);
  return 0;
}, koffi.pointer(PrintFn));
fn.setPrint(printCallback);

/** Drains libbpf's recent log lines (verifier output etc.). */
export function takeLibbpfLog(): string[] {
  return logLines.splice(0, logLines.length);
}

export type BpfObjectHandle = NativePointer & { readonly __brand: 'bpf_object' };
export type BpfMapHandle = NativePointer & { readonly __brand: 'bpf_map' };
export type BpfProgramHandle = NativePointer & { readonly __brand: 'bpf_program' };
export type BpfLinkHandle = NativePointer & { readonly __brand: 'bpf_link' };

/** Raised with the errno libbpf returned, so callers can map it to unsupported/forbidden. */
export class LibBpfError extends Error {
  override readonly name = 'LibBpfError';
  constructor(
    readonly call: string,
    readonly errno: number,
    readonly log: readonly string[],
  ) {
    const last = log.at(-1);
    super(`${call} failed: ${errnoLabel(errno)}${last === undefined ? '' : ` (${last})`}`);
  }
}

/** libbpf's own error codes (libbpf.h, LIBBPF_ERRNO__START = 4000). */
const libbpfErrnos = ['LIBELF', 'FORMAT', 'KVERSION', 'ENDIAN', 'INTERNAL', 'RELOC', 'LOAD', 'VERIFY', 'PROG2BIG', 'KVER', 'PROGTYPE', 'WRNGPID', 'INVSEQ', 'NLPARSE'];

function errnoLabel(err: number): string {
  const own = err >= 4000 ? libbpfErrnos[err - 4000] : undefined;
  if (own !== undefined) return `LIBBPF_ERRNO__${own} (${err})`;
  const name = Object.entries(koffi.os.errno).find(([, v]) => v === err)?.[0];
  return name === undefined ? `errno ${err}` : `${name} (${err})`;
}

function ptrOrThrow<T extends NativePointer>(call: string, p: unknown): T {
  if (p === null || p === undefined) throw new LibBpfError(call, errno() || 22, takeLibbpfLog());
  return p as T;
}

function intOrThrow(call: string, rc: unknown): number {
  const n = rc as number;
  if (n < 0) throw new LibBpfError(call, -n, takeLibbpfLog());
  return n;
}

export const libbpf = {
  openFile: (path: string): BpfObjectHandle => ptrOrThrow('bpf_object__open_file', fn.openFile(path, null)),
  load: (obj: BpfObjectHandle): void => void intOrThrow('bpf_object__load', fn.load(obj)),
  close: (obj: BpfObjectHandle): void => void fn.close(obj),
  findMap: (obj: BpfObjectHandle, name: string): BpfMapHandle => ptrOrThrow(`bpf_object__find_map_by_name(${name})`, fn.findMap(obj, name)),
  programs(obj: BpfObjectHandle): { handle: BpfProgramHandle; name: string; section: string; autoload: boolean }[] {
    const out: { handle: BpfProgramHandle; name: string; section: string; autoload: boolean }[] = [];
    for (let p = fn.nextProgram(obj, null) as BpfProgramHandle | null; p !== null; p = fn.nextProgram(obj, p) as BpfProgramHandle | null) {
      out.push({ handle: p, name: String(fn.programName(p)), section: String(fn.sectionName(p)), autoload: fn.autoload(p) === true });
    }
    return out;
  },
  /** Before load: a program left out is neither loaded nor attached. */
  setAutoload: (prog: BpfProgramHandle, on: boolean): void => void intOrThrow('bpf_program__set_autoload', fn.setAutoload(prog, on)),
  attach: (prog: BpfProgramHandle, name: string): BpfLinkHandle => ptrOrThrow(`bpf_program__attach(${name})`, fn.attach(prog)),
  destroyLink: (link: BpfLinkHandle): void => void fn.linkDestroy(link),
  mapFd: (map: BpfMapHandle): number => intOrThrow('bpf_map__fd', fn.mapFd(map)),
  setMaxEntries: (map: BpfMapHandle, n: number): void => void intOrThrow('bpf_map__set_max_entries', fn.setMaxEntries(map, n)),
  /** The writable pre-load contents of an internal map such as .rodata. */
  initialValue(map: BpfMapHandle): ArrayBuffer {
    const size = [0];
    const p = ptrOrThrow<NativePointer>('bpf_map__initial_value', fn.initialValue(map, size));
    return koffi.view(p, size[0] ?? 0);
  },
  update: (fd: number, key: Uint8Array, value: Uint8Array): void => void intOrThrow('bpf_map_update_elem', fn.update(fd, key, value, 0)),
  lookup: (fd: number, key: Uint8Array, value: Uint8Array): boolean => {
    const rc = fn.lookup(fd, key, value) as number;
    if (rc === 0) return true;
    if (rc === -2 /* ENOENT */) return false;
    throw new LibBpfError('bpf_map_lookup_elem', -rc, []);
  },
  /** Deletes a key; a missing key is not an error. */
  remove: (fd: number, key: Uint8Array): void => {
    const rc = fn.remove(fd, key) as number;
    if (rc < 0 && rc !== -2) throw new LibBpfError('bpf_map_delete_elem', -rc, []);
  },
  possibleCpus: (): number => intOrThrow('libbpf_num_possible_cpus', fn.possibleCpus()),
  /** Next key after `key` (null = first) into `next`; false at the end of the map. */
  getNextKey: (fd: number, key: Uint8Array | null, next: Uint8Array): boolean => {
    const rc = fn.getNextKey(fd, key, next) as number;
    if (rc === 0) return true;
    if (rc === -2 /* ENOENT */) return false;
    throw new LibBpfError('bpf_map_get_next_key', -rc, []);
  },
  /**
   * One step of a batch walk: fills `keys`/`values` with up to count[0] entries and sets count[0] to how many.
   * Returns 'more', 'done' (ENOENT: the walk is over, the entries of this call still count) or the negative errno.
   */
  lookupBatch: (fd: number, inBatch: Uint8Array | null, outBatch: Uint8Array, keys: Uint8Array, values: Uint8Array, count: Uint32Array, andDelete: boolean): 'more' | 'done' | number => {
    const call = andDelete ? fn.lookupAndDeleteBatch : fn.lookupBatch;
    const rc = call(fd, inBatch, outBatch, keys, values, count, null) as number;
    if (rc === 0) return 'more';
    if (rc === -2) return 'done';
    return rc;
  },
  linkFd: (link: BpfLinkHandle): number => intOrThrow('bpf_link__fd', fn.linkFd(link)),
  programFd: (prog: BpfProgramHandle): number => intOrThrow('bpf_program__fd', fn.programFd(prog)),
  /** A readable fd that runs the iterator program behind the link. */
  iterCreate: (linkFd: number): number => intOrThrow('bpf_iter_create', fn.iterCreate(linkFd)),
  /** Before load: a map left out is not created (feature probes keep a ring buffer from failing every probe). */
  setAutocreate: (map: BpfMapHandle, on: boolean): void => void intOrThrow('bpf_map__set_autocreate', fn.setAutocreate(map, on)),
  /** Creates a bare map and returns its fd (the caller closes it). */
  mapCreate: (type: number, name: string, keySize: number, valueSize: number, maxEntries: number): number =>
    intOrThrow('bpf_map_create', fn.mapCreate(type, name, keySize, valueSize, maxEntries, null)),
};
