/**
 * Freezes a JSON value and everything in it, in place, and returns it. For objects shared between readers
 * that must not change them: a write to a frozen object throws in strict mode instead of reaching the others.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
