import { z } from 'zod';

export const errorCodes = [
  'bad_request',
  'bad_frame',
  'unauthorized',
  'forbidden',
  'not_found',
  'unknown_gadget',
  'bad_param',
  'no_targets',
  'unsupported',
  'conflict',
  'too_large',
  'version_mismatch',
  'internal',
] as const;
export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The one error envelope used on every socket and in every REST error body. */
export const ErrorEnvelope = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** An error that already knows its envelope; throw it where a caller should see a precise code. */
export class PodscopeError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'PodscopeError';
    this.code = code;
    this.details = details;
  }
}

const httpStatusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  bad_frame: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  unknown_gadget: 404,
  bad_param: 400,
  no_targets: 422,
  unsupported: 501,
  conflict: 409,
  too_large: 413,
  version_mismatch: 426,
  internal: 500,
};
export function httpStatusOf(code: ErrorCode): number {
  return httpStatusByCode[code];
}

/** Turns anything thrown into the protocol error envelope. */
export function toErrorEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof PodscopeError) {
    return err.details === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, details: err.details };
  }
  if (err instanceof z.ZodError) {
    return { code: 'bad_request', message: formatZodError(err), details: { issues: err.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) } };
  }
  const parsed = ErrorEnvelope.safeParse(err);
  if (parsed.success) return parsed.data;
  if (err instanceof Error) return { code: 'internal', message: err.message };
  return { code: 'internal', message: String(err) };
}

export function formatZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}
