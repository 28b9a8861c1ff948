import { isTerminal } from '../orchestrator/task-model';
import type { Store, StoreChange } from '../store/store';
import type { Service, SwarmNode, Task } from '../types/swarm';
import type { Logger } from '../util/log';
import { ClusterState } from './cluster-state';
import { pendingTask, schedulerNode, taskAssignment } from './from-store';
import { schedule } from './scheduler';
import type { PendingTask } from './types';

export interface SchedulingLoopOptions {
  store: Store;
  log: Logger;
  strategy?: string;
  /** Debounce of scheduling after a change; swarmkit uses 50 ms. */
  debounceMs?: number;
}

/**
 * The scheduler as a running component: it keeps a ClusterState in step with the store's nodes and tasks
 * (driven by store events), and assigns pending tasks to nodes in batches. It writes only `NodeID` and the
 * observed state `assigned` (or `pending` with the reason nothing fits).
 */
export class SchedulingLoop {
  private readonly cluster = new ClusterState();
  private readonly pending = new Set<string>();
  /** Tasks nothing fitted; tried again when a node changes or a task gives its place up. */
  private readonly unschedulable = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: SchedulingLoopOptions) {}

  start(): void {
    const { store } = this.options;
    for (const node of store.collection<SwarmNode>('nodes').list())
      this.cluster.upsertNode(schedulerNode(node));
    const services = new Map(
      store
        .collection<Service>('services')
        .list()
        .map((s) => [s.ID, s]),
    );
    for (const s of services.values()) this.cluster.setServiceName(s.ID, s.Spec.Name);
    for (const task of store.collection<Task>('tasks').list()) this.observeTask(task, undefined, services);
    this.unsubscribe = store.onChange((change) => this.onChange(change), { readonly: true });
    this.kick();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private onChange(change: StoreChange): void {
    if (change.collection === 'nodes') {
      if (change.action === 'delete') this.cluster.removeNode(change.object.ID);
      else this.cluster.upsertNode(schedulerNode(change.object as SwarmNode));
      this.retryUnschedulable();
    } else if (change.collection === 'tasks') {
      const task = change.object as Task;
      if (change.action === 'delete') {
        if (this.cluster.taskNode(task.ID) !== undefined) this.retryUnschedulable();
        this.cluster.removeTask(task.ID);
        this.pending.delete(task.ID);
        this.unschedulable.delete(task.ID);
      } else {
        this.observeTask(task, change.previous as Task | undefined);
      }
    } else if (change.collection === 'services' && change.action !== 'delete') {
      const service = change.object as Service;
      this.cluster.setServiceName(service.ID, service.Spec.Name);
    }
  }

  private observeTask(task: Task, previous: Task | undefined, services?: Map<string, Service>): void {
    const wantsToRun = task.DesiredState === 'running' || task.DesiredState === 'ready';
    const state = task.Status.State;
    if (wantsToRun && (state === 'new' || state === 'pending')) {
      if (!this.unschedulable.has(task.ID)) this.pending.add(task.ID);
      this.kick();
      return;
    }
    this.pending.delete(task.ID);
    this.unschedulable.delete(task.ID);
    const holdsPlace = wantsToRun && task.NodeID !== undefined && !isTerminal(state);
    if (holdsPlace && task.NodeID) {
      const service = services?.get(task.ServiceID) ?? this.service(task.ServiceID);
      if (this.cluster.taskNode(task.ID) !== task.NodeID && this.cluster.nodeInfo(task.NodeID)) {
        this.cluster.addTask(task.NodeID, taskAssignment(service, task));
      }
    } else if (this.cluster.taskNode(task.ID) !== undefined) {
      this.cluster.removeTask(task.ID);
      this.retryUnschedulable();
    }
    const failedNow = (state === 'failed' || state === 'rejected') && previous?.Status.State !== state;
    if (failedNow && task.NodeID) {
      this.cluster.recordFailure(task.NodeID, task.ServiceID, task.SpecVersion?.Index);
    }
  }

  private service(id: string): Service | undefined {
    return this.options.store.collection<Service>('services').get(id);
  }

  private retryUnschedulable(): void {
    if (this.unschedulable.size === 0) return;
    for (const id of this.unschedulable) this.pending.add(id);
    this.unschedulable.clear();
    this.kick();
  }

  private kick(): void {
    if (this.timer || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.tick();
      } catch (error) {
        this.options.log.error(`scheduling failed: ${(error as Error).stack ?? String(error)}`);
      }
    }, this.options.debounceMs ?? 20);
  }

  /** One scheduling pass over every pending task. */
  tick(): void {
    const { store } = this.options;
    const tasks = store.collection<Task>('tasks');
    const services = new Map<string, Service | undefined>();
    const batch: PendingTask[] = [];
    const byId = new Map<string, Task>();
    for (const id of this.pending) {
      const task = tasks.get(id);
      if (!task || !(task.Status.State === 'new' || task.Status.State === 'pending')) continue;
      if (!services.has(task.ServiceID)) services.set(task.ServiceID, this.service(task.ServiceID));
      const service = services.get(task.ServiceID);
      if (!service) continue;
      batch.push(pendingTask(service, task));
      byId.set(id, task);
    }
    this.pending.clear();
    if (batch.length === 0) return;
    const result = schedule(
      batch,
      this.cluster,
      this.options.strategy ? { strategy: this.options.strategy } : {},
    );
    const now = new Date().toISOString();
    store.transaction(() => {
      for (const [taskId, nodeId] of result.assignments) {
        const task = byId.get(taskId);
        if (!task) continue;
        const next: Task = {
          ...task,
          NodeID: nodeId,
          Status: { Timestamp: now, State: 'assigned', Message: 'scheduler assigned task to node' },
        };
        if (!this.tryUpdate(next, task)) this.cluster.removeTask(taskId);
      }
      for (const [taskId, reason] of result.unschedulable) {
        this.unschedulable.add(taskId);
        const task = byId.get(taskId);
        if (!task || (task.Status.State === 'pending' && task.Status.Err === reason)) continue;
        this.tryUpdate(
          {
            ...task,
            Status: { Timestamp: now, State: 'pending', Message: 'pending task scheduling', Err: reason },
          },
          task,
        );
      }
    });
  }

  /** A task changed since it was read is skipped: its change event brings it back if it still needs a node. */
  private tryUpdate(next: Task, read: Task): boolean {
    try {
      this.options.store.collection<Task>('tasks').update(next, read.Version.Index);
      return true;
    } catch (error) {
      this.options.log.warn(`task ${read.ID}: ${(error as Error).message}`);
      return false;
    }
  }
}
