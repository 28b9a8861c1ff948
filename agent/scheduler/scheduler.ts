/**
 * Places pending tasks on nodes, swarm mode's way:
 * - tasks are batched by service + spec version (tasks without a spec version go one by one);
 * - per batch the filter pipeline runs once over the nodes, building the preference tree with the
 *   eligible nodes at its leaves;
 * - each leaf keeps its nodes in a heap ordered by the strategy; the best node gets the next task and
 *   is then re-checked against the stateful filters only (resources, ports, replica limits,
 *   affinities) and re-ranked. With spread this fills the emptiest nodes up to their neighbours, then
 *   goes round-robin;
 * - soft rules (`==~`, `!=~`) count in a first pass; tasks left over get a second pass without them;
 * - global-service tasks (preassigned `nodeId`) only check that node.
 * Placements are recorded in the ClusterState as they are made (pending tasks hold resources).
 */
import { InvalidArgumentError } from '../util/errors';
import type { ClusterState, NodeInfo } from './cluster-state';
import { buildTree, placeOnSubtree, type Branch } from './decision-tree';
import type { Filter } from './filter';
import { labelReader, type LabelReader } from './labels';
import { NodeHeap } from './node-heap';
import { noSuitableNode, Pipeline } from './pipeline';
import { DEFAULT_STRATEGY, defaultRegistry, type SchedulerRegistry } from './registry';
import type { NodeRanking, Strategy } from './strategy';
import type { PendingTask } from './types';

export interface ScheduleOptions {
  /** Strategy name; default `spread`. */
  strategy?: string;
  /** Filter names in pipeline order; default every registered filter. */
  filters?: readonly string[];
  registry?: SchedulerRegistry;
  /** Milliseconds since the epoch (recent-failure window); default Date.now(). */
  now?: number;
  /** Uniform in [0, 1), for the random strategy; default Math.random. */
  random?: () => number;
}

export interface ScheduleResult {
  /** Task ID → node ID, in placement order. Already recorded in the ClusterState. */
  assignments: Map<string, string>;
  /** Task ID → why it fits nowhere, e.g. "no suitable node (insufficient resources on 2 nodes)". */
  unschedulable: Map<string, string>;
}

interface Run {
  readonly cluster: ClusterState;
  readonly filters: readonly Filter[];
  readonly strategy: Strategy;
  readonly now: number;
  readonly random: () => number;
  readonly result: ScheduleResult;
}

export function schedule(
  tasks: readonly PendingTask[],
  cluster: ClusterState,
  options: ScheduleOptions = {},
): ScheduleResult {
  const registry = options.registry ?? defaultRegistry;
  const run: Run = {
    cluster,
    filters: registry.pipeline(options.filters),
    strategy: registry.requireStrategy(options.strategy ?? DEFAULT_STRATEGY),
    now: options.now ?? Date.now(),
    random: options.random ?? Math.random,
    result: { assignments: new Map(), unschedulable: new Map() },
  };
  for (const batch of batches(tasks)) {
    try {
      const first = batch[0] as PendingTask;
      if (first.nodeId !== undefined) schedulePreassigned(run, first, first.nodeId);
      else scheduleBatch(run, batch);
    } catch (error) {
      // A spec that slipped past validation fails its own tasks, not the whole tick.
      if (!(error instanceof InvalidArgumentError)) throw error;
      for (const task of batch) {
        if (!run.result.assignments.has(task.taskId))
          run.result.unschedulable.set(task.taskId, error.message);
      }
    }
  }
  return run.result;
}

/** Groups by service + spec version, in order of first appearance. */
function batches(tasks: readonly PendingTask[]): PendingTask[][] {
  const byService = new Map<string, Map<number, PendingTask[]>>();
  const ordered: PendingTask[][] = [];
  let last: PendingTask[] | undefined;
  for (const task of tasks) {
    const { serviceId, specVersion } = task;
    if (task.nodeId !== undefined || specVersion === undefined) {
      ordered.push([task]);
      last = undefined;
      continue;
    }
    // Callers usually list a batch's tasks together: skip the lookups then.
    const previous = last?.[0];
    if (last && previous && previous.serviceId === serviceId && previous.specVersion === specVersion) {
      last.push(task);
      continue;
    }
    let byVersion = byService.get(serviceId);
    if (!byVersion) {
      byVersion = new Map();
      byService.set(serviceId, byVersion);
    }
    let batch = byVersion.get(specVersion);
    if (!batch) {
      batch = [];
      byVersion.set(specVersion, batch);
      ordered.push(batch);
    }
    batch.push(task);
    last = batch;
  }
  return ordered;
}

