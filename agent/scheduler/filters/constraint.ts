import { BlockList, isIP } from 'node:net';
import { InvalidArgumentError } from '../../util/errors';
import { evaluate, parseExpressionCached, type Expression } from '../expression';
import { nodeCount, type Filter } from '../filter';
import { labelReader } from '../labels';
import type { SchedulerNode } from '../types';

/** Whether one constraint holds on a node. */
export type NodePredicate = (node: SchedulerNode) => boolean;

type AttributeReader = (node: SchedulerNode) => string;

const ATTRIBUTES: Readonly<Record<string, AttributeReader>> = {
  'node.id': (node) => node.id,
  'node.hostname': (node) => node.hostname,
  'node.role': (node) => node.role,
  'node.platform.os': (node) => node.platform.os,
  'node.platform.arch': (node) => node.platform.arch,
};

function ipFamily(address: string): 'ipv4' | 'ipv6' | undefined {
  const family = isIP(address);
  return family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : undefined;
}

/** `node.ip` takes one address or a CIDR network, as in swarm mode. */
function compileIpConstraint(expression: Expression): NodePredicate {
  const bad = () =>
    new InvalidArgumentError(
      `invalid constraint expression ${JSON.stringify(expression.source)}: node.ip takes an IP address or a CIDR network`,
    );
  const [address = '', prefixText, ...extra] = expression.value.split('/');
  const family = ipFamily(address);
  if (!family || extra.length > 0) throw bad();
  const addresses = new BlockList();
  if (prefixText === undefined) {
    addresses.addAddress(address, family);
  } else {
    const prefix = Number(prefixText);
    const maxPrefix = family === 'ipv4' ? 32 : 128;
    if (!/^\d+$/.test(prefixText) || prefix > maxPrefix) throw bad();
    addresses.addSubnet(address, prefix, family);
  }
  return (node) => {
    const nodeFamily = node.ip === undefined ? undefined : ipFamily(node.ip);
    // A node without a usable address is in no network: `==` fails, `!=` passes.
    const within = nodeFamily !== undefined && addresses.check(node.ip ?? '', nodeFamily);
    return evaluate(expression, within);
  };
}

function compileExpression(expression: Expression): NodePredicate {
  const key = expression.key.toLowerCase();
  if (key === 'node.ip') return compileIpConstraint(expression);
  const read = ATTRIBUTES[key] ?? labelReader(expression.key);
  // Swarm mode: an unknown key never matches, whatever the operator.
  if (!read) return () => false;
  return (node) => evaluate(expression, expression.matches(read(node)));
}

export interface Constraint {
  readonly expression: Expression;
  readonly holds: NodePredicate;
}

const compiled = new Map<string, Constraint>();
const COMPILED_LIMIT = 10_000;

/** Parses and compiles one constraint; bad ones are InvalidArgumentErrors naming the expression. */
export function compileConstraint(source: string): Constraint {
  let constraint = compiled.get(source);
  if (constraint === undefined) {
    const expression = parseExpressionCached(source, 'constraint');
    constraint = { expression, holds: compileExpression(expression) };
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    compiled.set(source, constraint);
  }
  return constraint;
}

/** For the API: throws an InvalidArgumentError for the first bad constraint of a spec. */
export function validateConstraints(constraints: readonly string[]): void {
  for (const source of constraints) compileConstraint(source);
}

/**
 * Node attributes and labels: `node.id`, `node.hostname`, `node.role`, `node.platform.os`,
 * `node.platform.arch`, `node.ip` (address or CIDR), `node.labels.<k>`, `engine.labels.<k>`.
 */
export const constraintFilter: Filter = {
  name: 'constraint',
  stateful: false,
  prepare(task, context) {
    const predicates = task.constraints
      .map(compileConstraint)
      .filter((constraint) => context.soft || !constraint.expression.soft)
      .map((constraint) => constraint.holds);
    if (predicates.length === 0) return undefined;
    return (info) => predicates.every((holds) => holds(info.node));
  },
  hasSoftRules: (task) => task.constraints.some((source) => compileConstraint(source).expression.soft),
  explain: (nodes) => `scheduling constraints not satisfied on ${nodeCount(nodes)}`,
};
