import { compileConstraint } from '../scheduler/filters/constraint';
import { schedulerNode, splitConstraints } from '../scheduler/from-store';
import type { SwarmNode } from '../types/swarm';
import { restartTask, type ReconcileContext } from './context';
import { liveTasks, type Slot } from './slots';
import { isTerminal, newTask } from './task-model';

/**
 * Keeps one task of a global service on every node that can take it: ready or unknown (not down),
 * active, and satisfying the service's hard constraints. Tasks on nodes that went down, drain or no longer
 * match are shut down and not replaced elsewhere; a paused node keeps its task but gets no new one.
 */
export function reconcileGlobal(ctx: ReconcileContext, slots: Map<string, Slot>): void {
  const eligible = new Set<string>();
  const keeps = new Set<string>();
  for (const node of ctx.nodes.values()) {
    if (
      node.Status.State === 'down' ||
      node.Spec.Availability === 'drain' ||
      !satisfiesConstraints(ctx, node)
    ) {
      continue;
    }
    keeps.add(node.ID);
    if (node.Spec.Availability === 'active') eligible.add(node.ID);
  }
  const covered = new Set<string>();
  for (const slot of slots.values()) {
    const nodeId = slot.nodeId;
    if (nodeId === undefined) continue;
    for (const task of slot.tasks) {
      const wantsToRun = task.DesiredState === 'running' || task.DesiredState === 'ready';
      if (!wantsToRun) continue;
      if (!keeps.has(nodeId)) {
        ctx.writes.setDesired(task, 'shutdown');
      } else if (isTerminal(task.Status.State)) {
        // Only an active node gets a replacement; a paused one keeps nothing new.
        if (!eligible.has(nodeId)) ctx.writes.setDesired(task, 'shutdown');
        else if (restartTask(ctx, task, { keepNode: true })) covered.add(nodeId);
      } else {
        covered.add(nodeId);
      }
    }
    if (!covered.has(nodeId) && keeps.has(nodeId) && liveTasks(slot).length === 0) {
      const last = slot.tasks[slot.tasks.length - 1];
      // Finished for good under its restart policy: the node keeps its finished task.
      if (
        last &&
        isTerminal(last.Status.State) &&
        !ctx.supervisor.shouldRestart(ctx.service, last, ctx.now)
      ) {
        covered.add(nodeId);
      }
    }
  }
  for (const nodeId of eligible) {
    if (!covered.has(nodeId)) ctx.writes.createTask(newTask(ctx.service, { nodeId }, new Date(ctx.now)));
  }
}

function satisfiesConstraints(ctx: ReconcileContext, node: SwarmNode): boolean {
  const { constraints } = splitConstraints(ctx.service.Spec.TaskTemplate.Placement?.Constraints ?? []);
  if (constraints.length === 0) return true;
  const view = schedulerNode(node);
  try {
    return constraints.every((c) => {
      const compiled = compileConstraint(c);
      return compiled.expression.soft || compiled.holds(view);
    });
  } catch {
    return false;
  }
}
