import { PodscopeError } from '@podscope/protocol';

/** The running kernel (or its configuration) lacks something a gadget needs. */
export class UnsupportedError extends PodscopeError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('unsupported', message, details);
    this.name = 'UnsupportedError';
  }
}
