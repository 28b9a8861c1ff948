import type { ClusterState, NodeInfo } from './cluster-state';
import type { TaskRequest } from './types';

export interface FilterContext {
  /** First pass: soft expressions (`==~`, `!=~`) count. Second pass (nothing fitted): they are ignored. */
  readonly soft: boolean;
  readonly cluster: ClusterState;
  /** Milliseconds since the epoch, for anything time-based. */
  readonly now: number;
}

/** Keeps a node (true) or rules it out (false). */
export type NodeCheck = (info: NodeInfo) => boolean;

/**
 * One stage of the pipeline. `prepare` runs once per batch of identical tasks and returns the check to
 * run per node, or undefined when the filter has nothing to say about this task (swarm's SetTask).
 */
export interface Filter {
  readonly name: string;
  /**
   * True when placing a task can change the answer (resources, ports, replica limits, affinities): the
   * node that just received a task is checked again before it may receive another.
   */
  readonly stateful: boolean;
  prepare(task: TaskRequest, context: FilterContext): NodeCheck | undefined;
  /** Whether the task has soft rules this filter honours only in the first pass. */
  hasSoftRules?(task: TaskRequest): boolean;
  /** Why `nodes` nodes were ruled out, e.g. "insufficient resources on 2 nodes". */
  explain(nodes: number): string;
}

/** "1 node" / "3 nodes". */
export function nodeCount(nodes: number): string {
  return nodes === 1 ? '1 node' : `${nodes} nodes`;
}
