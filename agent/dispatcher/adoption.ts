import type { TaskContainer, TaskLabels } from '../executor';
import { isTerminal, stateIndex } from '../orchestrator/task-model';
import type { Task } from '../types/swarm';
import { containerIsLive, containerRuns, stopWanted, type TaskHints } from './task-runner';

/** Why a container with Shoal's labels is not adopted. */
export type ForeignReason =
  /** Another Shoal cluster (another agent's store) made it. */
  | 'other-cluster'
  /** Our cluster ID, but no task of that ID is in the store (spoofed labels, or a store restored from an old copy). */
  | 'unknown-task'
  /** The task exists but is assigned to another node. */
  | 'other-node';

/** A container reported and left alone: it is never stopped or removed by the dispatcher. */
export interface ForeignContainer {
  nodeId: string;
  containerId: string;
  name: string;
  labels: TaskLabels;
  reason: ForeignReason;
}

export interface RelistInput {
  nodeId: string;
  /** Every Shoal task container on the node (`listTaskContainers` with our cluster ID). */
  containers: readonly TaskContainer[];
  /** The store's tasks by ID, read after the listing. */
  tasks: ReadonlyMap<string, Task>;
  /** Tasks whose records this agent deleted lately: their containers were being removed, they are not foreign. */
  recentlyDeleted: ReadonlySet<string>;
  /**
   * The cluster's node IDs. When given, a container of a known task assigned to a node no longer among them is a
   * leftover of that removed node (an engine removed with `node rm --force` and added again gets a new ID).
   */
  knownNodes?: ReadonlySet<string>;
}

export interface RelistPlan {
  /** Tasks to run through the state machine now, with what the listing found out about them. */
  attend: Map<string, TaskHints>;
  foreign: ForeignContainer[];
  /**
   * Containers of our tasks whose node left the cluster: the task was orphaned and nothing else will ever stop
   * them, so they are stopped and removed (the task record stays as history).
   */
  leftovers: TaskContainer[];
}

/**
 * Reconciles one node's containers with the store after a restart or an event gap: adopts containers of known
 * tasks (their task is looked at again), picks one container when several claim a task, and reports containers
 * it must not touch. Tasks whose recorded container is gone are looked at too.
 */
export function planRelist(input: RelistInput): RelistPlan {
  const plan: RelistPlan = { attend: new Map(), foreign: [], leftovers: [] };
  const byTask = new Map<string, TaskContainer[]>();
  for (const container of input.containers) {
    const reason = foreignReason(container, input);
    if (reason === 'skip') continue;
    if (reason === 'removed-node') {
      plan.leftovers.push(container);
      continue;
    }
    if (reason !== undefined) {
      plan.foreign.push({
        nodeId: input.nodeId,
        containerId: container.containerId,
        name: container.name,
        labels: container.labels,
        reason,
      });
      continue;
    }
    const claims = byTask.get(container.labels.taskId) ?? [];
    claims.push(container);
    byTask.set(container.labels.taskId, claims);
  }

  for (const task of input.tasks.values()) {
    if (task.NodeID !== input.nodeId) continue;
    const claims = byTask.get(task.ID) ?? [];
    const kept = pickContainer(task, claims);
    const extras = claims.filter((c) => c !== kept).map((c) => c.containerId);
    if (extras.length > 0) plan.attend.set(task.ID, { extraContainers: extras });
    else if (!isSettled(task, kept)) plan.attend.set(task.ID, {});
  }
  return plan;
}

function foreignReason(
  container: TaskContainer,
  input: RelistInput,
): ForeignReason | 'skip' | 'removed-node' | undefined {
  if (container.foreign) return 'other-cluster';
  const task = input.tasks.get(container.labels.taskId);
  if (!task) return input.recentlyDeleted.has(container.labels.taskId) ? 'skip' : 'unknown-task';
  if (task.NodeID !== input.nodeId) {
    const nodeLeft = task.NodeID !== undefined && input.knownNodes && !input.knownNodes.has(task.NodeID);
    return nodeLeft && container.labels.nodeId === task.NodeID ? 'removed-node' : 'other-node';
  }
  return undefined;
}

/** The container a task keeps: the recorded one, else the one of the task's own name, else a live one. */
function pickContainer(task: Task, claims: readonly TaskContainer[]): TaskContainer | undefined {
  const recorded = task.Status.ContainerStatus?.ContainerID;
  return (
    claims.find((c) => c.containerId === recorded) ??
    claims.find((c) => c.name === c.labels.taskName) ??
    claims.find((c) => containerIsLive(c.status)) ??
    claims[0]
  );
}

/** Whether the store already says what the listing shows, with nothing left to do for the task. */
export function isSettled(task: Task, container: TaskContainer | undefined): boolean {
  const observed = task.Status.State;
  if (task.DesiredState === 'remove') return false;
  if (isTerminal(observed)) return !(container && containerRuns(container.status));
  if (stateIndex(observed) < stateIndex('assigned')) return true;
  if (stopWanted(task)) return false;
  if (!container) return task.DesiredState === 'ready' && observed === 'ready';
  return (
    container.containerId === task.Status.ContainerStatus?.ContainerID && container.status.state === observed
  );
}
