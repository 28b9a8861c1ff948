import type { Task } from '../types/swarm';
import { normalizedMode } from './spec/defaults';
import { nodeKeepsTasks, restartTask, type ReconcileContext } from './context';
import { liveTasks, type Slot } from './slots';
import { isTerminal, newTask } from './task-model';

/**
 * Keeps a replicated service at its replica count: finished tasks are replaced per the restart policy,
 * tasks on lost or drained nodes are rescheduled, missing slots are filled and extra slots removed.
 */
export function reconcileReplicated(ctx: ReconcileContext, slots: Map<string, Slot>): void {
  const occupied = new Map<number, Slot>();
  for (const slot of slots.values()) {
    if (slot.slot === undefined) continue;
    if (reviveSlot(ctx, slot)) occupied.set(slot.slot, slot);
  }
  const replicas = normalizedMode(ctx.service.Spec).Replicated?.Replicas ?? 1;
  if (occupied.size < replicas) {
    let next = 1;
    for (let missing = replicas - occupied.size; missing > 0; missing--) {
      while (occupied.has(next)) next++;
      ctx.writes.createTask(newTask(ctx.service, { slot: next }, new Date(ctx.now)));
      occupied.set(next, { key: `slot:${next}`, slot: next, tasks: [] });
    }
  } else if (occupied.size > replicas) {
    const ranked = [...occupied.values()].sort(removalOrder);
    for (const slot of ranked.slice(0, occupied.size - replicas)) {
      for (const task of slot.tasks) ctx.writes.setDesired(task, 'remove');
    }
  }
}

/**
 * Handles a slot's finished tasks and tasks on lost nodes; returns whether the slot still counts:
 * it has a live task, or its last task finished and the restart policy says it stays finished.
 */
function reviveSlot(ctx: ReconcileContext, slot: Slot): boolean {
  let live = false;
  for (const task of slot.tasks) {
    const wantsToRun = task.DesiredState === 'running' || task.DesiredState === 'ready';
    if (!wantsToRun) continue;
    if (isTerminal(task.Status.State)) {
      live = restartTask(ctx, task, { keepNode: false }) || live;
    } else if (task.NodeID !== undefined && !nodeKeepsTasks(ctx.nodes.get(task.NodeID))) {
      const drained = ctx.nodes.get(task.NodeID)?.Spec.Availability === 'drain';
      live = restartTask(ctx, task, { keepNode: false, noDelay: drained }) || live;
    } else {
      live = true;
    }
  }
  if (live) return true;
  // Finished for good (condition none, on-failure after success, attempts used up): the slot stays taken,
  // as in swarmkit, so the service shows e.g. 0/1 instead of starting the task again.
  const last = slot.tasks[slot.tasks.length - 1];
  return (
    last !== undefined &&
    isTerminal(last.Status.State) &&
    !ctx.supervisor.shouldRestart(ctx.service, last, ctx.now)
  );
}

/** Scale-down order: finished slots, then not yet running, then the newest. */
function removalOrder(a: Slot, b: Slot): number {
  return rank(a) - rank(b) || newest(b).localeCompare(newest(a)) || (b.slot ?? 0) - (a.slot ?? 0);
}

function rank(slot: Slot): number {
  const live = liveTasks(slot);
  if (live.length === 0) return 0;
  if (!live.some((t) => t.Status.State === 'running')) return 1;
  return 2;
}

function newest(slot: Slot): string {
  const tasks: Task[] = slot.tasks;
  return tasks[tasks.length - 1]?.CreatedAt ?? '';
}
