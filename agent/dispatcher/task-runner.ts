import type { EngineClient, NodeManager } from '../cluster/types';
import {
  containerConfig,
  createAndStart,
  ensureImage,
  ensureNodeNetwork,
  inspectStatus,
  listTaskContainers,
  remove,
  removeNodeNetworkIfUnused,
  stop,
  stopTimeoutSeconds,
  taskStateOf,
  UNHEALTHY_ERR,
  type ObservedStatus,
} from '../executor';
import { isTerminal, stateIndex } from '../orchestrator/task-model';
import type { Collection } from '../store/store';
import type { ClusterNetwork, Service, SwarmNode, Task, TaskState } from '../types/swarm';
import { ConflictError, NotFoundError, UnavailableError } from '../util/errors';
import type { StatusReport, WriteResult } from './status-writer';
import type { WorkOutcome } from './work-queue';

/** What events and relists learned about a task, for its next run. */
export interface TaskHints {
  /** From a `die` event: how it ended, for when the container is gone before it can be inspected. */
  exitCode?: number;
  /** Containers of this task other than the one it keeps (two claimed one task): stop and remove them. */
  extraContainers?: string[];
}

export function mergeHints(into: TaskHints, more: TaskHints): TaskHints {
  const extras = [...new Set([...(into.extraContainers ?? []), ...(more.extraContainers ?? [])])];
  return {
    ...into,
    ...more,
    ...(extras.length > 0 ? { extraContainers: extras } : {}),
  };
}

/** Where task runs write: statuses and deletions, each settled once committed. */
export interface TaskWriter {
  write(taskId: string, report: StatusReport): Promise<WriteResult>;
  /** Deletes the task record whatever its version; true when it is gone. */
  delete(taskId: string): Promise<boolean>;
}

export interface RunnerContext {
  /** For reading; writes go through `writer`. */
  tasks: Collection<Task>;
  writer: TaskWriter;
  services: Collection<Service>;
  networks: Collection<ClusterNetwork>;
  nodeRecords: Collection<SwarmNode>;
  nodes: NodeManager;
  clusterID: string;
  log(line: string): void;
  /** Called once a task's record was deleted (desired `remove` done). */
  taskDeleted(taskId: string): void;
}

/** A state the orchestrator sets to say "stop it": shutdown, remove (or anything later). */
export function stopWanted(task: Task): boolean {
  return stateIndex(task.DesiredState) >= stateIndex('shutdown');
}

/** Desired running, or (swarmkit's jobs) complete: start it and let it run to its end. */
function startWanted(task: Task): boolean {
  return task.DesiredState === 'running' || task.DesiredState === 'complete';
}

/** A container that still runs or may still start: it must be stopped before its task can be called done. */
export function containerIsLive(observed: ObservedStatus): boolean {
  return !isTerminal(observed.state) || containerRuns(observed);
}

/** A container whose process runs now. */
export function containerRuns(observed: ObservedStatus): boolean {
  // An unhealthy container reads as `failed` but keeps running until someone stops it.
  return observed.state === 'starting' || observed.state === 'running' || observed.err === UNHEALTHY_ERR;
}

/**
 * One pass of the dispatcher's state machine over one task: moves the task as far towards its desired state as
 * the engine allows now, writing each observed state as it is reached. Never runs twice at once for a task.
 */
export async function runTask(ctx: RunnerContext, taskId: string, hints: TaskHints): Promise<WorkOutcome> {
  const task = ctx.tasks.get(taskId);
  if (!task?.NodeID) return 'done';
  const node = ctx.nodeRecords.get(task.NodeID);
  if (!node) return nodeGone(ctx, task);
  // Parked: the node coming back (or leaving the store) enqueues its tasks again.
  if (node.Status.State !== 'ready') return 'done';
  try {
    return await new TaskRun(ctx, task, node, ctx.nodes.engine(node.ID), hints).go();
  } catch (error) {
    if (!(error instanceof UnavailableError)) throw error;
    await noteError(ctx, taskId, `${error.message} (will retry)`);
    return 'retry';
  }
}

