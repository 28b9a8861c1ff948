import type { ComposeReporter } from './diagnostics';
import { formatPath, type Path } from './positions';

/** Looks a variable up: the client's environment over the `.env` file. Undefined when unset. */
export type Lookup = (name: string) => string | undefined;

export type Substitution =
  | { ok: true; value: string; /** Variables used without a default while unset. */ unset: string[] }
  | { ok: false; message: string };

class TemplateError extends Error {}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;
type Operator = (typeof OPERATORS)[number];

/**
 * Substitutes variables in one string as compose does: `$VAR`, `${VAR}`, `${VAR:-default}` (unset or empty),
 * `${VAR-default}` (unset), `${VAR:?message}` / `${VAR?message}` (an error), `${VAR:+alt}` / `${VAR+alt}`
 * (alt when set), and `$$` for a literal `$`. Defaults, messages and alternatives may hold variables too.
 * An unset variable without a default becomes "" and is listed in `unset`.
 */
export function substitute(template: string, lookup: Lookup): Substitution {
  const unset: string[] = [];
  try {
    const value = new TemplateParser(template, lookup, unset).parseUntil(undefined);
    return { ok: true, value, unset };
  } catch (error) {
    if (error instanceof TemplateError) return { ok: false, message: error.message };
    throw error;
  }
}

