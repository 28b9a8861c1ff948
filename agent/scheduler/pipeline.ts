import type { NodeInfo } from './cluster-state';
import type { Filter, FilterContext, NodeCheck } from './filter';
import type { TaskRequest } from './types';

interface Stage {
  readonly filter: Filter;
  readonly check: NodeCheck;
}

/** The filters that apply to one batch, prepared once and then run per node. */
export class Pipeline {
  private readonly stages: readonly Stage[];
  private readonly statefulChecks: readonly NodeCheck[];

  constructor(filters: readonly Filter[], task: TaskRequest, context: FilterContext) {
    const stages: Stage[] = [];
    for (const filter of filters) {
      const check = filter.prepare(task, context);
      if (check) stages.push({ filter, check });
    }
    this.stages = stages;
    this.statefulChecks = stages.filter((stage) => stage.filter.stateful).map((stage) => stage.check);
  }

  passes(info: NodeInfo): boolean {
    for (const stage of this.stages) if (!stage.check(info)) return false;
    return true;
  }

  /** Only the filters a placement can change: enough to re-check the node that just got a task. */
  stillPasses(info: NodeInfo): boolean {
    for (const check of this.statefulChecks) if (!check(info)) return false;
    return true;
  }

  /**
   * Swarm's explanation: each node counts against the first filter that rules it out; reasons are
   * listed most nodes first (pipeline order among equals), e.g.
   * "insufficient resources on 2 nodes; scheduling constraints not satisfied on 1 node".
   */
  explain(infos: Iterable<NodeInfo>): string {
    const failures = new Array<number>(this.stages.length).fill(0);
    for (const info of infos) {
      const index = this.stages.findIndex((stage) => !stage.check(info));
      if (index >= 0) failures[index] = (failures[index] ?? 0) + 1;
    }
    return this.stages
      .map((stage, index) => ({ stage, count: failures[index] ?? 0, index }))
      .filter((entry) => entry.count > 0)
      .sort((a, b) => b.count - a.count || a.index - b.index)
      .map((entry) => entry.stage.filter.explain(entry.count))
      .join('; ');
  }
}

/** The message a task that fits nowhere carries, in swarm mode's words. */
export function noSuitableNode(explanation: string): string {
  return explanation === '' ? 'no suitable node' : `no suitable node (${explanation})`;
}