/** Records an error on the task without changing its state (for transient failures). */
async function noteError(ctx: RunnerContext, taskId: string, err: string): Promise<void> {
  const current = ctx.tasks.get(taskId);
  if (!current || isTerminal(current.Status.State)) return;
  await ctx.writer.write(taskId, { state: current.Status.State, message: current.Status.Message, err });
}

/** The node left the store: its containers are out of reach for good. */
async function nodeGone(ctx: RunnerContext, task: Task): Promise<WorkOutcome> {
  if (task.DesiredState === 'remove') {
    await ctx.writer.delete(task.ID);
    ctx.taskDeleted(task.ID);
    ctx.log(`task ${task.ID}: deleted (its node ${task.NodeID ?? '?'} was removed from the cluster)`);
    return 'done';
  }
  if (!isTerminal(task.Status.State) && stateIndex(task.Status.State) >= stateIndex('assigned')) {
    await ctx.writer.write(task.ID, {
      state: 'orphaned',
      message: 'orphaned',
      err: `node ${task.NodeID ?? '?'} was removed from the cluster`,
    });
  }
  return 'done';
}

class TaskRun {
  private task: Task;
  private readonly grace: number;

  constructor(
    private readonly ctx: RunnerContext,
    task: Task,
    private readonly node: SwarmNode,
    private readonly engine: EngineClient,
    private readonly hints: TaskHints,
  ) {
    this.task = task;
    this.grace = stopTimeoutSeconds(task.Spec.ContainerSpec?.StopGracePeriod);
  }

  async go(): Promise<WorkOutcome> {
    await this.removeExtraContainers();
    if (stopWanted(this.task)) return this.stopAndMaybeRemove();
    return this.runToDesired();
  }

  private get observed(): TaskState {
    return this.task.Status.State;
  }

  private get containerId(): string | undefined {
    return this.task.Status.ContainerStatus?.ContainerID;
  }

  /**
   * Moves the task to a later state; a retry that finds it there already writes nothing, so the Err of the last
   * attempt stays visible until the task gets further.
   */
  private async advance(state: TaskState, message: string): Promise<void> {
    if (stateIndex(state) > stateIndex(this.observed)) await this.write({ state, message });
  }

  private async write(report: StatusReport): Promise<void> {
    const result = await this.ctx.writer.write(this.task.ID, report);
    if (result.task) this.task = result.task;
  }

  // ---- desired running (or ready) ------------------------------------------------------------------

  private async runToDesired(): Promise<WorkOutcome> {
    if (stateIndex(this.observed) < stateIndex('assigned')) return 'done';
    if (isTerminal(this.observed)) {
      await this.stopIfStillLive();
      return 'done';
    }
    if (this.observed === 'assigned') await this.advance('accepted', 'accepted');
    if (stateIndex(this.observed) < stateIndex('ready')) {
      const problem = await this.prepare();
      if (problem !== undefined) {
        await this.write({ state: 'rejected', message: 'preparing', err: problem });
        return 'done';
      }
      await this.advance('ready', 'prepared');
    }
    // Update sequencing: prepared, but not started until the orchestrator says `running`.
    if (!startWanted(this.task)) return 'done';
    if (stateIndex(this.observed) < stateIndex('starting') || this.containerId === undefined) {
      if (!(await this.createAndStart())) return 'done';
    }
    await this.observe();
    return 'done';
  }

  /** Image and node-local networks. Resolves with why the task cannot run here, or undefined when ready. */
  private async prepare(): Promise<string | undefined> {
    await this.advance('preparing', 'preparing');
    const { networks, missing } = resolveNetworks(this.ctx.networks, this.task);
    if (missing.length > 0) return `network ${missing.join(', ')} not found`;
    const image = this.task.Spec.ContainerSpec?.Image;
    if (!image) return 'the task has no ContainerSpec.Image';
    try {
      await ensureImage(this.engine, image, {
        peers: this.peers(),
        nodeName: this.node.Description.Hostname,
      });
      for (const network of networks) await ensureNodeNetwork(this.engine, network);
    } catch (error) {
      if (error instanceof UnavailableError) throw error;
      return messageOf(error);
    }
    return undefined;
  }

