import { InvalidArgumentError } from '../util/errors';
import type { HostPort, Resources, SchedulerNode, TaskAssignment } from './types';

/** Swarm mode's rule: a node where a service+version failed this often recently is tried last. */
export const MAX_RECENT_FAILURES = 5;
export const FAILURE_WINDOW_MS = 5 * 60_000;

export function hostPortKey(port: HostPort): string {
  return `${port.port}/${port.protocol}`;
}

function failureKey(serviceId: string, specVersion: number | undefined): string {
  return specVersion === undefined ? serviceId : `${serviceId}@${specVersion}`;
}

/** What filters and strategies may read about a node. Change it only through ClusterState. */
export interface NodeInfo {
  readonly node: SchedulerNode;
  /** Reservations of every task on the node, pending (assigned, not yet running) ones included. */
  readonly reserved: Readonly<Resources>;
  readonly activeTasks: number;
  /** Active task count per service ID. */
  readonly tasksByService: ReadonlyMap<string, number>;
  /** Active tasks of one service (tasksByService.get, cached for the hot path). */
  tasksOf(serviceId: string): number;
  /** `port/protocol` of host-mode ports in use, with how many tasks hold each. */
  readonly hostPortsInUse: ReadonlyMap<string, number>;
  /** Failures of this service+spec version within FAILURE_WINDOW_MS before `now`. */
  recentFailures(serviceId: string, specVersion: number | undefined, now: number): number;
}

/**
 * What a recorded task holds; copied so later changes to the caller's object cannot skew the books.
 * Immutable and node-independent, so every task of a batch shares one.
 */
interface Holding {
  readonly serviceId: string;
  readonly nanoCPUs: number;
  readonly memoryBytes: number;
  /** hostPortKey of each host-mode port. */
  readonly portKeys: readonly string[];
  /** The state's tally for serviceId. */
  readonly tally: ServiceTally;
}

/**
 * Where a service's tasks are. Per-node counts are kept here, per service, rather than in a map on
 * each node: updating one map per batch is cheaper than updating one on each of many nodes.
 */
interface ServiceTally {
  /** Tasks on all nodes (always current). */
  tasks: number;
  /** Node slot → tasks there, absent when none (current once the books are settled). */
  readonly perNode: Map<number, number>;
}

/** A task's entry in the task index. Tasks holding the same on one node share one. */
interface HeldPlace {
  readonly info: MutableNodeInfo;
  readonly holding: Holding;
}

/**
 * What the nodes share with their state: the tallies, and the placements schedule() logged whose
 * per-node service counts (tallies' perNode, tasksByService) are not applied yet.
 */
interface Books {
  readonly tallies: ReadonlyMap<string, ServiceTally>;
  /** True while a log holds placements not counted per node: call settle() before reading counts. */
  unsettled: boolean;
  settle(): void;
}

const NO_PORTS: readonly string[] = [];

function holdsTheSame(a: Holding, b: Holding): boolean {
  if (a === b) return true;
  if (a.serviceId !== b.serviceId || a.nanoCPUs !== b.nanoCPUs || a.memoryBytes !== b.memoryBytes) {
    return false;
  }
  if (a.portKeys.length !== b.portKeys.length) return false;
  return a.portKeys.every((key, index) => key === b.portKeys[index]);
}

class MutableNodeInfo implements NodeInfo {
  readonly reserved: Resources = { nanoCPUs: 0, memoryBytes: 0 };
  activeTasks = 0;
  readonly tasksByService: ReadonlyMap<string, number> = new ServiceCounts(this);
  readonly hostPortsInUse = new Map<string, number>();
  private readonly failures = new Map<string, number[]>();
  /** What the last task recorded here holds: the next one reuses it when it holds the same. */
  lastHolding: Holding | undefined;
  /** The last entry indexed for this node, reused by the next task with the same holding. */
  lastPlace: HeldPlace | undefined;
  /** Set when the node leaves the state, so a recorder still holding it goes the checked way. */
  removed = false;
  /** Services with tasks here (once settled). */
  private servicesHeld = 0;
  /**
   * Service IDs in the order their count here went from 0 to 1, stale entries included (the last
   * entry of a service with tasks is the live one): tasksByService's iteration order, a Map's.
   */
  private serviceOrder: string[] = [];
  /** The counts when the node left the state: the tallies no longer hold them. */
  private frozenCounts: Map<string, number> | undefined;
  // Rankers ask for one service's count on every comparison: remember the last answer. It is always
  // the true count, placements not yet settled included.
  private countedService: string | undefined;
  private countedTasks = 0;

