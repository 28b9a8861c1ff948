import type { EngineEvent, NodeManager } from '../cluster/types';
import { listTaskContainers, remove, stop, stopTimeoutSeconds, type TaskContainer } from '../executor';
import type { Collection, Store, StoreChange } from '../store/store';
import type { ClusterNetwork, Service, SwarmNode, Task } from '../types/swarm';
import { planRelist, type ForeignContainer } from './adoption';
import { readEngineEvent } from './observer';
import { StatusBatch } from './status-batch';
import { mergeHints, runTask, type RunnerContext, type TaskHints } from './task-runner';
import { WorkQueue } from './work-queue';

export const DEFAULT_RELIST_MS = 30_000;
export const DEFAULT_DISPATCHER_CONCURRENCY = 4;
/** How long a deleted task's ID is remembered, so its container (being removed) is not reported as foreign. */
const DELETED_MEMORY_MS = 10 * 60_000;

export interface DispatcherOptions {
  store: Store;
  nodes: NodeManager;
  /** Marks our containers; default the store's cluster ID. */
  clusterID?: string;
  log?: (line: string) => void;
  /** Period of the full relist of every ready node, closing any gap in the event streams; 0 turns it off. */
  relistMs?: number;
  /** Tasks worked on at once per node (the node's EngineClient has its own, lower-level limit). */
  concurrencyPerNode?: number;
  /** Backoff of retries after transient engine errors. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

export type ForeignContainerListener = (container: ForeignContainer) => void;

export interface Dispatcher {
  /** Subscribes to store and engine events, then relists every ready node and resumes the tasks' work. */
  start(): Promise<void>;
  /** Unsubscribes and waits for operations in progress; queued work is dropped (a restart relists anyway). */
  stop(): Promise<void>;
  /** Containers with Shoal's labels that are not ours to touch; each is reported once. Returns unsubscribe. */
  onForeignContainer(listener: ForeignContainerListener): () => void;
  /** Lists the node's (or every ready node's) containers and reconciles them with the store now. */
  relist(nodeId?: string): Promise<void>;
  /** Resolves when no task work and no relist is queued or running (retries waiting on a timer do not count). */
  idle(): Promise<void>;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  return new TaskDispatcher(options);
}

/**
 * Owns the observed state of assigned tasks: drives each towards its desired state on its node's engine, and
 * reads back what the engine says. Store changes and engine events drive it; a periodic relist covers gaps.
 */
