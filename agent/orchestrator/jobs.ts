import { normalizedMode } from './spec/defaults';
import { restartTask, type ReconcileContext } from './context';
import { reconcileGlobal } from './global';
import type { Slot } from './slots';
import { isTerminal, newTask } from './task-model';

/**
 * A replicated job runs tasks until `TotalCompletions` of them completed, at most `MaxConcurrent` at once.
 * Failed tasks are retried per the restart policy (for jobs, `any` behaves like `on-failure`).
 */
export function reconcileReplicatedJob(ctx: ReconcileContext, slots: Map<string, Slot>): void {
  const mode = normalizedMode(ctx.service.Spec).ReplicatedJob ?? {};
  const total = mode.TotalCompletions ?? 1;
  const concurrent = Math.max(1, mode.MaxConcurrent ?? 1);
  let completed = 0;
  let live = 0;
  let highestSlot = 0;
  for (const slot of slots.values()) {
    highestSlot = Math.max(highestSlot, slot.slot ?? 0);
    for (const task of slot.tasks) {
      if (task.Status.State === 'complete') {
        completed++;
        continue;
      }
      const wantsToRun = task.DesiredState === 'running' || task.DesiredState === 'ready';
      if (!wantsToRun) continue;
      if (isTerminal(task.Status.State)) {
        if (restartTask(ctx, task, { keepNode: false })) live++;
      } else {
        live++;
      }
    }
  }
  for (let next = highestSlot + 1; live < concurrent && completed + live < total; next++) {
    ctx.writes.createTask(newTask(ctx.service, { slot: next }, new Date(ctx.now)));
    live++;
  }
}

/** A global job runs one task to completion on every eligible node, like a global service that stays done. */
export function reconcileGlobalJob(ctx: ReconcileContext, slots: Map<string, Slot>): void {
  reconcileGlobal(ctx, slots);
}
