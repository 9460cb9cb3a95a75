/** The libc calls packet capture needs beyond libc.ts: namespaces, bind, getsockopt, ioctl. */
import koffi from 'koffi';
import { errno, strerror } from './libc.ts';

const lib = koffi.load('libc.so.6');
const openFn = lib.func('int open(const char *path, int flags)');
const setnsFn = lib.func('int setns(int fd, int nstype)');
const socketFn = lib.func('int socket(int domain, int type, int protocol)');
const bindFn = lib.func('int bind(int fd, const void *addr, uint32_t len)');
const setsockoptFn = lib.func('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)');
const getsockoptFn = lib.func('int getsockopt(int fd, int level, int name, void *value, _Inout_ uint32_t *len)');
const ioctlFn = lib.func('int ioctl(int fd, unsigned long request, void *arg)');
const closeFn = lib.func('int close(int fd)');

const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;
export const CLONE_NEWNET = 0x40000000;

/** An errno-carrying failure of one libc call. */
export class SyscallError extends Error {
  override readonly name = 'SyscallError';
  constructor(
    readonly call: string,
    readonly errno: number,
  ) {
    super(`${call} failed: ${strerror(errno)}`);
  }
}

function check(call: string, rc: number): number {
  if (rc < 0) throw new SyscallError(call, errno());
  return rc;
}

export function openReadOnly(path: string): number {
  return check(`open(${path})`, openFn(path, O_RDONLY | O_CLOEXEC) as number);
}

export function setns(fd: number, nstype: number): void {
  check('setns', setnsFn(fd, nstype) as number);
}

export function socketFd(domain: number, type: number, protocol: number): number {
  return check('socket', socketFn(domain, type, protocol) as number);
}

export function bindFd(fd: number, addr: Buffer): void {
  check('bind', bindFn(fd, addr, addr.length) as number);
}

export function setsockoptBuf(fd: number, level: number, name: number, value: Buffer, what: string): void {
  check(`setsockopt(${what})`, setsockoptFn(fd, level, name, value, value.length) as number);
}

export function getsockoptBuf(fd: number, level: number, name: number, size: number, what: string): Buffer {
  const out = Buffer.alloc(size);
  const len = [size];
  check(`getsockopt(${what})`, getsockoptFn(fd, level, name, out, len) as number);
  return out;
}

/** Returns the ioctl's result or -errno. */
export function ioctlBuf(fd: number, request: number, arg: Buffer): number {
  const rc = ioctlFn(fd, request, arg) as number;
  return rc < 0 ? -errno() : rc;
}

export function closeQuietly(fd: number): void {
  if (fd >= 0) closeFn(fd);
}
