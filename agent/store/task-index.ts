import type { Task } from '../types/swarm';
import { deepFreeze } from '../util/freeze';
import type { Store, StoreChange } from './store';

const shared = new WeakMap<Store, TaskIndex>();

/**
 * The store's tasks, parsed once and kept by ID, by service and by node, so that readers which look at many
 * tasks often (the orchestrator's passes, the API's service status) neither list nor parse the whole
 * collection each time. Built from the store's tasks, then kept in step by its change events: it shows
 * what is committed (a transaction's writes appear when it commits, a rolled back one never does).
 * The tasks are deep-frozen and shared between readers: copy one to change it.
 */
export class TaskIndex {
  private readonly tasks = new Map<string, Task>();
  private readonly byServiceID = new Map<string, Map<string, Task>>();
  private readonly byNodeID = new Map<string, Map<string, Task>>();
  private readonly unsubscribe: () => void;

  /** The store's shared index, made on first use; it follows the store until the store closes. */
  static of(store: Store): TaskIndex {
    let index = shared.get(store);
    if (!index) shared.set(store, (index = new TaskIndex(store)));
    return index;
  }

  constructor(store: Store) {
    for (const task of store.collection<Task>('tasks').list()) this.put(deepFreeze(task));
    this.unsubscribe = store.onChange((change) => this.apply(change), { readonly: true });
  }

  /** Stops following the store (the shared index of a store never needs this). */
  close(): void {
    this.unsubscribe();
  }

  get size(): number {
    return this.tasks.size;
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  /** Every task, in creation order. */
  all(): Task[] {
    return [...this.tasks.values()];
  }

  /** The service's tasks, in creation order. */
  byService(serviceId: string): Task[] {
    return [...(this.byServiceID.get(serviceId)?.values() ?? [])];
  }

  /** The tasks assigned to the node. */
  byNode(nodeId: string): Task[] {
    return [...(this.byNodeID.get(nodeId)?.values() ?? [])];
  }

  private apply(change: StoreChange): void {
    if (change.collection !== 'tasks') return;
    const task = change.object as Task;
    // Changes already in the store when the index was built (it was made while they were being delivered)
    // come again: an older version never replaces a newer one.
    const known = this.tasks.get(task.ID);
    if (known && known.Version.Index > task.Version.Index) return;
    if (change.action === 'delete') this.remove(task.ID);
    else this.put(task);
  }

  private put(task: Task): void {
    const known = this.tasks.get(task.ID);
    if (known && known.ServiceID !== task.ServiceID) ungroup(this.byServiceID, known.ServiceID, task.ID);
    if (known?.NodeID !== undefined && known.NodeID !== task.NodeID) {
      ungroup(this.byNodeID, known.NodeID, task.ID);
    }
    // Setting a known ID keeps its place: the order stays the order of creation.
    this.tasks.set(task.ID, task);
    group(this.byServiceID, task.ServiceID).set(task.ID, task);
    if (task.NodeID !== undefined) group(this.byNodeID, task.NodeID).set(task.ID, task);
  }

  private remove(id: string): void {
    const known = this.tasks.get(id);
    if (!known) return;
    this.tasks.delete(id);
    ungroup(this.byServiceID, known.ServiceID, id);
    if (known.NodeID !== undefined) ungroup(this.byNodeID, known.NodeID, id);
  }
}

function group(groups: Map<string, Map<string, Task>>, key: string): Map<string, Task> {
  let members = groups.get(key);
  if (!members) groups.set(key, (members = new Map()));
  return members;
}

function ungroup(groups: Map<string, Map<string, Task>>, key: string, id: string): void {
  const members = groups.get(key);
  if (!members) return;
  members.delete(id);
  if (members.size === 0) groups.delete(key);
}
