/** Compose's units: Go durations, byte sizes, CPU counts. Each parser returns undefined for bad input. */

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};
const DURATION_PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/**
 * A Go duration (`time.ParseDuration`, as docker stack deploy reads them): `1m30s`, `10s`, `500ms`, `1.5h`,
 * `0`. Returns nanoseconds, or undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest !== '') {
    const match = DURATION_PART.exec(rest);
    if (!match) return undefined;
    const [whole, amount = '', unit = ''] = match;
    total += Number(amount) * (DURATION_UNITS[unit] ?? 0);
    rest = rest.slice(whole.length);
  }
  return sign * Math.round(total);
}

const SIZE = /^(\d+(?:\.\d+)?)\s?([kmgtp]?)(i?b)?$/i;
const SIZE_FACTORS: Record<string, number> = {
  '': 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
};

/**
 * A size in bytes as compose reads it (go-units RAMInBytes): a number with an optional unit b, k, kb, m, mb,
 * g, gb (also kib, ...), case-insensitive, powers of 1024: `512M`, `1g`, `1.5GB`, `100`.
 */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const match = SIZE.exec(value.trim());
  if (!match) return undefined;
  const [, amount = '', unit = ''] = match;
  const bytes = Math.floor(Number(amount) * (SIZE_FACTORS[unit.toLowerCase()] ?? 1));
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

const CPUS = /^(\d+)(?:\.(\d+))?$/;

/** A number of CPUs (`0.5`, `2`, "1.25") in NanoCPUs, exactly as `docker service create --limit-cpu`. */
export function parseCpus(value: string | number): number | undefined {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = CPUS.exec(text);
  if (!match) return undefined;
  const [, whole = '0', fraction = ''] = match;
  // More than nine decimals cannot be expressed in NanoCPUs (Docker: "value is too precise").
  if (fraction.replace(/0+$/, '').length > 9) return undefined;
  const nanos = Number(whole) * 1e9 + Number(fraction.padEnd(9, '0').slice(0, 9) || '0');
  return Number.isSafeInteger(nanos) ? nanos : undefined;
}
