import type { Service, SwarmNode, Task } from '../types/swarm';
import type { Logger } from '../util/log';
import type { RestartSupervisor } from './restart-supervisor';
import { newTask } from './task-model';
import type { Writes } from './writes';

/** What one reconcile of one service sees and may do. */
export interface ReconcileContext {
  service: Service;
  nodes: ReadonlyMap<string, SwarmNode>;
  supervisor: RestartSupervisor;
  writes: Writes;
  now: number;
  log: Logger;
  /** Asks for another reconcile of this service at (or soon after) the given time. */
  wakeAt(at: number): void;
}

/** A node can keep tasks unless it is down, draining or gone (swarmkit's InvalidNode). */
export function nodeKeepsTasks(node: SwarmNode | undefined): boolean {
  return node !== undefined && node.Status.State !== 'down' && node.Spec.Availability !== 'drain';
}

/**
 * Replaces a finished task (or one on a lost node): the old one is shut down, and if the restart policy
 * allows, a new task takes its slot (or node), starting after the policy's delay and any crash-loop backoff.
 * Returns whether a replacement was made.
 */
export function restartTask(
  ctx: ReconcileContext,
  task: Task,
  options: { keepNode: boolean; noDelay?: boolean },
): boolean {
  ctx.writes.setDesired(task, 'shutdown');
  if (!ctx.supervisor.shouldRestart(ctx.service, task, ctx.now)) return false;
  const delay = ctx.supervisor.recordRestart(ctx.service, task, ctx.now);
  const placement = options.keepNode ? { nodeId: task.NodeID ?? '' } : { slot: task.Slot ?? 0 };
  const replacement = newTask(ctx.service, placement, new Date(ctx.now));
  if (!options.noDelay && delay > 0) {
    replacement.DesiredState = 'ready';
    replacement.StartAfter = new Date(ctx.now + delay).toISOString();
    ctx.wakeAt(ctx.now + delay);
  }
  ctx.writes.createTask(replacement);
  return true;
}
