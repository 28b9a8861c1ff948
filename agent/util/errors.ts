/**
 * Errors that know their HTTP status, so the API answers them Docker-style (`{"message": ...}`)
 * without each route translating. Anything else is a 500.
 */
export class ShoalError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request is wrong: a bad field, value or expression. The message names what and where. */
export class InvalidArgumentError extends ShoalError {
  constructor(message: string) {
    super(message, 400);
  }
}

export class NotFoundError extends ShoalError {
  constructor(message: string) {
    super(message, 404);
  }
}

/** The object exists, or the request contradicts current state. */
export class ConflictError extends ShoalError {
  constructor(message: string) {
    super(message, 409);
  }
}

/** Refused by policy (for example a plain-TCP engine outside the sandbox). */
export class ForbiddenError extends ShoalError {
  constructor(message: string) {
    super(message, 403);
  }
}

/** A dependency (an engine, the store) cannot serve the request now. */
export class UnavailableError extends ShoalError {
  constructor(message: string) {
    super(message, 503);
  }
}
