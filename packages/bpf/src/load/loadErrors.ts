/** Turns libbpf failures into protocol errors: a missing kernel feature is `unsupported`, the rest `internal`. */
import { existsSync } from 'node:fs';
import { PodscopeError } from '@podscope/protocol';
import { LibBpfError } from './libBpf.ts';
import { UnsupportedError } from './errors.ts';

const EPERM = 1;
const ENOENT = 2;
const EACCES = 13;
const EINVAL = 22;
const EOPNOTSUPP = 95;

/** Checks what CO-RE needs before anything is opened. */
export function checkKernelBtf(): void {
  if (!existsSync('/sys/kernel/btf/vmlinux')) {
    throw new UnsupportedError('the kernel has no BTF (/sys/kernel/btf/vmlinux); CONFIG_DEBUG_INFO_BTF is required', {});
  }
}

export function toLoadError(gadget: string, stage: 'open' | 'load' | 'attach', err: unknown): Error {
  if (!(err instanceof LibBpfError)) return err instanceof Error ? err : new Error(String(err));
  const log = err.log.slice(-30).join('\n');
  const details = { gadget, stage, call: err.call, errno: err.errno, log };
  const unsupportedLog = /unknown func|invalid func|program of this type isn't supported|failed to find valid kernel BTF|map type .* not supported|ringbuf/i;
  if (err.errno === EPERM) {
    return new UnsupportedError(`${gadget}: ${err.call} was refused (EPERM): needs root or CAP_BPF + CAP_PERFMON`, details);
  }
  if (stage === 'attach' && (err.errno === ENOENT || err.errno === EOPNOTSUPP || err.errno === EINVAL)) {
    return new UnsupportedError(`${gadget}: this kernel cannot attach ${err.call}`, details);
  }
  if (stage === 'load' && (err.errno === EINVAL || err.errno === EACCES || err.errno === EOPNOTSUPP) && unsupportedLog.test(log)) {
    return new UnsupportedError(`${gadget}: the kernel lacks a BPF feature the program needs`, details);
  }
  return new PodscopeError('internal', `${gadget}: ${err.message}`, details);
}