  constructor(
    public node: SchedulerNode,
    /** Unique among the state's nodes: the key of the tallies' per-node counts. */
    readonly slot: number,
    private readonly books: Books,
  ) {}

  /** tasksByService.get. */
  countOf(serviceId: string): number | undefined {
    if (this.frozenCounts) return this.frozenCounts.get(serviceId);
    if (this.books.unsettled) this.books.settle();
    return this.books.tallies.get(serviceId)?.perNode.get(this.slot);
  }

  get serviceCount(): number {
    if (this.frozenCounts) return this.frozenCounts.size;
    if (this.books.unsettled) this.books.settle();
    return this.servicesHeld;
  }

  tasksOf(serviceId: string): number {
    if (serviceId !== this.countedService) {
      this.countedService = serviceId;
      this.countedTasks = this.countOf(serviceId) ?? 0;
    }
    return this.countedTasks;
  }

  /** Sets tasksOf's answer for a service, known to be `count`. */
  primeCount(serviceId: string, count: number): void {
    this.countedService = serviceId;
    this.countedTasks = count;
  }

  /** Records a task holding `holding`, its per-node service count included. */
  add(holding: Holding): void {
    if (this.books.unsettled) this.books.settle();
    this.hold(holding);
    this.count(holding);
  }

  /**
   * A task holding `holding` is here: everything but the per-node service count, which the caller
   * logs for count() (the books are unsettled until it runs).
   */
  hold(holding: Holding): void {
    this.reserved.nanoCPUs += holding.nanoCPUs;
    this.reserved.memoryBytes += holding.memoryBytes;
    this.activeTasks++;
    holding.tally.tasks++;
    if (holding.serviceId === this.countedService) this.countedTasks++;
    for (const key of holding.portKeys) this.hostPortsInUse.set(key, (this.hostPortsInUse.get(key) ?? 0) + 1);
  }

  /** The per-node service count of a task hold() recorded. */
  count(holding: Holding): void {
    const { perNode } = holding.tally;
    const count = (perNode.get(this.slot) ?? 0) + 1;
    perNode.set(this.slot, count);
    if (count > 1) return;
    this.servicesHeld++;
    this.serviceOrder.push(holding.serviceId);
    // Stale entries pile up as services come and go: drop them once they are the majority.
    if (this.serviceOrder.length > 2 * this.servicesHeld + 16) this.serviceOrder = this.services();
  }

  remove(holding: Holding): void {
    if (this.books.unsettled) this.books.settle();
    this.reserved.nanoCPUs -= holding.nanoCPUs;
    this.reserved.memoryBytes -= holding.memoryBytes;
    this.activeTasks--;
    const { perNode } = holding.tally;
    const count = perNode.get(this.slot);
    if (count !== undefined) {
      holding.tally.tasks--;
      if (count > 1) {
        perNode.set(this.slot, count - 1);
      } else {
        perNode.delete(this.slot);
        this.servicesHeld--;
      }
    }
    if (holding.serviceId === this.countedService) this.countedService = undefined;
    for (const key of holding.portKeys) decrement(this.hostPortsInUse, key);
  }

  /** The services with tasks here, in tasksByService's order. */
  services(): string[] {
    if (this.frozenCounts) return [...this.frozenCounts.keys()];
    if (this.books.unsettled) this.books.settle();
    const seen = new Set<string>();
    const live: string[] = [];
    for (let index = this.serviceOrder.length - 1; index >= 0; index--) {
      const serviceId = this.serviceOrder[index] as string;
      if (seen.has(serviceId)) continue;
      seen.add(serviceId);
      if (this.countOf(serviceId) !== undefined) live.push(serviceId);
    }
    return live.reverse();
  }

  /** The node leaves the state: keeps its counts as they are, and takes them out of the tallies. */
  detach(): void {
    const frozen = new Map<string, number>();
    for (const serviceId of this.services()) {
      const tally = this.books.tallies.get(serviceId) as ServiceTally;
      const count = tally.perNode.get(this.slot) as number;
      frozen.set(serviceId, count);
      tally.tasks -= count;
      tally.perNode.delete(this.slot);
    }
    this.frozenCounts = frozen;
    this.serviceOrder = [];
    this.removed = true;
  }

  /** The place for a task holding `holding` here in the task index. */
  placeFor(holding: Holding): HeldPlace {
    let place = this.lastPlace;
    if (place === undefined || place.holding !== holding) {
      place = { info: this, holding };
      this.lastPlace = place;
    }
    return place;
  }

