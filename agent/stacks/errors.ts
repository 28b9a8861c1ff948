import type { ComposeDiagnostic } from '../compose/types';
import type { StackErrorBody } from './types';

/** `file:line:column: message`, as compilers and VS Code's problem matchers read it. */
export function diagnosticLocation(d: ComposeDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}`;
}

/** The 400 body for a compose file with errors: the first error in one line, and every diagnostic. */
export function composeErrorBody(diagnostics: ComposeDiagnostic[]): StackErrorBody {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const more = errors.length - 1;
  const message = first
    ? `${diagnosticLocation(first)}: ${first.message}${more > 0 ? ` (and ${more} more error${more > 1 ? 's' : ''})` : ''}`
    : 'the compose file has errors';
  return { message, diagnostics };
}
