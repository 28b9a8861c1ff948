import { InvalidArgumentError } from '../util/errors';

/** Parsed `filters` query parameter: filter name → its values (in the order given). */
export type FilterArgs = ReadonlyMap<string, readonly string[]>;

/**
 * Parses Docker's `filters` JSON in either encoding: the current `{"name":{"web":true}}` that the docker CLI
 * sends, or the legacy `{"name":["web"]}`. As in Docker, a value's boolean is not consulted. Names outside
 * `accepted` are refused with Docker's "invalid filter '<name>'".
 */
export function parseFilters(raw: string | null, accepted: readonly string[]): FilterArgs {
  const filters = new Map<string, string[]>();
  if (raw === null || raw === '') return filters;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new InvalidArgumentError(`invalid filters: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed)) throw new InvalidArgumentError('invalid filters: expected a JSON object');
  for (const [name, value] of Object.entries(parsed)) {
    if (!accepted.includes(name)) throw new InvalidArgumentError(`invalid filter '${name}'`);
    filters.set(name, filterValues(name, value));
  }
  return filters;
}

function filterValues(name: string, value: unknown): string[] {
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
  if (isPlainObject(value)) return Object.keys(value);
  throw new InvalidArgumentError(
    `invalid filters: the value of '${name}' must be an object of strings to booleans or an array of strings`,
  );
}

/** True when `prefixes` is empty or `value` starts with one of them (Docker's `id` and `name` filters). */
export function matchesAnyPrefix(value: string, prefixes: readonly string[] | undefined): boolean {
  return prefixes === undefined || prefixes.length === 0 || prefixes.some((p) => value.startsWith(p));
}

/** True when `wanted` is empty or holds `value` exactly. */
export function matchesAnyExact(value: string, wanted: readonly string[] | undefined): boolean {
  return wanted === undefined || wanted.length === 0 || wanted.includes(value);
}

/** Every `key` (present) or `key=value` (equal) must hold; Docker's label filters are conjunctive. */
export function matchesAllLabels(
  labels: Readonly<Record<string, string>>,
  wanted: readonly string[] | undefined,
): boolean {
  for (const expression of wanted ?? []) {
    const eq = expression.indexOf('=');
    const key = eq < 0 ? expression : expression.slice(0, eq);
    if (!Object.hasOwn(labels, key)) return false;
    if (eq >= 0 && labels[key] !== expression.slice(eq + 1)) return false;
  }
  return true;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