  private peers(): EngineClient[] {
    return this.ctx.nodeRecords
      .list()
      .filter((n) => n.ID !== this.node.ID && n.Status.State === 'ready')
      .flatMap((n) => {
        try {
          return [this.ctx.nodes.engine(n.ID)];
        } catch {
          return []; // a peer whose endpoint cannot be used is no source of images
        }
      });
  }

  /** True when the task has a container that was (or already had been) started. */
  private async createAndStart(): Promise<boolean> {
    await this.advance('starting', 'starting');
    const service = this.ctx.services.get(this.task.ServiceID);
    if (!service) {
      await this.write({
        state: 'rejected',
        message: 'starting',
        err: `service ${this.task.ServiceID} not found`,
      });
      return false;
    }
    let config;
    try {
      const { networks } = resolveNetworks(this.ctx.networks, this.task);
      config = containerConfig({
        task: this.task,
        service,
        node: this.node,
        clusterID: this.ctx.clusterID,
        networks,
      });
    } catch (error) {
      await this.write({ state: 'rejected', message: 'starting', err: messageOf(error) });
      return false;
    }
    try {
      const started = await createAndStart(this.engine, config);
      await this.write({ state: 'starting', message: 'starting', containerId: started.containerId });
      if (started.adopted)
        this.ctx.log(`task ${this.task.ID}: adopted container ${short(started.containerId)}`);
      return true;
    } catch (error) {
      if (error instanceof UnavailableError) throw error;
      // Swarm: `rejected` when no container came of it, `failed` when one exists but would not start.
      const existing = error instanceof ConflictError ? undefined : await this.inspectOrGone(config.name);
      if (existing) {
        await this.write({
          state: 'failed',
          message: 'starting',
          err: existing.err ?? messageOf(error),
          containerId: existing.containerId,
        });
      } else {
        await this.write({ state: 'rejected', message: 'starting', err: messageOf(error) });
      }
      return false;
    }
  }

  /** Reads the container and records what it says; an unhealthy container is stopped first, as Swarm's agent does. */
  private async observe(): Promise<void> {
    const id = this.containerId;
    if (id === undefined) return;
    const observed = await this.inspectOrGone(id);
    if (!observed) {
      await this.write(this.goneReport(id));
      return;
    }
    if (observed.state === 'ready') return; // created, not started: the next createAndStart starts it
    if (observed.message === 'removing') {
      // Removed from outside (docker rm -f): the task ended as its `die` event says, which may be still to come.
      if (this.hints.exitCode !== undefined) await this.write(this.goneReport(id));
      return;
    }
    if (observed.state === 'failed' && observed.err === UNHEALTHY_ERR) {
      await stop(this.engine, id, this.grace);
      this.ctx.log(`task ${this.task.ID}: container ${short(id)} unhealthy, stopped`);
    }
    await this.write(reportOf(observed));
  }

  /** The container vanished (removed from outside): report how it ended if its `die` event said so. */
  private goneReport(id: string): StatusReport {
    if (this.hints.exitCode !== undefined) {
      const ended = taskStateOf({ status: 'exited', exitCode: this.hints.exitCode });
      return { ...ended, containerId: id };
    }
    return { state: 'failed', message: 'started', err: `No such container: ${id}`, containerId: id };
  }

  private async stopIfStillLive(): Promise<void> {
    const id = this.containerId;
    if (id === undefined) return;
    const observed = await this.inspectOrGone(id);
    if (observed && containerRuns(observed)) {
      await stop(this.engine, id, this.grace);
      this.ctx.log(`task ${this.task.ID}: stopped container ${short(id)} of a task that had ended`);
    }
  }

  // ---- desired shutdown / remove -------------------------------------------------------------------

