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
 * Immutable, so tasks of one batch on one node share one.
 */
interface HeldPlace {
  readonly nodeId: string;
  readonly serviceId: string;
  readonly nanoCPUs: number;
  readonly memoryBytes: number;
  /** hostPortKey of each host-mode port. */
  readonly portKeys: readonly string[];
}

const NO_PORTS: readonly string[] = [];

function holdsSamePorts(portKeys: readonly string[], ports: readonly HostPort[]): boolean {
  if (portKeys.length !== ports.length) return false;
  return ports.every((port, index) => portKeys[index] === hostPortKey(port));
}

class MutableNodeInfo implements NodeInfo {
  readonly reserved: Resources = { nanoCPUs: 0, memoryBytes: 0 };
  activeTasks = 0;
  readonly tasksByService = new Map<string, number>();
  readonly hostPortsInUse = new Map<string, number>();
  private readonly failures = new Map<string, number[]>();
  /** The last place recorded here: a batch's tasks share it instead of allocating one each. */
  lastPlace: HeldPlace | undefined;
  // Rankers ask for one service's count on every comparison: remember the last answer.
  private countedService: string | undefined;
  private countedTasks = 0;

  constructor(public node: SchedulerNode) {}

  tasksOf(serviceId: string): number {
    if (serviceId !== this.countedService) {
      this.countedService = serviceId;
      this.countedTasks = this.tasksByService.get(serviceId) ?? 0;
    }
    return this.countedTasks;
  }

  add(place: HeldPlace): void {
    this.reserved.nanoCPUs += place.nanoCPUs;
    this.reserved.memoryBytes += place.memoryBytes;
    this.activeTasks++;
    const count = (this.tasksByService.get(place.serviceId) ?? 0) + 1;
    this.tasksByService.set(place.serviceId, count);
    if (place.serviceId === this.countedService) this.countedTasks = count;
    for (const key of place.portKeys) this.hostPortsInUse.set(key, (this.hostPortsInUse.get(key) ?? 0) + 1);
  }

  remove(place: HeldPlace): void {
    this.reserved.nanoCPUs -= place.nanoCPUs;
    this.reserved.memoryBytes -= place.memoryBytes;
    this.activeTasks--;
    decrement(this.tasksByService, place.serviceId);
    if (place.serviceId === this.countedService) this.countedService = undefined;
    for (const key of place.portKeys) decrement(this.hostPortsInUse, key);
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

function decrement(map: Map<string, number>, key: string): void {
  const next = (map.get(key) ?? 0) - 1;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}

/**
 * The scheduler's bookkeeping: nodes plus what their tasks hold. The orchestrator keeps it current
 * incrementally (addTask when a task is assigned or found running, removeTask when it stops counting
 * as active), and `schedule()` records each placement as it makes it, so a batch sees its own tasks.
 */
export class ClusterState {
  private readonly infos = new Map<string, MutableNodeInfo>();
  private readonly places = new Map<string, HeldPlace>();
  /** Service ID → name (undefined until someone tells us). */
  private readonly serviceNames = new Map<string, string | undefined>();

  constructor(nodes: Iterable<SchedulerNode> = []) {
    for (const node of nodes) this.upsertNode(node);
  }

  /** Adds a node or replaces its description; the node's tasks are kept. */
  upsertNode(node: SchedulerNode): void {
    const info = this.infos.get(node.id);
    if (info) info.node = node;
    else this.infos.set(node.id, new MutableNodeInfo(node));
  }

  /** Forgets the node and the tasks recorded on it. */
  removeNode(nodeId: string): void {
    const info = this.infos.get(nodeId);
    if (!info) return;
    for (const [taskId, place] of this.places) {
      if (place.nodeId === nodeId) this.places.delete(taskId);
    }
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
    if (this.places.has(taskId)) this.removeTask(taskId);
    let place = info.lastPlace;
    if (
      place === undefined ||
      place.serviceId !== like.serviceId ||
      place.nanoCPUs !== like.reservations.nanoCPUs ||
      place.memoryBytes !== like.reservations.memoryBytes ||
      !holdsSamePorts(place.portKeys, like.hostPorts)
    ) {
      place = {
        nodeId,
        serviceId: like.serviceId,
        nanoCPUs: like.reservations.nanoCPUs,
        memoryBytes: like.reservations.memoryBytes,
        portKeys: like.hostPorts.length === 0 ? NO_PORTS : like.hostPorts.map(hostPortKey),
      };
      info.lastPlace = place;
      this.noteService(like.serviceId, like.serviceName);
    }
    info.add(place);
    this.places.set(taskId, place);
  }

  /** Releases what the task held. Unknown task IDs are ignored. */
  removeTask(taskId: string): void {
    const place = this.places.get(taskId);
    if (!place) return;
    this.places.delete(taskId);
    this.infos.get(place.nodeId)?.remove(place);
  }

  /** The node a task is recorded on, if any. */
  taskNode(taskId: string): string | undefined {
    return this.places.get(taskId)?.nodeId;
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

  private noteService(serviceId: string, name: string | undefined): void {
    if (name !== undefined) this.serviceNames.set(serviceId, name);
    else if (!this.serviceNames.has(serviceId)) this.serviceNames.set(serviceId, undefined);
  }
}
