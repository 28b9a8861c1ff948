import type { NodeManager } from '../../cluster/types';
import { isDirty, taskName } from '../../orchestrator/task-model';
import type { Store } from '../../store/store';
import type { Service, Task, TaskState } from '../../types/swarm';
import { InvalidArgumentError } from '../../util/errors';
import { matchesAllLabels, matchesAnyExact, matchesAnyPrefix, type FilterArgs } from '../filters';
import { resolveService, servicesOf } from './resolve';

/** Docker's task filters, plus `_up-to-date`, which the CLI's progress poll sends. */
export const TASK_FILTERS = [
  'id',
  'name',
  'label',
  'service',
  'node',
  'desired-state',
  '_up-to-date',
] as const;
const DESIRED_STATES: readonly TaskState[] = ['running', 'shutdown', 'accepted'];

/**
 * Docker's task filters (moby daemon/cluster/tasks.go, swarmkit controlapi ListTasks): `service` and `node`
 * name objects by ID, name or prefix (an unknown one is a 404, as in Docker); `name` is a prefix of the task
 * name `<service>.<slot>.<id>`; `label` matches the service's labels too; `_up-to-date` keeps the tasks that match their service's current spec.
 */
export function taskFilter(store: Store, nodes: NodeManager, filters: FilterArgs): (task: Task) => boolean {
  const desired = filters.get('desired-state') ?? [];
  for (const state of desired) {
    if (!DESIRED_STATES.includes(state as TaskState)) {
      throw new InvalidArgumentError(
        `Invalid desired-state filter: '${state}': expected running, shutdown or accepted`,
      );
    }
  }
  const serviceIds = filters.get('service')?.map((ref) => resolveService(store, ref).ID);
  const nodeIds = filters.get('node')?.map((ref) => nodes.resolve(ref).ID);
  const upToDate = (filters.get('_up-to-date') ?? []).some((v) => v === 'true' || v === '1');
  const services = new Map<string, Service>(
    servicesOf(store)
      .list()
      .map((s) => [s.ID, s]),
  );
  const nameOf = (task: Task) => task.Name || taskName(services.get(task.ServiceID)?.Spec.Name ?? '', task);
  return (task) =>
    matchesAnyPrefix(task.ID, filters.get('id')) &&
    matchesAnyExact(task.ServiceID, serviceIds) &&
    matchesAnyExact(task.NodeID ?? '', nodeIds) &&
    matchesAnyExact(task.DesiredState, desired) &&
    matchesAllLabels(labelsOf(task, services.get(task.ServiceID)), filters.get('label')) &&
    matchesAnyPrefix(nameOf(task), filters.get('name')) &&
    (!upToDate || isUpToDate(task, services.get(task.ServiceID)));
}

/**
 * What a task's `label` filter matches: its service's labels (swarmkit matches the task's copy of its service's
 * annotations, which is how `docker stack ps` finds a stack's tasks) and the task's own.
 */
function labelsOf(task: Task, service: Service | undefined): Record<string, string> {
  return { ...service?.Spec.Labels, ...task.Labels };
}

/**
 * What the CLI's progress poll counts as updated: swarmkit's `!IsTaskDirty`, the orchestrator's own test. A
 * task of an older spec version whose template and ports are unchanged (after a scale) is up to date too.
 */
export function isUpToDate(task: Task, service: Service | undefined): boolean {
  return service !== undefined && !isDirty(task, service);
}

/** A task as Docker's API shows it: every field the CLI reads present, even when the record leaves it out. */
export function taskView(task: Task): Task {
  return { ...task, Labels: task.Labels ?? {} };
}