function schedulePreassigned(run: Run, task: PendingTask, nodeId: string): void {
  const info = run.cluster.nodeInfo(nodeId);
  if (!info) {
    run.result.unschedulable.set(task.taskId, noSuitableNode(`node ${JSON.stringify(nodeId)} not found`));
    return;
  }
  if (task.serviceName !== undefined) run.cluster.setServiceName(task.serviceId, task.serviceName);
  const pipeline = new Pipeline(run.filters, task, { soft: false, cluster: run.cluster, now: run.now });
  if (pipeline.passes(info)) assign(run, task.taskId, task, info);
  else run.result.unschedulable.set(task.taskId, noSuitableNode(pipeline.explain([info])));
}

/** Records the placement; `spec` is the task itself or its batch's shared spec. */
function assign(run: Run, taskId: string, spec: PendingTask, info: NodeInfo): void {
  run.cluster.addTaskLike(info.node.id, taskId, spec);
  run.result.assignments.set(taskId, info.node.id);
}

function scheduleBatch(run: Run, batch: readonly PendingTask[]): void {
  const spec = batch[0] as PendingTask;
  if (spec.serviceName !== undefined) run.cluster.setServiceName(spec.serviceId, spec.serviceName);
  const hasSoftRules = run.filters.some((filter) => filter.hasSoftRules?.(spec) ?? false);
  const queue = { tasks: batch, next: 0 };
  for (const soft of hasSoftRules ? [true, false] : [false]) {
    if (queue.next >= batch.length) return;
    placeBatch(run, queue, soft);
  }
  if (queue.next >= batch.length) return;
  const pipeline = new Pipeline(run.filters, spec, { soft: false, cluster: run.cluster, now: run.now });
  const reason = noSuitableNode(pipeline.explain(run.cluster.nodeInfos()));
  for (let index = queue.next; index < batch.length; index++) {
    run.result.unschedulable.set((batch[index] as PendingTask).taskId, reason);
  }
}

function placeBatch(run: Run, queue: { tasks: readonly PendingTask[]; next: number }, soft: boolean): void {
  const spec = queue.tasks[0] as PendingTask;
  const pipeline = new Pipeline(run.filters, spec, { soft, cluster: run.cluster, now: run.now });
  const ranking: NodeRanking = run.strategy.prepare(spec, {
    cluster: run.cluster,
    now: run.now,
    random: run.random,
  });
  const compare = (a: NodeInfo, b: NodeInfo): number => ranking.compare(a, b);
  const levels = spec.preferences
    .map((preference) => labelReader(preference.spread))
    .filter((reader): reader is LabelReader => reader !== undefined);
  const tree = buildTree(run.cluster.nodeInfos(), levels, spec.serviceId, (info) => pipeline.passes(info));
  const heaps = new Map<Branch, NodeHeap>();

  const placeOnLeaf = (leaf: Branch, n: number): number => {
    let heap = heaps.get(leaf);
    if (!heap) {
      heap = new NodeHeap(leaf.candidates, compare);
      heaps.set(leaf, heap);
    }
    let placed = 0;
    while (placed < n && queue.next < queue.tasks.length) {
      const info = heap.top;
      if (!info) break;
      assign(run, (queue.tasks[queue.next++] as PendingTask).taskId, spec, info);
      placed++;
      ranking.placed?.(info);
      if (pipeline.stillPasses(info)) heap.updateTop();
      else heap.removeTop();
    }
    return placed;
  };

  placeOnSubtree(tree, queue.tasks.length - queue.next, placeOnLeaf);
}