  private async stopAndMaybeRemove(): Promise<WorkOutcome> {
    const removing = this.task.DesiredState === 'remove';
    if (!removing && isTerminal(this.observed)) {
      await this.stopIfStillLive();
      return 'done';
    }
    const ids = await this.containersOfTask();
    for (const id of ids) {
      const before = await this.inspectOrGone(id);
      if (before && containerIsLive(before)) await stop(this.engine, id, this.grace);
      if (removing) await remove(this.engine, id);
    }
    // As swarmkit's agent: asked to stop before it had ended, the task is shut down, whatever the exit code.
    const final: StatusReport = { state: 'shutdown', message: 'shutdown' };
    const primary = this.containerId ?? ids[0];
    if (primary !== undefined) final.containerId = primary;
    await this.write(final);
    if (!removing) return 'done';

    for (const network of attachedNetworks(this.ctx.networks, this.task)) {
      await removeNodeNetworkIfUnused(this.engine, network);
    }
    await this.ctx.writer.delete(this.task.ID);
    this.ctx.taskDeleted(this.task.ID);
    return 'done';
  }

  /** The recorded container, or (none recorded: a crash may have come between create and record) a listing. */
  private async containersOfTask(): Promise<string[]> {
    if (this.containerId !== undefined) return [this.containerId];
    const listed = await listTaskContainers(this.engine, this.ctx.clusterID);
    return listed.filter((c) => !c.foreign && c.labels.taskId === this.task.ID).map((c) => c.containerId);
  }

  private async removeExtraContainers(): Promise<void> {
    for (const id of this.hints.extraContainers ?? []) {
      if (id === this.containerId) continue;
      await stop(this.engine, id, this.grace);
      await remove(this.engine, id);
      this.ctx.log(`task ${this.task.ID}: removed duplicate container ${short(id)}`);
    }
  }

  private async inspectOrGone(nameOrId: string): Promise<ObservedStatus | undefined> {
    try {
      return await inspectStatus(this.engine, nameOrId);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }
}

function reportOf(observed: ObservedStatus): StatusReport {
  const report: StatusReport = {
    state: observed.state,
    message: observed.message,
    containerId: observed.containerId,
    ports: observed.ports,
  };
  if (observed.err !== undefined) report.err = observed.err;
  if (observed.exitCode !== undefined) report.exitCode = observed.exitCode;
  if (observed.pid !== undefined) report.pid = observed.pid;
  return report;
}

/** The task's networks from the store, by ID or name, in attachment order; targets not found are named. */
export function resolveNetworks(
  networks: Collection<ClusterNetwork>,
  task: Task,
): { networks: ClusterNetwork[]; missing: string[] } {
  const targets = task.Spec.Networks ?? [];
  if (targets.length === 0) return { networks: [], missing: [] };
  const all = networks.list();
  const found: ClusterNetwork[] = [];
  const missing: string[] = [];
  for (const { Target } of targets) {
    const network = networks.get(Target) ?? all.find((n) => n.Spec.Name === Target);
    if (network) found.push(network);
    else missing.push(Target);
  }
  return { networks: found, missing };
}

/**
 * For cleanup: the store's networks, else what the task recorded of them. The network may be gone already:
 * `docker stack rm` and `shoal stack rm` delete a stack's networks right after its services, while their tasks
 * are still being removed. Targets are stored as network IDs, and a node copy carries its network's ID as a
 * label, so a copy is found without the record (its name then unknown: '').
 */
function attachedNetworks(networks: Collection<ClusterNetwork>, task: Task): ClusterNetwork[] {
  const resolved = resolveNetworks(networks, task).networks;
  const known = new Set(resolved.map((n) => n.ID));
  const recorded = [
    ...(task.NetworksAttachments ?? []).map((a) => ({ id: a.Network.ID, name: a.Network.Spec.Name })),
    ...(task.Spec.Networks ?? []).map((n) => ({ id: n.Target, name: '' })),
  ];
  for (const { id, name } of recorded) {
    if (known.has(id)) continue;
    known.add(id);
    resolved.push({
      ID: id,
      Version: { Index: 0 },
      CreatedAt: '',
      UpdatedAt: '',
      Spec: { Name: name, Driver: 'bridge' },
    });
  }
  return resolved;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function short(id: string): string {
  return id.slice(0, 12);
}