  recordFailure(serviceId: string, specVersion: number | undefined, at: number): void {
    const key = failureKey(serviceId, specVersion);
    const kept = (this.failures.get(key) ?? []).filter((t) => at - t < FAILURE_WINDOW_MS);
    kept.push(at);
    this.failures.set(key, kept);
  }

  recentFailures(serviceId: string, specVersion: number | undefined, now: number): number {
    // Rankers ask on every comparison and most nodes have no failures: skip building the key.
    if (this.failures.size === 0) return 0;
    const times = this.failures.get(failureKey(serviceId, specVersion));
    if (times === undefined) return 0;
    let count = 0;
    for (const t of times) if (now - t < FAILURE_WINDOW_MS && t <= now) count++;
    return count;
  }
}

/** A node's tasksByService: a read-only Map of service ID → active tasks, over the tallies. */
class ServiceCounts implements ReadonlyMap<string, number> {
  constructor(private readonly info: MutableNodeInfo) {}

  get size(): number {
    return this.info.serviceCount;
  }

  get(serviceId: string): number | undefined {
    return this.info.countOf(serviceId);
  }

  has(serviceId: string): boolean {
    return this.info.countOf(serviceId) !== undefined;
  }

  *entries(): MapIterator<[string, number]> {
    for (const serviceId of this.info.services()) yield [serviceId, this.info.countOf(serviceId) as number];
  }

  *keys(): MapIterator<string> {
    yield* this.info.services();
  }

  *values(): MapIterator<number> {
    for (const serviceId of this.info.services()) yield this.info.countOf(serviceId) as number;
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }

  forEach(
    callback: (count: number, serviceId: string, map: ReadonlyMap<string, number>) => void,
    thisArg?: unknown,
  ): void {
    for (const [serviceId, count] of this.entries()) callback.call(thisArg, count, serviceId, this);
  }

  get [Symbol.toStringTag](): string {
    return 'ServiceCounts';
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const next = (map.get(key) ?? 0) - 1;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}

/** How far a reader of a PlacementLog has got: entries before `entry` are done. */
interface Cursor {
  entry: number;
  /** The run holding `entry`. */
  run: number;
}

/**
 * The placements of one schedule() call, in order: task IDs and their nodes in parallel arrays (what
 * each holds is kept per run of tasks, as batches come one after another). It is the call's result,
 * and the state's record of those tasks until they are in its task index and per-node counts.
 * Append-only.
 */
export class PlacementLog {
  private readonly taskIds: string[];
  private readonly nodes: MutableNodeInfo[];
  private length = 0;
  /** Where each run of tasks holding the same begins, and what they hold. */
  private readonly runStarts: number[] = [];
  private readonly runHoldings: Holding[] = [];
  /** How far the task index and the per-node counts have taken the entries in. */
  readonly indexed: Cursor = { entry: 0, run: 0 };
  readonly counted: Cursor = { entry: 0, run: 0 };
  /** False once schedule() is done with it. */
  private open = true;

  /** `expected`: how many placements to make room for (a call places each of its tasks at most once). */
  constructor(expected = 0) {
    this.taskIds = new Array<string>(expected);
    this.nodes = new Array<MutableNodeInfo>(expected);
  }

  get size(): number {
    return this.length;
  }

  taskIdAt(position: number): string {
    return this.taskIds[position] as string;
  }

  nodeAt(position: number): NodeInfo {
    return this.nodes[position] as MutableNodeInfo;
  }

  /** Whether the state can forget it: closed, indexed and counted. */
  get done(): boolean {
    return !this.open && this.indexed.entry === this.length && this.counted.entry === this.length;
  }

  /** No more placements: gives back the room not used. */
  close(): void {
    this.open = false;
    this.taskIds.length = this.length;
    this.nodes.length = this.length;
  }

  append(taskId: string, info: MutableNodeInfo, holding: Holding): void {
    const runs = this.runHoldings.length;
    if (runs === 0 || this.runHoldings[runs - 1] !== holding) {
      this.runStarts.push(this.length);
      this.runHoldings.push(holding);
    }
    // Past the room made, the arrays simply grow.
    this.taskIds[this.length] = taskId;
    this.nodes[this.length] = info;
    this.length++;
  }

