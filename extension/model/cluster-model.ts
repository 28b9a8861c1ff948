import type { ApiEvent, EventType } from '../agent/protocol';
import { Emitter, type Event } from '../util/emitter';
import {
  normalizeNetwork,
  type Network,
  type Service,
  type Snapshot,
  type SwarmNode,
  type Task,
} from './types';

/** What one applied event changed; `object` is the object after the change (for a delete, as it was). */
export interface ModelChange {
  type: EventType;
  action: 'create' | 'update' | 'delete';
  id: string;
  /** For tasks: the service and node it belongs to (before and after), so views can refresh just those. */
  serviceId?: string;
  nodeIds?: string[];
}

/** Why an event was not applied, for tests and the log. */
export type Ignored = 'generation' | 'stale' | 'malformed';

/** Bounded, so a long session's task churn does not grow it forever. */
const MAX_TOMBSTONES = 20_000;

/**
 * The cluster as the extension knows it: nodes, services, tasks and networks by ID, fed by one snapshot per
 * connection and then by events. Events of an older connection (generation) and events older than what the
 * model holds (by store index) are ignored, so replaying the events buffered during the initial fetch, or a
 * late event from a dead connection, can never move an object backwards.
 */
export class ClusterModel {
  readonly nodes = new Map<string, SwarmNode>();
  readonly services = new Map<string, Service>();
  readonly tasks = new Map<string, Task>();
  readonly networks = new Map<string, Network>();
  private readonly tasksByService = new Map<string, Map<string, Task>>();
  private readonly tasksByNode = new Map<string, Map<string, Task>>();
  /** Index at which an ID was deleted: a late update for it must not bring it back. */
  private readonly tombstones = new Map<string, number>();
  private currentGeneration = 0;
  private highestIndex = 0;
  private loaded = false;

  private readonly onDidChangeEmitter = new Emitter<ModelChange>();
  private readonly onDidResetEmitter = new Emitter<void>();
  /** Fires for every applied change, synchronously; views debounce. */
  readonly onDidChange: Event<ModelChange> = this.onDidChangeEmitter.event;
  /** Fires after a snapshot replaced everything, or after {@link clear}. */
  readonly onDidReset: Event<void> = this.onDidResetEmitter.event;

  get generation(): number {
    return this.currentGeneration;
  }

  /** The highest store index seen (snapshot or events). */
  get index(): number {
    return this.highestIndex;
  }

  /** True once a snapshot was loaded (and until {@link clear}). */
  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Replaces everything with a connection's initial fetch; from now on only that generation's events count. */
  reset(snapshot: Snapshot, generation: number): void {
    this.forget(generation);
    this.highestIndex = snapshot.index;
    for (const node of snapshot.nodes) this.nodes.set(node.ID, node);
    for (const service of snapshot.services) this.services.set(service.ID, service);
    for (const task of snapshot.tasks) this.putTask(task);
    for (const raw of snapshot.networks) {
      const network = normalizeNetwork(raw, snapshot.index);
      if (network) this.networks.set(network.ID, network);
    }
    for (const object of [...this.nodes.values(), ...this.services.values(), ...this.tasks.values()]) {
      this.highestIndex = Math.max(this.highestIndex, object.Version.Index);
    }
    this.loaded = true;
    this.onDidResetEmitter.fire();
  }

  private forget(generation: number): void {
    this.nodes.clear();
    this.services.clear();
    this.tasks.clear();
    this.networks.clear();
    this.tasksByService.clear();
    this.tasksByNode.clear();
    this.tombstones.clear();
    this.currentGeneration = generation;
  }

  /** Forgets everything (disconnected); a later snapshot needs a newer generation. */
  clear(generation = this.currentGeneration + 1): void {
    this.forget(generation);
    this.loaded = false;
    this.onDidResetEmitter.fire();
  }

  /** Applies an event of connection `generation`; returns the change, or why it was ignored. */
  apply(event: ApiEvent, generation: number): ModelChange | Ignored {
    if (generation !== this.currentGeneration || !this.loaded) return 'generation';
    const current = this.get(event.type, event.id);
    const deletedAt = this.tombstones.get(event.id);
    if (event.action === 'delete') {
      if (current && current.Version.Index > event.index) return 'stale';
      if (deletedAt !== undefined && deletedAt >= event.index) return 'stale';
      this.tombstone(event.id, event.index);
      this.highestIndex = Math.max(this.highestIndex, event.index);
      if (!current) return 'stale';
      return this.emit(this.remove(event.type, current));
    }
    if (current && current.Version.Index >= event.index) return 'stale';
    if (deletedAt !== undefined && deletedAt >= event.index) return 'stale';
    const change = this.put(event.type, event.object, event.index, current);
    if (change === undefined) return 'malformed';
    this.highestIndex = Math.max(this.highestIndex, event.index);
    return this.emit(change);
  }

