import type { Store } from '../store/store';
import type { Service, Task, TaskState } from '../types/swarm';
import type { Logger } from '../util/log';
import type { NewObject } from '../store/store';

/**
 * The orchestrator's writes for one reconcile of one service, applied in one store transaction. If the
 * service changed since the reconcile read it, nothing is written: its change event brings the reconcile
 * back with fresh data. A task that changed since it was read is skipped the same way.
 */
export class Writes {
  constructor(private readonly basis: Service | undefined) {}

  private readonly creates: Array<NewObject<Task>> = [];
  private readonly desired = new Map<string, { task: Task; state: TaskState; extra?: Partial<Task> }>();
  private service: { read: Service; next: Service } | undefined;

  createTask(task: NewObject<Task>): void {
    this.creates.push(task);
  }

  /** Sets a task's desired state; a desired state never moves back (running → shutdown → remove). */
  setDesired(task: Task, state: TaskState, extra?: Partial<Task>): void {
    const order: TaskState[] = ['ready', 'running', 'shutdown', 'remove'];
    const current = this.desired.get(task.ID)?.state ?? task.DesiredState;
    if (order.indexOf(state) < order.indexOf(current) && !(current === 'ready' && state === 'running'))
      return;
    if (state === task.DesiredState && !extra) return;
    this.desired.set(task.ID, { task, state, ...(extra ? { extra } : {}) });
  }

  updateService(read: Service, next: Service): void {
    this.service = { read, next };
  }

  get empty(): boolean {
    return this.creates.length === 0 && this.desired.size === 0 && !this.service;
  }

  apply(store: Store, log: Logger): void {
    if (this.empty) return;
    const tasks = store.collection<Task>('tasks');
    store.transaction(() => {
      if (this.basis) {
        const now = store.collection<Service>('services').get(this.basis.ID);
        if (now?.Version.Index !== this.basis.Version.Index) return;
      }
      if (this.service) {
        try {
          store.collection<Service>('services').update(this.service.next, this.service.read.Version.Index);
        } catch (error) {
          log.warn(`service ${this.service.read.Spec.Name}: ${(error as Error).message}`);
        }
      }
      for (const { task, state, extra } of this.desired.values()) {
        try {
          tasks.update({ ...task, ...extra, DesiredState: state }, task.Version.Index);
        } catch (error) {
          log.warn(`task ${task.ID}: ${(error as Error).message}`);
        }
      }
      for (const task of this.creates) tasks.create(task);
    });
  }
}