  /** Hands the entries past `cursor` to `take`, in order, and moves the cursor to the end. */
  drain(cursor: Cursor, take: (taskId: string, info: MutableNodeInfo, holding: Holding) => void): void {
    const { taskIds, nodes, runStarts, runHoldings, length } = this;
    if (cursor.entry === length) return;
    // `take` may drain another cursor, never this one: read the cursor once, move it first.
    const { entry: from, run: fromRun } = cursor;
    cursor.entry = length;
    cursor.run = Math.max(runHoldings.length - 1, 0);
    for (let run = fromRun; run < runHoldings.length; run++) {
      const holding = runHoldings[run] as Holding;
      const end = run + 1 < runStarts.length ? (runStarts[run + 1] as number) : length;
      for (let entry = Math.max(from, runStarts[run] as number); entry < end; entry++) {
        take(taskIds[entry] as string, nodes[entry] as MutableNodeInfo, holding);
      }
    }
  }
}

function countPlacement(_taskId: string, info: MutableNodeInfo, holding: Holding): void {
  info.count(holding);
}

/** Records one task placement (see ClusterState.recorder). */
export type PlacementRecorder = (info: NodeInfo, taskId: string) => void;

/**
 * The scheduler's bookkeeping: nodes plus what their tasks hold. The orchestrator keeps it current
 * incrementally (addTask when a task is assigned or found running, removeTask when it stops counting
 * as active), and `schedule()` records each placement as it makes it, so a batch sees its own tasks.
 *
 * schedule()'s hot path does no per-task hashing: a placement updates the node's totals (reserved
 * resources, active tasks, ports, its cached count of the batch's service) and is appended to the
 * call's PlacementLog. Two things are built from the logs when first needed, in placement order:
 * the task ID → place index behind taskNode/removeTask (or the next schedule() call), and the
 * per-node, per-service task counts (any read of tasksByService or of another service's tasksOf).
 */
export class ClusterState {
  private readonly infos = new Map<string, MutableNodeInfo>();
  /** Task ID → where it is recorded, for every recorded task not still only in a log. */
  private readonly places = new Map<string, HeldPlace>();
  /** Logs not yet done with (see PlacementLog.done), oldest first. */
  private logs: PlacementLog[] = [];
  /** Service ID → its tally. Kept once made (holdings point at them). */
  private readonly tallies = new Map<string, ServiceTally>();
  private readonly books: Books = {
    tallies: this.tallies,
    unsettled: false,
    settle: () => this.settle(),
  };
  private nextSlot = 0;
  /** Service ID → name (undefined until someone tells us). */
  private readonly serviceNames = new Map<string, string | undefined>();

  constructor(nodes: Iterable<SchedulerNode> = []) {
    for (const node of nodes) this.upsertNode(node);
  }

  /** Adds a node or replaces its description; the node's tasks are kept. */
  upsertNode(node: SchedulerNode): void {
    const info = this.infos.get(node.id);
    if (info) info.node = node;
    else this.infos.set(node.id, new MutableNodeInfo(node, this.nextSlot++, this.books));
  }

  /** Forgets the node and the tasks recorded on it. */
  removeNode(nodeId: string): void {
    const info = this.infos.get(nodeId);
    if (!info) return;
    const places = this.indexed();
    for (const [taskId, place] of places) {
      if (place.info === info) places.delete(taskId);
    }
    info.detach();
    this.infos.delete(nodeId);
  }

  nodeInfo(nodeId: string): NodeInfo | undefined {
    return this.infos.get(nodeId);
  }

  nodeInfos(): IterableIterator<NodeInfo> {
    return this.infos.values();
  }

  get nodeCount(): number {
    return this.infos.size;
  }

  /** Records a task as holding a place on a node. A task already recorded elsewhere is moved. */
  addTask(nodeId: string, task: TaskAssignment): void {
    this.addTaskLike(nodeId, task.taskId, task);
  }

  /**
   * addTask for a task that holds what `like` describes (its service, reservations and ports):
   * lets a batch of identical tasks be recorded from one spec.
   */
  addTaskLike(nodeId: string, taskId: string, like: Omit<TaskAssignment, 'taskId'>): void {
    const info = this.infos.get(nodeId);
    if (!info) throw new InvalidArgumentError(`node "${nodeId}" is not known to the scheduler`);
    const places = this.indexed();
    if (places.has(taskId)) this.removeTask(taskId);
    const holding = this.holdingOn(info, this.holdingOf(like), like.serviceName);
    info.add(holding);
    places.set(taskId, info.placeFor(holding));
  }

  /**
   * Starts the log of a schedule() call that will place up to `expected` tasks. Earlier placements
   * are indexed first, so a task placed again is moved rather than counted twice.
   */
  openLog(expected = 0): PlacementLog {
    this.indexed();
    // Also count them, so that the state never keeps more than the last call's log besides this one.
    if (this.books.unsettled) this.settle();
    const log = new PlacementLog(expected);
    this.logs.push(log);
    return log;
  }