class TaskDispatcher implements Dispatcher {
  private readonly store: Store;
  private readonly nodes: NodeManager;
  private readonly clusterID: string;
  private readonly log: (line: string) => void;
  private readonly relistMs: number;
  private readonly tasks: Collection<Task>;
  private readonly nodeRecords: Collection<SwarmNode>;
  private readonly queue: WorkQueue;
  private readonly runner: RunnerContext;
  private readonly hints = new Map<string, TaskHints>();
  private readonly recentlyDeleted = new Map<string, number>();
  /** Foreign containers already reported (container ID → node ID), each once while it exists. */
  private readonly reported = new Map<string, string>();
  private readonly foreignListeners = new Set<ForeignContainerListener>();
  private readonly relists = new Map<string, Promise<void>>();
  private readonly relistAgain = new Set<string>();
  private unsubscribe: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(options: DispatcherOptions) {
    this.store = options.store;
    this.nodes = options.nodes;
    this.clusterID = options.clusterID ?? options.store.clusterID;
    this.log = options.log ?? (() => undefined);
    this.relistMs = options.relistMs ?? DEFAULT_RELIST_MS;
    this.tasks = this.store.collection<Task>('tasks');
    this.nodeRecords = this.store.collection<SwarmNode>('nodes');
    this.runner = {
      tasks: this.tasks,
      writer: new StatusBatch(this.store, this.tasks),
      services: this.store.collection<Service>('services'),
      networks: this.store.collection<ClusterNetwork>('networks'),
      nodeRecords: this.nodeRecords,
      nodes: this.nodes,
      clusterID: this.clusterID,
      log: this.log,
      taskDeleted: (taskId) => this.recentlyDeleted.set(taskId, Date.now()),
    };
    this.queue = new WorkQueue({
      concurrency: options.concurrencyPerNode ?? DEFAULT_DISPATCHER_CONCURRENCY,
      run: (taskId) => this.work(taskId),
      onError: (taskId, nodeId, error) =>
        this.log(
          `task ${taskId} on node ${nodeId}: ${error instanceof Error ? error.message : String(error)}`,
        ),
      ...(options.minRetryMs !== undefined ? { minRetryMs: options.minRetryMs } : {}),
      ...(options.maxRetryMs !== undefined ? { maxRetryMs: options.maxRetryMs } : {}),
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = [
      this.store.onChange((change) => this.onStoreChange(change), { readonly: true }),
      this.nodes.onEngineEvent((nodeId, event) => this.onEngineEvent(nodeId, event)),
      this.nodes.onEngineReconnected((nodeId) => void this.relist(nodeId)),
    ];
    if (this.relistMs > 0) {
      this.timer = setInterval(() => void this.relistAll({ skipBusy: true }), this.relistMs);
      this.timer.unref();
    }
    const known = new Set(this.nodeRecords.list().map((n) => n.ID));
    for (const task of this.tasks.list()) {
      if (task.NodeID !== undefined && !known.has(task.NodeID)) this.queue.enqueue(task.ID, task.NodeID);
    }
    await this.relistAll({ skipBusy: false });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    clearInterval(this.timer);
    await this.queue.stop();
    await Promise.all(this.relists.values());
  }

  onForeignContainer(listener: ForeignContainerListener): () => void {
    this.foreignListeners.add(listener);
    return () => this.foreignListeners.delete(listener);
  }

  async relist(nodeId?: string): Promise<void> {
    if (nodeId === undefined) return this.relistAll({ skipBusy: false });
    const inFlight = this.relists.get(nodeId);
    if (inFlight) {
      // A relist already running may have listed before what prompted this one: run once more after it.
      this.relistAgain.add(nodeId);
      return inFlight;
    }
    const run = this.relistNode(nodeId).finally(() => {
      this.relists.delete(nodeId);
      if (this.relistAgain.delete(nodeId) && this.running) void this.relist(nodeId);
    });
    this.relists.set(nodeId, run);
    return run;
  }

  async idle(): Promise<void> {
    while (this.relists.size > 0 || this.queue.pending > 0) {
      await Promise.all(this.relists.values());
      await this.queue.idle();
    }
  }

  private async relistAll({ skipBusy }: { skipBusy: boolean }): Promise<void> {
    const ready = this.nodeRecords.list().filter((n) => n.Status.State === 'ready');
    await Promise.all(
      ready.filter((n) => !(skipBusy && this.relists.has(n.ID))).map((n) => this.relist(n.ID)),
    );
  }

  private async relistNode(nodeId: string): Promise<void> {
    if (!this.running) return;
    const node = this.nodeRecords.get(nodeId);
    if (node?.Status.State !== 'ready') return;
    let containers;
    try {
      containers = await listTaskContainers(this.nodes.engine(nodeId), this.clusterID);
    } catch (error) {
      // The node's health check or the next periodic relist brings it back here.
      this.log(`relisting node ${nodeId}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!this.running) return;
    this.forgetOldDeletions();
    // Read after the listing: a task whose container was listed existed (or was deleted by us) by then.
    const tasks = new Map(this.tasks.list().map((t) => [t.ID, t]));
    const plan = planRelist({
      nodeId,
      containers,
      tasks,
      recentlyDeleted: new Set(this.recentlyDeleted.keys()),
      knownNodes: new Set(this.nodeRecords.list().map((n) => n.ID)),
    });
    const listed = new Set(containers.map((c) => c.containerId));
    for (const [containerId, onNode] of this.reported) {
      if (onNode === nodeId && !listed.has(containerId)) this.reported.delete(containerId);
    }
    for (const report of plan.foreign) this.reportForeign(report);
    for (const [taskId, hints] of plan.attend) this.hint(taskId, nodeId, hints);
    await Promise.all(plan.leftovers.map((c) => this.removeLeftover(nodeId, c)));
  }

  /** A container of a task whose node left the cluster, found on an engine that is (again) a cluster node. */
  private async removeLeftover(nodeId: string, container: TaskContainer): Promise<void> {
    const task = this.tasks.get(container.labels.taskId);
    const grace = stopTimeoutSeconds(task?.Spec.ContainerSpec?.StopGracePeriod);
    try {
      const engine = this.nodes.engine(nodeId);
      await stop(engine, container.containerId, grace);
      await remove(engine, container.containerId);
      this.log(
        `node ${nodeId}: removed container ${container.containerId.slice(0, 12)} (${container.name}) left by ` +
          `task ${container.labels.taskId} of removed node ${container.labels.nodeId}`,
      );
    } catch (error) {
      // The next relist tries again.
      this.log(`node ${nodeId}: removing leftover ${container.containerId.slice(0, 12)}: ${String(error)}`);
    }
  }

  private onStoreChange(change: StoreChange): void {
    if (!this.running) return;
    if (change.collection === 'tasks') this.onTaskChange(change);
    else if (change.collection === 'nodes') this.onNodeChange(change);
  }

  private onTaskChange(change: StoreChange): void {
    const task = change.object as Task;
    if (change.action === 'delete') {
      this.hints.delete(task.ID);
      this.queue.forget(task.ID);
      return;
    }
    if (task.NodeID === undefined) return;
    const previous = change.previous as Task | undefined;
    // Only what others decide wakes a task; the dispatcher's own status writes do not.
    const wake =
      !previous ||
      previous.DesiredState !== task.DesiredState ||
      previous.NodeID !== task.NodeID ||
      (task.Status.State === 'assigned' && previous.Status.State !== 'assigned');
    if (wake) this.queue.enqueue(task.ID, task.NodeID);
  }

  private onNodeChange(change: StoreChange): void {
    const node = change.object as SwarmNode;
    if (change.action === 'delete') {
      for (const task of this.tasks.list()) {
        if (task.NodeID === node.ID) this.queue.enqueue(task.ID, node.ID);
      }
      return;
    }
    const previous = change.previous as SwarmNode | undefined;
    if (node.Status.State === 'ready' && previous?.Status.State !== 'ready') {
      this.log(`node ${node.ID} is ready: relisting its containers`);
      void this.relist(node.ID);
    }
  }

  private onEngineEvent(nodeId: string, event: EngineEvent): void {
    if (!this.running) return;
    const verdict = readEngineEvent(nodeId, event, this.clusterID, (id) => this.tasks.get(id));
    if (verdict.kind === 'task') this.hint(verdict.taskId, nodeId, verdict.hints);
    else if (verdict.kind === 'foreign') this.reportForeign(verdict.report);
  }

  private hint(taskId: string, nodeId: string, hints: TaskHints): void {
    this.hints.set(taskId, mergeHints(this.hints.get(taskId) ?? {}, hints));
    this.queue.enqueue(taskId, nodeId);
  }

  private async work(taskId: string): Promise<'done' | 'retry'> {
    const hints = this.hints.get(taskId) ?? {};
    this.hints.delete(taskId);
    let outcome: 'done' | 'retry' = 'retry';
    try {
      outcome = await runTask(this.runner, taskId, hints);
      return outcome;
    } finally {
      // Not done: what the hints said still holds for the next attempt.
      if (outcome === 'retry' && this.tasks.get(taskId)) {
        this.hints.set(taskId, mergeHints(hints, this.hints.get(taskId) ?? {}));
      }
    }
  }

  private reportForeign(report: ForeignContainer): void {
    if (this.reported.has(report.containerId)) return;
    this.reported.set(report.containerId, report.nodeId);
    this.log(
      `node ${report.nodeId}: container ${report.containerId.slice(0, 12)} (${report.name}) has Shoal labels ` +
        `but is not ours to manage (${report.reason}, task ${report.labels.taskId}); leaving it alone`,
    );
    for (const listener of [...this.foreignListeners]) {
      try {
        listener(report);
      } catch (error) {
        this.log(`foreign container listener failed: ${String(error)}`);
      }
    }
  }

  private forgetOldDeletions(): void {
    const cutoff = Date.now() - DELETED_MEMORY_MS;
    for (const [taskId, at] of this.recentlyDeleted) if (at < cutoff) this.recentlyDeleted.delete(taskId);
  }
}