class TemplateParser {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly lookup: Lookup,
    private readonly unset: string[],
  ) {}

  /** Reads up to (not including) an unmatched `}` when `closing` is set, else to the end. */
  parseUntil(closing: '}' | undefined, evaluate = true): string {
    let out = '';
    while (this.position < this.text.length) {
      const char = this.text[this.position];
      if (closing && char === closing) return out;
      if (char !== '$') {
        out += char;
        this.position++;
        continue;
      }
      const next = this.text[this.position + 1];
      if (next === '$') {
        out += '$';
        this.position += 2;
      } else if (next === '{') {
        this.position += 2;
        out += this.braced(evaluate);
      } else if (next !== undefined && NAME_START.test(next)) {
        this.position++;
        const name = this.name();
        out += evaluate ? this.value(name) : '';
      } else {
        throw this.invalid('a "$" must start a variable ($VAR or ${VAR}); write "$$" for a literal "$"');
      }
    }
    if (closing) throw this.invalid('missing "}"');
    return out;
  }

  private braced(evaluate: boolean): string {
    const first = this.text[this.position];
    if (first === undefined || !NAME_START.test(first)) {
      throw this.invalid('"${" must be followed by a variable name');
    }
    const name = this.name();
    if (this.text[this.position] === '}') {
      this.position++;
      return evaluate ? this.value(name) : '';
    }
    if (this.position >= this.text.length) throw this.invalid('missing "}"');
    const operator = OPERATORS.find((op) => this.text.startsWith(op, this.position));
    if (!operator)
      throw this.invalid(`unexpected ${JSON.stringify(this.text[this.position] ?? '')} after \${${name}`);
    this.position += operator.length;
    const current = this.lookup(name);
    const set = current !== undefined;
    const nonEmpty = set && current !== '';
    const useArgument = this.usesArgument(operator, set, nonEmpty);
    const argument = this.parseUntil('}', evaluate && useArgument);
    this.position++; // the closing brace
    if (!evaluate) return '';
    switch (operator) {
      case ':-':
      case '-':
        return useArgument ? argument : (current ?? '');
      case ':+':
      case '+':
        return useArgument ? argument : '';
      case ':?':
      case '?':
        if (useArgument) {
          throw new TemplateError(
            `required variable ${name} is missing a value${argument ? `: ${argument}` : ''}`,
          );
        }
        return current ?? '';
    }
  }

  private usesArgument(operator: Operator, set: boolean, nonEmpty: boolean): boolean {
    switch (operator) {
      case ':-':
      case ':?':
        return !nonEmpty;
      case '-':
      case '?':
        return !set;
      case ':+':
        return nonEmpty;
      case '+':
        return set;
    }
  }

  private name(): string {
    const start = this.position;
    while (this.position < this.text.length && NAME_CHAR.test(this.text[this.position] ?? ''))
      this.position++;
    return this.text.slice(start, this.position);
  }

  private value(name: string): string {
    const value = this.lookup(name);
    if (value === undefined) {
      if (!this.unset.includes(name)) this.unset.push(name);
      return '';
    }
    return value;
  }

  private invalid(why: string): TemplateError {
    return new TemplateError(`invalid interpolation in ${JSON.stringify(this.text)}: ${why}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The whole document

type Cast = (text: string) => { ok: true; value: unknown } | { ok: false; expected: string };

const toInteger: Cast = (text) =>
  /^[-+]?\d+$/.test(text.trim()) ? { ok: true, value: Number(text) } : { ok: false, expected: 'an integer' };
const toNumber: Cast = (text) => {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value)
    ? { ok: true, value }
    : { ok: false, expected: 'a number' };
};
const toBoolean: Cast = (text) => {
  const lower = text.trim().toLowerCase();
  if (['y', 'yes', 'true', 'on'].includes(lower)) return { ok: true, value: true };
  if (['n', 'no', 'false', 'off'].includes(lower)) return { ok: true, value: false };
  return { ok: false, expected: 'true or false' };
};

/**
 * Values that must not stay strings once interpolated (docker/cli's interpolateTypeCastMapping, plus the
 * few more numeric and boolean keys Shoal reads): `replicas: ${REPLICAS}` becomes a number.
 * `*` matches any key or list index.
 */
const CASTS: Array<[string[], Cast]> = [
  [['services', '*', 'healthcheck', 'retries'], toInteger],
  [['services', '*', 'healthcheck', 'disable'], toBoolean],
  [['services', '*', 'deploy', 'replicas'], toInteger],
  [['services', '*', 'deploy', 'update_config', 'parallelism'], toInteger],
  [['services', '*', 'deploy', 'update_config', 'max_failure_ratio'], toNumber],
  [['services', '*', 'deploy', 'rollback_config', 'parallelism'], toInteger],
  [['services', '*', 'deploy', 'rollback_config', 'max_failure_ratio'], toNumber],
  [['services', '*', 'deploy', 'restart_policy', 'max_attempts'], toInteger],
  [['services', '*', 'deploy', 'placement', 'max_replicas_per_node'], toInteger],
  [['services', '*', 'deploy', 'resources', 'limits', 'pids'], toInteger],
  [['services', '*', 'ports', '*', 'target'], toInteger],
  [['services', '*', 'ports', '*', 'published'], toInteger],
  [['services', '*', 'ulimits', '*'], toInteger],
  [['services', '*', 'ulimits', '*', 'hard'], toInteger],
  [['services', '*', 'ulimits', '*', 'soft'], toInteger],
  [['services', '*', 'oom_score_adj'], toInteger],
  [['services', '*', 'privileged'], toBoolean],
  [['services', '*', 'read_only'], toBoolean],
  [['services', '*', 'stdin_open'], toBoolean],
  [['services', '*', 'tty'], toBoolean],
  [['services', '*', 'init'], toBoolean],
  [['services', '*', 'volumes', '*', 'read_only'], toBoolean],
  [['services', '*', 'volumes', '*', 'volume', 'nocopy'], toBoolean],
  [['services', '*', 'env_file', '*', 'required'], toBoolean],
  [['networks', '*', 'external'], toBoolean],
  [['networks', '*', 'internal'], toBoolean],
  [['networks', '*', 'attachable'], toBoolean],
  [['volumes', '*', 'external'], toBoolean],
  [['secrets', '*', 'external'], toBoolean],
  [['configs', '*', 'external'], toBoolean],
];

function castFor(path: Path): Cast | undefined {
  for (const [pattern, cast] of CASTS) {
    if (pattern.length === path.length && pattern.every((p, i) => p === '*' || p === path[i])) return cast;
  }
  return undefined;
}

/**
 * Interpolates every string value (never keys) of the compose data, in place order. Errors and the
 * "variable is not set" warnings (one per variable, at its first use) go to the reporter.
 */
export function interpolateDocument(data: unknown, lookup: Lookup, reporter: ComposeReporter): unknown {
  const warned = new Set<string>();
  const visit = (value: unknown, path: Path): unknown => {
    if (typeof value === 'string') return interpolateValue(value, path);
    if (Array.isArray(value)) return value.map((item, i) => visit(item, [...path, i]));
    if (value && typeof value === 'object') {
      const result: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) result[key] = visit(item, [...path, key]);
      return result;
    }
    return value;
  };
  const interpolateValue = (text: string, path: Path): unknown => {
    if (!text.includes('$')) return text;
    const result = substitute(text, lookup);
    if (!result.ok) {
      reporter.error(path, `${formatPath(path)}: ${result.message}`);
      return text;
    }
    for (const name of result.unset) {
      if (warned.has(name)) continue;
      warned.add(name);
      reporter.warning(path, `The "${name}" variable is not set. Defaulting to a blank string.`);
    }
    if (result.value === text) return text;
    const cast = castFor(path);
    if (!cast) return result.value;
    const casted = cast(result.value);
    if (casted.ok) return casted.value;
    reporter.error(
      path,
      `${formatPath(path)} must be ${casted.expected}, got ${JSON.stringify(result.value)} (from ${JSON.stringify(text)})`,
    );
    return result.value;
  };
  return visit(data, []);
}