  /**
   * addTaskLike for schedule(): records tasks holding what `like` describes in `log`, without
   * touching the task index or the per-service counts. `info` must come from this state. A task ID
   * may be recorded once per log; one recorded before the log was opened is moved, as with addTask.
   */
  recorder(log: PlacementLog, like: Omit<TaskAssignment, 'taskId'>): PlacementRecorder {
    const holding = this.holdingOf(like);
    return (nodeInfo, taskId) => {
      let info = nodeInfo as MutableNodeInfo;
      if (info.removed) {
        const current = this.infos.get(info.node.id);
        if (!current) throw new InvalidArgumentError(`node "${info.node.id}" is not known to the scheduler`);
        info = current;
      }
      if (this.places.size > 0 && this.places.has(taskId)) this.removeTask(taskId);
      this.holdingOn(info, holding, like.serviceName);
      info.hold(holding);
      log.append(taskId, info, holding);
      this.books.unsettled = true;
    };
  }

  /**
   * For the scheduler, before it asks every node for tasksOf(serviceId): when the service has no
   * tasks anywhere (a new service), answers 0 from the nodes' caches instead of a lookup each.
   */
  primeTaskCounts(serviceId: string): void {
    const tally = this.tallies.get(serviceId);
    if (tally !== undefined && tally.tasks > 0) return;
    for (const info of this.infos.values()) info.primeCount(serviceId, 0);
  }

  /** Releases what the task held. Unknown task IDs are ignored. */
  removeTask(taskId: string): void {
    const places = this.indexed();
    const place = places.get(taskId);
    if (!place) return;
    places.delete(taskId);
    place.info.remove(place.holding);
  }

  /** The node a task is recorded on, if any. */
  taskNode(taskId: string): string | undefined {
    return this.indexed().get(taskId)?.info.node.id;
  }

  /** A FAILED or REJECTED report of a task of this service+spec version on the node. */
  recordFailure(nodeId: string, serviceId: string, specVersion: number | undefined, at = Date.now()): void {
    this.infos.get(nodeId)?.recordFailure(serviceId, specVersion, at);
  }

  /** Lets affinities match a service by name as well as by ID. */
  setServiceName(serviceId: string, name: string): void {
    this.serviceNames.set(serviceId, name);
  }

  /** Every service the state has heard of (by task or by name), with its name when known. */
  knownServices(): IterableIterator<[serviceId: string, name: string | undefined]> {
    return this.serviceNames.entries();
  }

  /** The task index, with the logs' placements in it. */
  private indexed(): Map<string, HeldPlace> {
    if (this.logs.length > 0) {
      for (const log of this.logs) log.drain(log.indexed, this.index);
      this.forgetDoneLogs();
    }
    return this.places;
  }

  private readonly index = (taskId: string, info: MutableNodeInfo, holding: Holding): void => {
    // Only a log holding a task twice has it indexed already: the later placement wins, as with addTask.
    const earlier = this.places.get(taskId);
    if (earlier !== undefined) earlier.info.remove(earlier.holding);
    this.places.set(taskId, info.placeFor(holding));
  };

  /** Applies the logs' placements to the per-node service counts. */
  private settle(): void {
    this.books.unsettled = false;
    for (const log of this.logs) log.drain(log.counted, countPlacement);
    this.forgetDoneLogs();
  }

  private forgetDoneLogs(): void {
    if (this.logs.some((log) => log.done)) this.logs = this.logs.filter((log) => !log.done);
  }

  private holdingOf(like: Omit<TaskAssignment, 'taskId'>): Holding {
    let tally = this.tallies.get(like.serviceId);
    if (tally === undefined) {
      tally = { tasks: 0, perNode: new Map() };
      this.tallies.set(like.serviceId, tally);
    }
    return {
      serviceId: like.serviceId,
      nanoCPUs: like.reservations.nanoCPUs,
      memoryBytes: like.reservations.memoryBytes,
      portKeys: like.hostPorts.length === 0 ? NO_PORTS : like.hostPorts.map(hostPortKey),
      tally,
    };
  }

  /**
   * What a task holding `holding` holds on the node: the node's last holding if the same (then the
   * service is already known), else `holding`, noting its service.
   */
  private holdingOn(info: MutableNodeInfo, holding: Holding, serviceName: string | undefined): Holding {
    const last = info.lastHolding;
    if (last !== undefined && holdsTheSame(last, holding)) return last;
    info.lastHolding = holding;
    this.noteService(holding.serviceId, serviceName);
    return holding;
  }

  private noteService(serviceId: string, name: string | undefined): void {
    if (name !== undefined) this.serviceNames.set(serviceId, name);
    else if (!this.serviceNames.has(serviceId)) this.serviceNames.set(serviceId, undefined);
  }
}
