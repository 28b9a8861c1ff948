import type { Store, StoreChange } from '../store/store';
import { TaskIndex } from '../store/task-index';
import type { Service, SwarmNode, Task } from '../types/swarm';
import type { Logger } from '../util/log';
import type { ReconcileContext } from './context';
import { reconcileGlobal } from './global';
import { reconcileGlobalJob, reconcileReplicatedJob } from './jobs';
import { reconcileReplicated } from './replicated';
import { RestartSupervisor } from './restart-supervisor';
import { groupSlots, type Slot } from './slots';
import { modeName } from './spec/defaults';
import { isTerminal } from './task-model';
import { startWhenOldStopped, Updater } from './updater';
import { Writes } from './writes';

/** Finished tasks kept per slot for `docker service ps` (swarmkit's TaskHistoryRetentionLimit). */
export const TASK_HISTORY_LIMIT = 5;

export interface OrchestratorOptions {
  store: Store;
  log: Logger;
  /** Debounce of reconciles after a change. */
  debounceMs?: number;
  now?: () => number;
}

/**
 * Desired vs observed, per service: reads services, tasks and nodes from the store, writes tasks (to create,
 * to shut down, to remove) and the services' UpdateStatus. It never talks to engines: the scheduler places
 * the tasks it creates and the dispatcher runs them. Store events mark services dirty; a debounced pass
 * reconciles the dirty ones.
 */
export class Orchestrator {
  private readonly supervisor = new RestartSupervisor();
  private readonly updater = new Updater();
  private readonly dirty = new Set<string>();
  private readonly wakeups = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly now: () => number;
  private readonly tasks: TaskIndex;

  constructor(private readonly options: OrchestratorOptions) {
    this.now = options.now ?? Date.now;
    this.tasks = TaskIndex.of(options.store);
  }

  start(): void {
    const { store } = this.options;
    this.unsubscribe = store.onChange((change) => this.onChange(change), { readonly: true });
    for (const service of store.collection<Service>('services').list()) this.dirty.add(service.ID);
    for (const task of this.tasks.all()) this.dirty.add(task.ServiceID);
    this.kick();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.wakeups.values()) clearTimeout(w.timer);
    this.wakeups.clear();
  }

  private onChange(change: StoreChange): void {
    if (change.collection === 'services') {
      this.dirty.add(change.object.ID);
      if (change.action === 'delete') {
        this.supervisor.forgetService(change.object.ID);
        this.updater.forgetService(change.object.ID);
      }
    } else if (change.collection === 'tasks') {
      this.dirty.add((change.object as Task).ServiceID);
    } else if (change.collection === 'nodes') {
      // Availability, state or labels changed: every service may need to move or add tasks.
      for (const s of this.options.store.collection<Service>('services').list()) this.dirty.add(s.ID);
    } else {
      return;
    }
    this.kick();
  }

  private kick(): void {
    if (this.timer || this.dirty.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pass();
    }, this.options.debounceMs ?? 10);
  }

  /** Reconciles every dirty service once. */
  pass(): void {
    const { store } = this.options;
    const ids = [...this.dirty];
    this.dirty.clear();
    if (ids.length === 0) return;
    const nodes = new Map(
      store
        .collection<SwarmNode>('nodes')
        .list()
        .map((n) => [n.ID, n]),
    );
    // Read before any reconcile writes, as a listing would be: each service sees its tasks as the pass began.
    const tasksByService = new Map(ids.map((id) => [id, this.tasks.byService(id)]));
    for (const id of ids) {
      try {
        this.reconcile(id, tasksByService.get(id) ?? [], nodes);
      } catch (error) {
        this.options.log.error(`reconciling service ${id}: ${(error as Error).stack ?? String(error)}`);
      }
    }
  }

  private reconcile(serviceId: string, tasks: Task[], nodes: ReadonlyMap<string, SwarmNode>): void {
    const { store, log } = this.options;
    const service = store.collection<Service>('services').get(serviceId);
    const writes = new Writes(service);
    if (!service) {
      // The service is gone: its tasks go too (the dispatcher stops and removes their containers).
      for (const task of tasks) writes.setDesired(task, 'remove');
      writes.apply(store, log);
      return;
    }
    const now = this.now();
    const ctx: ReconcileContext = {
      service,
      nodes,
      supervisor: this.supervisor,
      writes,
      now,
      log,
      wakeAt: (at) => this.wakeAt(serviceId, at),
    };
    const mode = modeName(service.Spec);
    const slots = groupSlots(tasks, mode === 'global' || mode === 'global-job');
    switch (mode) {
      case 'replicated':
        reconcileReplicated(ctx, slots);
        break;
      case 'global':
        reconcileGlobal(ctx, slots);
        break;
      case 'replicated-job':
        reconcileReplicatedJob(ctx, slots);
        break;
      case 'global-job':
        reconcileGlobalJob(ctx, slots);
        break;
    }
    if (mode === 'replicated' || mode === 'global') this.updater.reconcile(ctx, slots);
    this.startDelayedTasks(ctx, tasks);
    this.trimHistory(ctx, slots);
    writes.apply(store, log);
  }

  /**
   * Replacements wait (desired `ready`) until their StartAfter (restart delay) or until the task they replace
   * stopped (stop-first update); then they may run.
   */
  private startDelayedTasks(ctx: ReconcileContext, tasks: Task[]): void {
    for (const task of tasks) {
      if (task.DesiredState !== 'ready') continue;
      if (task.StartAfterStopOf) {
        startWhenOldStopped(ctx, task, tasks);
        continue;
      }
      if (!task.StartAfter) continue;
      const at = Date.parse(task.StartAfter);
      if (ctx.now >= at) ctx.writes.setDesired(task, 'running', { StartAfter: undefined });
      else ctx.wakeAt(at);
    }
  }

  /** Keeps the newest finished tasks of each slot for history; older ones are removed. */
  private trimHistory(ctx: ReconcileContext, slots: Map<string, Slot>): void {
    for (const slot of slots.values()) {
      const finished = slot.tasks.filter(
        (t) =>
          t.DesiredState === 'shutdown' &&
          (isTerminal(t.Status.State) || t.Status.State === 'new' || t.Status.State === 'pending'),
      );
      for (const task of finished.slice(0, Math.max(0, finished.length - TASK_HISTORY_LIMIT))) {
        ctx.writes.setDesired(task, 'remove');
      }
    }
  }

  private wakeAt(serviceId: string, at: number): void {
    const existing = this.wakeups.get(serviceId);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(
      () => {
        this.wakeups.delete(serviceId);
        this.dirty.add(serviceId);
        this.kick();
      },
      Math.max(0, at - this.now()) + 5,
    );
    this.wakeups.set(serviceId, { at, timer });
  }
}
