import type { ClusterState, NodeInfo } from './cluster-state';
import type { TaskRequest } from './types';

export interface StrategyContext {
  readonly cluster: ClusterState;
  /** Milliseconds since the epoch. */
  readonly now: number;
  /** Uniform in [0, 1); injectable so tests can fix it. */
  readonly random: () => number;
}

/** How one batch ranks its candidate nodes. */
export interface NodeRanking {
  /** Negative when `a` should receive the next task before `b`. Must be a total order (break ties). */
  compare(a: NodeInfo, b: NodeInfo): number;
  /** Told after `info` received a task, before it is ranked again. */
  placed?(info: NodeInfo): void;
}

/**
 * Orders the nodes that passed the filters. The scheduler always gives the next task to the best node
 * and re-ranks only that node afterwards, so `compare` may read the live bookkeeping.
 */
export interface Strategy {
  readonly name: string;
  prepare(task: TaskRequest, context: StrategyContext): NodeRanking;
}

/** Deterministic last resort so equal nodes come out in a stable order. */
export function compareNodeIds(a: NodeInfo, b: NodeInfo): number {
  return a.node.id < b.node.id ? -1 : a.node.id > b.node.id ? 1 : 0;
}
