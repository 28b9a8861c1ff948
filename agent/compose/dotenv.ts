import { substitute, type Lookup } from './interpolate';
import type { Span } from './positions';

export interface TextProblem {
  severity: 'error' | 'warning';
  message: string;
  span: Span;
}

export interface DotEnvResult {
  /** Variables in file order; a later line overrides an earlier one. */
  vars: Map<string, string>;
  problems: TextProblem[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * The `.env` file beside the compose file, read as `docker compose` reads it: `KEY=VALUE` lines, an optional
 * `export ` prefix, `#` comments and blank lines; 'single quotes' are literal, "double quotes" take escapes
 * (\n, \t, \", \\) and may span lines; unquoted values end at ` #`. Unquoted and double-quoted values are
 * interpolated with `lookup` and the variables defined above them. A bare `KEY` takes the value from `lookup`.
 */
export function parseDotEnv(text: string, lookup: Lookup): DotEnvResult {
  const vars = new Map<string, string>();
  const problems: TextProblem[] = [];
  const resolve: Lookup = (name) => lookup(name) ?? vars.get(name);
  let offset = text.startsWith('\uFEFF') ? 1 : 0;
  while (offset < text.length) {
    const lineEnd = endOfLine(text, offset);
    const line = text.slice(offset, lineEnd);
    const indent = line.length - line.trimStart().length;
    let body = line.trimStart();
    let bodyStart = offset + indent;
    if (body === '' || body.startsWith('#')) {
      offset = lineEnd + 1;
      continue;
    }
    const exported = /^export[ \t]+/.exec(body);
    if (exported) {
      body = body.slice(exported[0].length);
      bodyStart += exported[0].length;
    }
    const equals = body.indexOf('=');
    const rawKey = (equals === -1 ? body : body.slice(0, equals)).trimEnd();
    const keySpan = { start: bodyStart, end: bodyStart + rawKey.length };
    if (!KEY.test(rawKey)) {
      problems.push({
        severity: 'error',
        message: `invalid variable name ${JSON.stringify(rawKey)}: use letters, digits and "_" (KEY=VALUE)`,
        span: keySpan,
      });
      offset = lineEnd + 1;
      continue;
    }
    if (equals === -1) {
      const inherited = lookup(rawKey);
      if (inherited !== undefined) vars.set(rawKey, inherited);
      offset = lineEnd + 1;
      continue;
    }
    const valueStart = bodyStart + equals + 1;
    const parsed = readValue(text, valueStart, lineEnd);
    if ('error' in parsed) {
      problems.push({ severity: 'error', message: parsed.error, span: parsed.span });
      offset = parsed.next;
      continue;
    }
    let value = parsed.value;
    if (parsed.interpolate && value.includes('$')) {
      const result = substitute(value, resolve);
      if (result.ok) {
        value = result.value;
        for (const name of result.unset) {
          problems.push({
            severity: 'warning',
            message: `The "${name}" variable is not set. Defaulting to a blank string.`,
            span: parsed.span,
          });
        }
      } else {
        problems.push({ severity: 'error', message: `${rawKey}: ${result.message}`, span: parsed.span });
      }
    }
    vars.set(rawKey, value);
    offset = parsed.next;
  }
  return { vars, problems };
}

function endOfLine(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  return newline === -1 ? text.length : newline;
}

type ValueRead =
  | { value: string; interpolate: boolean; span: Span; next: number }
  | { error: string; span: Span; next: number };

function readValue(text: string, start: number, lineEnd: number): ValueRead {
  let position = start;
  while (text[position] === ' ' || text[position] === '\t') position++;
  const quote = text[position];
  if (quote === "'" || quote === '"') {
    const close = findClosingQuote(text, position + 1, quote);
    if (close === -1) {
      return {
        error: `unterminated ${quote === '"' ? 'double' : 'single'} quote`,
        span: { start: position, end: lineEnd },
        next: text.length,
      };
    }
    const inner = text.slice(position + 1, close);
    const afterEnd = endOfLine(text, close);
    const after = text.slice(close + 1, afterEnd).trim();
    const span = { start: position, end: close + 1 };
    if (after !== '' && !after.startsWith('#')) {
      return {
        error: `unexpected text ${JSON.stringify(after)} after the closing quote`,
        span: { start: close + 1, end: afterEnd },
        next: afterEnd + 1,
      };
    }
    const value = quote === '"' ? unescapeDoubleQuoted(inner.replace(/\r\n/g, '\n')) : inner;
    return { value, interpolate: quote === '"', span, next: afterEnd + 1 };
  }
  let raw = text.slice(position, lineEnd);
  const comment = /[ \t]#/.exec(raw);
  if (comment) raw = raw.slice(0, comment.index);
  raw = raw.replace(/[ \t\r]+$/, '');
  return {
    value: raw,
    interpolate: true,
    span: { start: position, end: position + raw.length },
    next: lineEnd + 1,
  };
}

function findClosingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\(.)/gs, (whole, char: string) => {
    const replacement = ESCAPES[char];
    // `\$` stays as `$$` so that interpolation keeps a literal dollar.
    if (char === '$') return '$$';
    return replacement ?? whole;
  });
}

// ---------------------------------------------------------------------------------------------

export interface EnvFileEntry {
  name: string;
  /** Undefined for a bare `KEY` whose value the environment does not have: the key is left out. */
  value: string | undefined;
  span: Span;
}

/**
 * A file named by `env_file:`, read as docker stack deploy reads it (docker/cli pkg/kvfile): `KEY=VALUE` per
 * line, leading whitespace and `#` comment lines skipped, values literal (no interpolation, no escapes) but
 * one pair of matching surrounding quotes removed; a bare `KEY` takes the value from `lookup`.
 */
export function parseEnvFile(
  text: string,
  lookup: Lookup,
): { entries: EnvFileEntry[]; problems: TextProblem[] } {
  const entries: EnvFileEntry[] = [];
  const problems: TextProblem[] = [];
  let offset = text.startsWith('\uFEFF') ? 1 : 0;
  while (offset <= text.length) {
    const lineEnd = endOfLine(text, offset);
    const rawLine = text.slice(offset, lineEnd).replace(/\r$/, '');
    const line = rawLine.trimStart();
    const lineStart = offset + (rawLine.length - line.length);
    offset = lineEnd + 1;
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    const name = equals === -1 ? line : line.slice(0, equals);
    const span = { start: lineStart, end: lineStart + line.length };
    if (name === '') {
      problems.push({
        severity: 'error',
        message: `no variable name on this line (${JSON.stringify(line)})`,
        span,
      });
      continue;
    }
    if (/[ \t]/.test(name)) {
      problems.push({
        severity: 'error',
        message: `variable ${JSON.stringify(name)} contains whitespace`,
        span,
      });
      continue;
    }
    if (equals === -1) {
      const inherited = lookup(name);
      entries.push({ name, value: inherited === undefined ? undefined : trimQuotes(inherited), span });
      continue;
    }
    entries.push({ name, value: trimQuotes(line.slice(equals + 1)), span });
  }
  return { entries, problems };
}

function trimQuotes(value: string): string {
  if (value.length < 2) return value;
  const first = value[0];
  return (first === '"' || first === "'") && value[value.length - 1] === first ? value.slice(1, -1) : value;
}
