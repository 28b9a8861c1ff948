/**
 * The `key<op>value` expressions of constraints and affinities.
 *
 * Operators: `==`, `!=`, and the soft forms `==~`, `!=~` (classic Swarm's `~`): a soft expression is
 * honoured when some node satisfies it and dropped otherwise.
 *
 * Values:
 * - `/re/`: a JavaScript regular expression, unanchored unless it says `^`/`$`; a leading `(?i)` (RE2
 *   syntax, as classic Swarm documents it) makes it case-insensitive.
 * - a value containing `*`: a glob, anchored at both ends; `*` is the only wildcard.
 * - anything else: whole-string equality.
 * Globs and plain values ignore case, like swarm mode's equality (classic Swarm's globs did not; a
 * glob that is stricter than the plain value it generalises would surprise).
 */
import { InvalidArgumentError } from '../util/errors';

export type ExpressionKind = 'constraint' | 'affinity';
export type ExpressionOperator = '==' | '!=';

export interface Expression {
  /** The text as written, for messages. */
  readonly source: string;
  readonly key: string;
  readonly operator: ExpressionOperator;
  readonly soft: boolean;
  /** The value with the soft marker removed. */
  readonly value: string;
  /** True when the value matches the candidate (before `!=` negates it). */
  readonly matches: (candidate: string) => boolean;
  /** True for a plain value: `matches` is then case-insensitive equality with `value`. */
  readonly isPlain: boolean;
}

// Swarm's key pattern, plus `/` so `topology.example.com/zone`-style label names work.
const KEY_PATTERN = /^[a-z_][a-z0-9\-_./]+$/i;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function invalid(kind: ExpressionKind, source: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid ${kind} expression ${JSON.stringify(source)}: ${why}`);
}

/** Parses one expression; an InvalidArgumentError names the expression and what is wrong with it. */
export function parseExpression(source: string, kind: ExpressionKind): Expression {
  // The key cannot contain `=` or `!`, so the first of them starts the operator.
  const at = source.search(/[=!]/);
  const operator = at < 0 ? '' : source.slice(at, at + 2);
  if (operator !== '==' && operator !== '!=') throw invalid(kind, source, 'expected ==, !=, ==~ or !=~');
  const key = source.slice(0, at).trim();
  if (key === '') throw invalid(kind, source, 'the key is empty');
  if (!KEY_PATTERN.test(key)) {
    throw invalid(
      kind,
      source,
      `key ${JSON.stringify(key)} must start with a letter or _ and use only letters, digits, -, _, . and /`,
    );
  }
  let rest = source.slice(at + 2);
  const soft = rest.startsWith('~');
  if (soft) rest = rest.slice(1);
  const value = rest.trim();
  if (value === '') throw invalid(kind, source, 'the value is empty');
  // `node.role === manager` would otherwise compare against "= manager" (swarmkit refuses it too).
  if (value.startsWith('=')) throw invalid(kind, source, 'expected ==, !=, ==~ or !=~');
  if (CONTROL_CHARACTERS.test(value)) throw invalid(kind, source, 'the value contains control characters');
  const matcher = compileMatcher(value, (why) => invalid(kind, source, why));
  return { source, key, operator, soft, value, matches: matcher.matches, isPlain: matcher.isPlain };
}

function compileMatcher(
  value: string,
  invalidValue: (why: string) => Error,
): { matches: (candidate: string) => boolean; isPlain: boolean } {
  if (value.length >= 2 && value.startsWith('/') && value.endsWith('/')) {
    let body = value.slice(1, -1);
    let flags = '';
    if (body.startsWith('(?i)')) {
      body = body.slice(4);
      flags = 'i';
    }
    if (body === '') throw invalidValue('the regular expression is empty');
    let regex: RegExp;
    try {
      regex = new RegExp(body, flags);
    } catch (error) {
      throw invalidValue(`bad regular expression: ${(error as Error).message}`);
    }
    return { matches: (candidate) => regex.test(candidate), isPlain: false };
  }
  if (value.includes('*')) {
    const pattern = value
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*');
    const glob = new RegExp(`^${pattern}$`, 'is');
    return { matches: (candidate) => glob.test(candidate), isPlain: false };
  }
  const lower = value.toLowerCase();
  return {
    matches: (candidate) => candidate.toLowerCase() === lower,
    isPlain: true,
  };
}

/** Whether an expression holds for a node (or anything else) that offers these candidate strings. */
export function evaluate(expression: Expression, anyMatches: boolean): boolean {
  return expression.operator === '==' ? anyMatches : !anyMatches;
}

// Specs repeat the same expressions for every task and every tick, so parse each text once.
const cache = { constraint: new Map<string, Expression>(), affinity: new Map<string, Expression>() };
const CACHE_LIMIT = 10_000;

export function parseExpressionCached(source: string, kind: ExpressionKind): Expression {
  const byKind = cache[kind];
  let expression = byKind.get(source);
  if (expression === undefined) {
    expression = parseExpression(source, kind);
    if (byKind.size >= CACHE_LIMIT) byKind.clear();
    byKind.set(source, expression);
  }
  return expression;
}
