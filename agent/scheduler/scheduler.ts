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
 * Task IDs must be unique within one call.
 */
import { InvalidArgumentError } from '../util/errors';
import { Assignments } from './assignments';
import type { ClusterState, NodeInfo, PlacementLog, PlacementRecorder } from './cluster-state';
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
  assignments: Assignments;
  /** Task ID → why it fits nowhere, e.g. "no suitable node (insufficient resources on 2 nodes)". */
  unschedulable: Map<string, string>;
}

interface Run {
  readonly cluster: ClusterState;
  /** Where placements are recorded; `result.assignments` reads it. */
  readonly log: PlacementLog;
  readonly filters: readonly Filter[];
  readonly strategy: Strategy;
  readonly now: number;
  readonly random: () => number;
  readonly result: ScheduleResult;
  /** The candidate array of batches without preferences, reused from one to the next. */
  readonly candidates: NodeInfo[];
}

export function schedule(
  tasks: readonly PendingTask[],
  cluster: ClusterState,
  options: ScheduleOptions = {},
): ScheduleResult {
  const registry = options.registry ?? defaultRegistry;
  const filters = registry.pipeline(options.filters);
  const strategy = registry.requireStrategy(options.strategy ?? DEFAULT_STRATEGY);
  const log = cluster.openLog(tasks.length);
  const run: Run = {
    cluster,
    log,
    filters,
    strategy,
    now: options.now ?? Date.now(),
    random: options.random ?? Math.random,
    result: { assignments: new Assignments(log), unschedulable: new Map() },
    candidates: [],
  };
  try {
    for (const batch of batches(tasks)) {
      try {
        const first = batch.tasks[batch.start] as PendingTask;
        if (first.nodeId !== undefined) schedulePreassigned(run, first, first.nodeId);
        else scheduleBatch(run, batch);
      } catch (error) {
        // A spec that slipped past validation fails its own tasks, not the whole tick.
        if (!(error instanceof InvalidArgumentError)) throw error;
        for (let index = batch.start; index < batch.end; index++) {
          const { taskId } = batch.tasks[index] as PendingTask;
          if (!run.result.assignments.has(taskId)) run.result.unschedulable.set(taskId, error.message);
        }
      }
    }
  } finally {
    log.close();
  }
  return run.result;
}

/**
 * Tasks of one service + spec version: `tasks[start, end)`. A batch listed together in the input is
 * a view of the input array; one whose tasks are interleaved with others' is gathered into its own.
 */
interface Batch {
  tasks: readonly PendingTask[];
  start: number;
  end: number;
  /** `tasks` once gathered. */
  gathered?: PendingTask[];
}

/** Groups by service + spec version, in order of first appearance. */
function batches(tasks: readonly PendingTask[]): Batch[] {
  const byService = new Map<string, Map<number, Batch>>();
  const ordered: Batch[] = [];
  let last: Batch | undefined;
  for (let index = 0; index < tasks.length; index++) {
    const task = tasks[index] as PendingTask;
    const { serviceId, specVersion } = task;
    if (task.nodeId !== undefined || specVersion === undefined) {
      ordered.push({ tasks, start: index, end: index + 1 });
      last = undefined;
      continue;
    }
    // Callers usually list a batch's tasks together: skip the lookups then (and the copy: last.end is index).
    const previous = last?.tasks[last.start];
    if (last && previous && previous.serviceId === serviceId && previous.specVersion === specVersion) {
      appendTo(last, task, index);
      continue;
    }
    let byVersion = byService.get(serviceId);
    if (!byVersion) {
      byVersion = new Map();
      byService.set(serviceId, byVersion);
    }
    let batch = byVersion.get(specVersion);
    if (!batch) {
      batch = { tasks, start: index, end: index + 1 };
      byVersion.set(specVersion, batch);
      ordered.push(batch);
    } else {
      appendTo(batch, task, index);
    }
    last = batch;
  }
  return ordered;
}

/** Adds the input's `index`th task to a batch, gathering the batch's tasks once they are not contiguous. */
function appendTo(batch: Batch, task: PendingTask, index: number): void {
  if (batch.gathered) {
    batch.gathered.push(task);
  } else if (batch.end !== index) {
    batch.gathered = [...batch.tasks.slice(batch.start, batch.end), task];
    batch.tasks = batch.gathered;
    batch.start = 0;
    batch.end = batch.gathered.length;
    return;
  }
  batch.end++;
}

function schedulePreassigned(run: Run, task: PendingTask, nodeId: string): void {
  const info = run.cluster.nodeInfo(nodeId);
  if (!info) {
    run.result.unschedulable.set(task.taskId, noSuitableNode(`node ${JSON.stringify(nodeId)} not found`));
    return;
  }
  if (task.serviceName !== undefined) run.cluster.setServiceName(task.serviceId, task.serviceName);
  const pipeline = new Pipeline(run.filters, task, { soft: false, cluster: run.cluster, now: run.now });
  if (pipeline.passes(info)) run.cluster.recorder(run.log, task)(info, task.taskId);
  else run.result.unschedulable.set(task.taskId, noSuitableNode(pipeline.explain([info])));
}

/** The part of a batch not placed yet: `tasks[next, end)`. */
interface Queue {
  readonly tasks: readonly PendingTask[];
  next: number;
  readonly end: number;
}

function scheduleBatch(run: Run, batch: Batch): void {
  const spec = batch.tasks[batch.start] as PendingTask;
  if (spec.serviceName !== undefined) run.cluster.setServiceName(spec.serviceId, spec.serviceName);
  const hasSoftRules = run.filters.some((filter) => filter.hasSoftRules?.(spec) ?? false);
  const queue: Queue = { tasks: batch.tasks, next: batch.start, end: batch.end };
  const record = run.cluster.recorder(run.log, spec);
  for (const soft of hasSoftRules ? [true, false] : [false]) {
    if (queue.next >= queue.end) return;
    placeBatch(run, spec, queue, soft, record);
  }
  if (queue.next >= queue.end) return;
  const pipeline = new Pipeline(run.filters, spec, { soft: false, cluster: run.cluster, now: run.now });
  const reason = noSuitableNode(pipeline.explain(run.cluster.nodeInfos()));
  for (let index = queue.next; index < queue.end; index++) {
    run.result.unschedulable.set((queue.tasks[index] as PendingTask).taskId, reason);
  }
}

function placeBatch(
  run: Run,
  spec: PendingTask,
  queue: Queue,
  soft: boolean,
  record: PlacementRecorder,
): void {
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
  // The tree and the ranking ask every node for its count of this service.
  run.cluster.primeTaskCounts(spec.serviceId);
  const tree = buildTree(
    run.cluster.nodeInfos(),
    levels,
    spec.serviceId,
    (info) => pipeline.passes(info),
    run.candidates,
  );
  const heaps = new Map<Branch, NodeHeap>();

  const placeOnLeaf = (leaf: Branch, n: number): number => {
    let heap = heaps.get(leaf);
    if (!heap) {
      heap = new NodeHeap(leaf.candidates, compare);
      heaps.set(leaf, heap);
    }
    let placed = 0;
    while (placed < n && queue.next < queue.end) {
      const info = heap.top;
      if (!info) break;
      record(info, (queue.tasks[queue.next++] as PendingTask).taskId);
      placed++;
      ranking.placed?.(info);
      if (pipeline.stillPasses(info)) heap.updateTop();
      else heap.removeTop();
    }
    return placed;
  };

  placeOnSubtree(tree, queue.end - queue.next, placeOnLeaf);
}
