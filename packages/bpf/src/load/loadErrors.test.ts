import { describe, expect, it } from 'vitest';
import { PodscopeError } from '@podscope/protocol';
import { LibBpfError } from './libBpf.ts';
import { toLoadError } from './loadErrors.ts';
import { UnsupportedError } from './errors.ts';

describe('toLoadError', () => {
  it('calls a missing tracepoint unsupported', () => {
    const err = toLoadError('trace_exec', 'attach', new LibBpfError('bpf_program__attach(enter_execve)', 2, ['failed to determine tracepoint']));
    expect(err).toBeInstanceOf(UnsupportedError);
    expect(err).toMatchObject({ code: 'unsupported', details: { stage: 'attach', errno: 2 } });
  });

  it('calls an unknown helper at load unsupported, with the verifier log attached', () => {
    const err = toLoadError('trace_exec', 'load', new LibBpfError('bpf_object__load', 22, ['program enter_execve: load failed', 'unknown func bpf_ktime_get_boot_ns#125']));
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as UnsupportedError).details?.['log']).toContain('unknown func');
  });

  it('calls a refused load unsupported and explains the capability', () => {
    expect(toLoadError('trace_exec', 'load', new LibBpfError('bpf_object__load', 1, [])).message).toMatch(/CAP_BPF/);
  });

  it('keeps other verifier rejections internal', () => {
    const err = toLoadError('trace_exec', 'load', new LibBpfError('bpf_object__load', 13, ['invalid mem access']));
    expect(err).toBeInstanceOf(PodscopeError);
    expect(err).not.toBeInstanceOf(UnsupportedError);
    expect(err).toMatchObject({ code: 'internal' });
  });
});
