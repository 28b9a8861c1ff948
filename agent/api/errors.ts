import { ShoalError } from '../util/errors';
import type { ApiLog } from './options';

/** No or a wrong bearer token. */
export class UnauthorizedError extends ShoalError {
  constructor(message = 'unauthorized: a valid "Authorization: Bearer <token>" header is required') {
    super(message, 401);
  }
}

/** The Host header names a host this listener does not serve (DNS rebinding). */
export class MisdirectedRequestError extends ShoalError {
  constructor(host: string | undefined) {
    super(`misdirected request: host ${JSON.stringify(host ?? '')} is not served here`, 421);
  }
}

export class PayloadTooLargeError extends ShoalError {
  constructor(limitBytes: number) {
    super(`request body too large: the limit is ${limitBytes} bytes`, 413);
  }
}

export class UnsupportedMediaTypeError extends ShoalError {
  constructor(contentType: string | undefined) {
    super(`unsupported Content-Type header (${contentType ?? 'none'}): must be 'application/json'`, 415);
  }
}

export class TooManyRequestsError extends ShoalError {
  constructor(message: string) {
    super(message, 429);
  }
}

/** Docker's error body. */
export interface ErrorBody {
  message: string;
}

/**
 * The status and body for any thrown value. A {@link ShoalError} carries its own status; anything else
 * is a 500 whose message (never the stack) is shown, as Docker does, and whose stack goes to the log.
 */
export function errorResponse(error: unknown, log: ApiLog): { status: number; body: ErrorBody } {
  if (error instanceof ShoalError) return { status: error.status, body: { message: error.message } };
  log.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const message = error instanceof Error && error.message !== '' ? error.message : 'internal error';
  return { status: 500, body: { message } };
}