  get(type: EventType, id: string): SwarmNode | Service | Task | Network | undefined {
    switch (type) {
      case 'node':
        return this.nodes.get(id);
      case 'service':
        return this.services.get(id);
      case 'task':
        return this.tasks.get(id);
      case 'network':
        return this.networks.get(id);
    }
  }

  /** The service's tasks (all, history included), in no particular order. */
  tasksOfService(serviceId: string): Iterable<Task> {
    return this.tasksByService.get(serviceId)?.values() ?? [];
  }

  tasksOfNode(nodeId: string): Iterable<Task> {
    return this.tasksByNode.get(nodeId)?.values() ?? [];
  }

  taskCountOfService(serviceId: string): number {
    return this.tasksByService.get(serviceId)?.size ?? 0;
  }

  findService(reference: string): Service | undefined {
    const byId = this.services.get(reference);
    if (byId) return byId;
    for (const service of this.services.values()) if (service.Spec.Name === reference) return service;
    return undefined;
  }

  findNode(reference: string): SwarmNode | undefined {
    const byId = this.nodes.get(reference);
    if (byId) return byId;
    for (const node of this.nodes.values()) {
      if (node.Description.Hostname === reference || node.Spec.Name === reference) return node;
    }
    return undefined;
  }

  findNetwork(reference: string): Network | undefined {
    const byId = this.networks.get(reference);
    if (byId) return byId;
    for (const network of this.networks.values()) if (network.Name === reference) return network;
    return undefined;
  }

  dispose(): void {
    this.onDidChangeEmitter.dispose();
    this.onDidResetEmitter.dispose();
  }

  private tombstone(id: string, index: number): void {
    this.tombstones.delete(id);
    this.tombstones.set(id, index);
    if (this.tombstones.size > MAX_TOMBSTONES) {
      const oldest = this.tombstones.keys().next();
      if (!oldest.done) this.tombstones.delete(oldest.value);
    }
  }

  private put(
    type: EventType,
    object: unknown,
    index: number,
    previous: SwarmNode | Service | Task | Network | undefined,
  ): ModelChange | undefined {
    const action = previous ? 'update' : 'create';
    switch (type) {
      case 'network': {
        const network = normalizeNetwork(object, index);
        if (!network) return undefined;
        this.networks.set(network.ID, network);
        return { type, action, id: network.ID };
      }
      case 'node': {
        if (!hasMeta(object)) return undefined;
        const node = object as SwarmNode;
        this.nodes.set(node.ID, node);
        return { type, action, id: node.ID };
      }
      case 'service': {
        if (!hasMeta(object)) return undefined;
        const service = object as Service;
        this.services.set(service.ID, service);
        return { type, action, id: service.ID };
      }
      case 'task': {
        if (!hasMeta(object) || typeof (object as Partial<Task>).ServiceID !== 'string') return undefined;
        const task = object as Task;
        const before = previous as Task | undefined;
        if (before) this.dropTask(before);
        this.putTask(task);
        const nodeIds = [...new Set([before?.NodeID, task.NodeID].filter((n): n is string => !!n))];
        return { type, action, id: task.ID, serviceId: task.ServiceID, nodeIds };
      }
    }
  }

  private remove(type: EventType, current: SwarmNode | Service | Task | Network): ModelChange {
    switch (type) {
      case 'node':
        this.nodes.delete(current.ID);
        break;
      case 'service':
        this.services.delete(current.ID);
        break;
      case 'network':
        this.networks.delete(current.ID);
        break;
      case 'task': {
        const task = current as Task;
        this.dropTask(task);
        this.tasks.delete(task.ID);
        return {
          type,
          action: 'delete',
          id: task.ID,
          serviceId: task.ServiceID,
          nodeIds: task.NodeID ? [task.NodeID] : [],
        };
      }
    }
    return { type, action: 'delete', id: current.ID };
  }

  private putTask(task: Task): void {
    this.tasks.set(task.ID, task);
    addTo(this.tasksByService, task.ServiceID, task);
    if (task.NodeID) addTo(this.tasksByNode, task.NodeID, task);
  }

  private dropTask(task: Task): void {
    removeFrom(this.tasksByService, task.ServiceID, task.ID);
    if (task.NodeID) removeFrom(this.tasksByNode, task.NodeID, task.ID);
  }

  private emit(change: ModelChange): ModelChange {
    this.onDidChangeEmitter.fire(change);
    return change;
  }
}

function hasMeta(object: unknown): boolean {
  if (typeof object !== 'object' || object === null) return false;
  const meta = object as { ID?: unknown; Version?: { Index?: unknown } };
  return typeof meta.ID === 'string' && typeof meta.Version?.Index === 'number';
}

function addTo(index: Map<string, Map<string, Task>>, key: string, task: Task): void {
  let group = index.get(key);
  if (!group) {
    group = new Map();
    index.set(key, group);
  }
  group.set(task.ID, task);
}

function removeFrom(index: Map<string, Map<string, Task>>, key: string, id: string): void {
  const group = index.get(key);
  if (!group) return;
  group.delete(id);
  if (group.size === 0) index.delete(key);
}
