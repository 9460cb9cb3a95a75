import type { ErrorEnvelope } from '@podscope/protocol';

/** Bad input from the user exits 2; anything else that failed exits 1. */
export function exitCodeOf(err: ErrorEnvelope): number {
  switch (err.code) {
    case 'bad_request':
    case 'bad_param':
    case 'unknown_gadget':
    case 'no_targets':
    case 'too_large':
      return 2;
    case 'bad_frame':
    case 'unauthorized':
    case 'forbidden':
    case 'not_found':
    case 'unsupported':
    case 'conflict':
    case 'version_mismatch':
    case 'internal':
      return 1;
  }
}
