import { InvalidArgumentError } from '../../util/errors';

/**
 * A small structural schema for API bodies: every field Shoal understands is listed, with its type.
 * A field that is not listed is an error naming its path; a field Docker has but Shoal does not support
 * is listed as `unsupported` and is an error too, unless it carries only a zero value (the docker CLI
 * sends empty structs such as `"DNSConfig": {}` for options the user never set).
 */
export type Schema =
  | { kind: 'string'; enum?: readonly string[]; maxLength?: number; nonEmpty?: boolean }
  | { kind: 'integer'; min?: number; max?: number }
  | { kind: 'number'; min?: number; max?: number }
  | { kind: 'boolean'; nullable?: boolean }
  | { kind: 'stringList'; maxItems?: number; maxLength?: number }
  | { kind: 'stringMap'; maxEntries?: number; maxLength?: number }
  | { kind: 'list'; of: Schema; maxItems?: number }
  | { kind: 'object'; fields: Record<string, Schema> }
  | { kind: 'unsupported'; why?: string };

export const str = (extra: Omit<Extract<Schema, { kind: 'string' }>, 'kind'> = {}): Schema => ({
  kind: 'string',
  maxLength: 4096,
  ...extra,
});
export const int = (min = 0, max = Number.MAX_SAFE_INTEGER): Schema => ({ kind: 'integer', min, max });
export const num = (min: number, max: number): Schema => ({ kind: 'number', min, max });
export const bool = (nullable = false): Schema => ({ kind: 'boolean', nullable });
export const strings = (maxItems = 1024): Schema => ({ kind: 'stringList', maxItems, maxLength: 65536 });
export const stringMap = (): Schema => ({ kind: 'stringMap', maxEntries: 1024, maxLength: 4096 });
export const list = (of: Schema, maxItems = 1024): Schema => ({ kind: 'list', of, maxItems });
export const obj = (fields: Record<string, Schema>): Schema => ({ kind: 'object', fields });
export const unsupported = (why?: string): Schema =>
  why === undefined ? { kind: 'unsupported' } : { kind: 'unsupported', why };

/** Throws an InvalidArgumentError naming the first offending field path (e.g. `TaskTemplate.ContainerSpec.Foo`). */
export function checkSchema(value: unknown, schema: Schema, path: string): void {
  const where = path || 'the body';
  switch (schema.kind) {
    case 'unsupported':
      if (!isZero(value)) {
        throw new InvalidArgumentError(
          `${where} is not supported by Shoal${schema.why ? `: ${schema.why}` : ''}`,
        );
      }
      return;
    case 'string':
      if (typeof value !== 'string') throw typeError(where, 'a string', value);
      if (schema.nonEmpty && value.length === 0) throw new InvalidArgumentError(`${where} must not be empty`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) {
        throw new InvalidArgumentError(
          `${where} is too long (${value.length} > ${schema.maxLength} characters)`,
        );
      }
      if (schema.enum && !schema.enum.includes(value)) {
        throw new InvalidArgumentError(
          `${where} must be one of ${schema.enum.map((e) => `"${e}"`).join(', ')}, got ${JSON.stringify(value)}`,
        );
      }
      return;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw typeError(where, 'a number', value);
      if (schema.kind === 'integer' && !Number.isInteger(value))
        throw typeError(where, 'a whole number', value);
      if (schema.min !== undefined && value < schema.min) {
        throw new InvalidArgumentError(`${where} must be at least ${schema.min}, got ${value}`);
      }
      if (schema.max !== undefined && value > schema.max) {
        throw new InvalidArgumentError(`${where} must be at most ${schema.max}, got ${value}`);
      }
      return;
    case 'boolean':
      if (value === null && schema.nullable) return;
      if (typeof value !== 'boolean') throw typeError(where, 'true or false', value);
      return;
    case 'stringList':
      if (value === null) return;
      if (!Array.isArray(value)) throw typeError(where, 'a list of strings', value);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) {
        throw new InvalidArgumentError(
          `${where} has too many entries (${value.length} > ${schema.maxItems})`,
        );
      }
      value.forEach((item, i) => {
        if (typeof item !== 'string') throw typeError(`${where}[${i}]`, 'a string', item);
        if (schema.maxLength !== undefined && item.length > schema.maxLength) {
          throw new InvalidArgumentError(`${where}[${i}] is too long (${item.length} characters)`);
        }
      });
      return;
    case 'stringMap':
      if (value === null) return;
      if (!isPlainObject(value)) throw typeError(where, 'an object of strings', value);
      if (schema.maxEntries !== undefined && Object.keys(value).length > schema.maxEntries) {
        throw new InvalidArgumentError(`${where} has too many entries`);
      }
      for (const [k, v] of Object.entries(value)) {
        if (k.length === 0) throw new InvalidArgumentError(`${where} has an empty key`);
        if (typeof v !== 'string') throw typeError(`${where}["${k}"]`, 'a string', v);
        if (schema.maxLength !== undefined && (k.length > schema.maxLength || v.length > schema.maxLength)) {
          throw new InvalidArgumentError(`${where}["${k.slice(0, 40)}"] is too long`);
        }
      }
      return;
    case 'list':
      if (value === null) return;
      if (!Array.isArray(value)) throw typeError(where, 'a list', value);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) {
        throw new InvalidArgumentError(
          `${where} has too many entries (${value.length} > ${schema.maxItems})`,
        );
      }
      value.forEach((item, i) => checkSchema(item, schema.of, `${path}[${i}]`));
      return;
    case 'object':
      if (value === null) return;
      if (!isPlainObject(value)) throw typeError(where, 'an object', value);
      for (const [key, v] of Object.entries(value)) {
        const child = schema.fields[key];
        const childPath = path ? `${path}.${key}` : key;
        if (!child) throw new InvalidArgumentError(`unknown field ${childPath}`);
        if (v === undefined) continue;
        checkSchema(v, child, childPath);
      }
      return;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** null, false, 0, "", [] and objects whose every field is a zero value. */
export function isZero(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.values(value).every(isZero);
  return false;
}

function typeError(where: string, expected: string, got: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`${where} must be ${expected}, got ${JSON.stringify(got)?.slice(0, 80)}`);
}
