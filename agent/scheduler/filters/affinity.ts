/**
 * Affinity to other services' tasks (pending ones included):
 *   service==web    the node must run a task of service web
 *   service!=db     the node must not run a task of service db
 *   service==~web   soft: preferred, dropped when no node fits
 * `service` matches a service ID or name (names come from TaskRequest.serviceName and
 * ClusterState.setServiceName). Values are plain, glob or /regex/ as for constraints. A service's own
 * tasks count too, so `service!=<itself>` places at most one task per node.
 */
import { InvalidArgumentError } from '../../util/errors';
import type { ClusterState, NodeInfo } from '../cluster-state';
import { evaluate, parseExpressionCached, type Expression } from '../expression';
import { nodeCount, type Filter } from '../filter';
import type { TaskRequest } from '../types';

const AFFINITY_KEYS = ['service'];

/** Parses one affinity; bad ones are InvalidArgumentErrors naming the expression. */
export function compileAffinity(source: string): Expression {
  const expression = parseExpressionCached(source, 'affinity');
  if (!AFFINITY_KEYS.includes(expression.key.toLowerCase())) {
    throw new InvalidArgumentError(
      `invalid affinity expression ${JSON.stringify(source)}: unknown key ${JSON.stringify(expression.key)}, expected ${AFFINITY_KEYS.join(', ')}`,
    );
  }
  return expression;
}

/** For the API: throws an InvalidArgumentError for the first bad affinity of a spec. */
export function validateAffinities(affinities: readonly string[]): void {
  for (const source of affinities) compileAffinity(source);
}

function matchesService(expression: Expression, id: string, name: string | undefined): boolean {
  return expression.matches(id) || (name !== undefined && expression.matches(name));
}

/** IDs of every service the expression's value names (the batch's own service included). */
function servicesNamedBy(expression: Expression, cluster: ClusterState, task: TaskRequest): string[] {
  const ids = new Set<string>();
  for (const [id, name] of cluster.knownServices()) {
    if (matchesService(expression, id, name)) ids.add(id);
  }
  if (matchesService(expression, task.serviceId, task.serviceName)) ids.add(task.serviceId);
  return [...ids];
}

function runsAnyOf(info: NodeInfo, serviceIds: readonly string[]): boolean {
  return serviceIds.some((id) => info.tasksByService.has(id));
}

export const affinityFilter: Filter = {
  name: 'affinity',
  // Placing this batch's tasks changes the answer for affinities that name the batch's own service.
  stateful: true,
  prepare(task, context) {
    const rules = task.affinities
      .map(compileAffinity)
      .filter((expression) => context.soft || !expression.soft)
      .map((expression) => ({ expression, serviceIds: servicesNamedBy(expression, context.cluster, task) }));
    if (rules.length === 0) return undefined;
    return (info) => rules.every((rule) => evaluate(rule.expression, runsAnyOf(info, rule.serviceIds)));
  },
  hasSoftRules: (task) => task.affinities.some((source) => compileAffinity(source).soft),
  explain: (nodes) => `affinities not satisfied on ${nodeCount(nodes)}`,
};
