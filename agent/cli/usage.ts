/** A mistake in how the command was called: exit status 2, message only (no stack). */
export class UsageError extends Error {}
