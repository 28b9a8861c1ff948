import type { Service, Task } from '../types/swarm';
import { isDirty, isTerminal } from './task-model';

/** The tasks of one slot (replicated: a slot number; global: a node), oldest first. */
export interface Slot {
  key: string;
  /** Slot number for replicated services, node ID for global ones. */
  slot?: number;
  nodeId?: string;
  tasks: Task[];
}

/** Tasks that count towards the service: desired ready/running and not finished. */
export function liveTasks(slot: Slot): Task[] {
  return slot.tasks.filter(
    (t) => (t.DesiredState === 'running' || t.DesiredState === 'ready') && !isTerminal(t.Status.State),
  );
}

export function groupSlots(tasks: readonly Task[], global: boolean): Map<string, Slot> {
  const slots = new Map<string, Slot>();
  const sorted = [...tasks].sort(
    (a, b) => a.CreatedAt.localeCompare(b.CreatedAt) || a.ID.localeCompare(b.ID),
  );
  for (const task of sorted) {
    if (task.DesiredState === 'remove') continue;
    const key = global ? `node:${task.NodeID ?? ''}` : `slot:${task.Slot ?? 0}`;
    let slot = slots.get(key);
    if (!slot) {
      slot = global ? { key, tasks: [] } : { key, tasks: [] };
      if (global && task.NodeID) slot.nodeId = task.NodeID;
      if (!global && task.Slot !== undefined) slot.slot = task.Slot;
      slots.set(key, slot);
    }
    slot.tasks.push(task);
  }
  return slots;
}

/** A slot whose live tasks are all of an older spec: the updater must replace them. */
export function isDirtySlot(slot: Slot, service: Service): boolean {
  const live = liveTasks(slot);
  return live.length > 0 && live.every((t) => isDirty(t, service));
}
